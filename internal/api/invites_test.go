package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

func TestInvitesRoute(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		const parts = "/api/v1/participants"
		e.participant(`{"external_id":"u1","email":"ann@example.com","name":"Ann Lee"}`, http.StatusCreated)
		e.participant(`{"external_id":"u2","email":"Bob@Example.com"}`, http.StatusCreated)
		r := e.post(parts+"/ext:u1/invites", `{"emails":["dan@example.com","bob+x@example.com","Dan@example.com","nope"],"note":"Come along"}`,
			"Idempotency-Key", "invite-1")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("invite: %d %s", r.StatusCode, r.body)
		}
		body := string(r.body)
		var got struct {
			Sent    int
			Results []struct {
				Email, Status, Refusal, Reason string
				InviteID                       *int64 `json:"invite_id"`
			}
		}
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatal(err)
		}
		want := []string{"dan@example.com sent  true", "bob+x@example.com refused participant true",
			"Dan@example.com refused duplicate false", "nope refused invalid false"}
		if got.Sent != 1 || len(got.Results) != len(want) {
			t.Fatalf("answer %s", body)
		}
		for i, r := range got.Results {
			line := strings.Join([]string{r.Email, r.Status, r.Refusal, map[bool]string{true: "true", false: "false"}[r.InviteID != nil]}, " ")
			if line != want[i] || (r.Refusal != "") != (r.Reason != "") {
				t.Errorf("result %d: %q (%q), want %q", i, line, r.Reason, want[i])
			}
		}
		if r := e.request("POST", parts+"/ext:u1/invites", e.read, `{"emails":["x@example.com"]}`); r.StatusCode != http.StatusForbidden {
			t.Fatalf("a read key: %d", r.StatusCode)
		}
		// Retried with its Idempotency-Key, the request is answered again and
		// nothing is invited twice.
		again := e.post(parts+"/ext:u1/invites", `{"emails":["dan@example.com","bob+x@example.com","Dan@example.com","nope"],"note":"Come along"}`,
			"Idempotency-Key", "invite-1")
		if again.Header.Get("Idempotent-Replayed") != "true" || string(again.body) != body {
			t.Fatalf("replay: %s", again.body)
		}
	})
}
