package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// embedTokenBody is POST /embed-tokens' answer, strict.
type embedTokenBody struct {
	Token         string    `json:"token"`
	ExpiresAt     time.Time `json:"expires_at"`
	ParticipantID int64     `json:"participant_id"`
	URL           string    `json:"url"`
}

// mint posts body to /embed-tokens with key and decodes the 201.
func (e *env) mint(key, body string, headers ...string) embedTokenBody {
	e.t.Helper()
	var tok embedTokenBody
	e.request("POST", "/api/v1/embed-tokens", key, body, headers...).decode(e.t, http.StatusCreated, &tok)
	return tok
}

// page opens the embedded page with token and returns its status.
func (e *env) page(token string) int {
	e.t.Helper()
	resp, err := http.Get(e.srv.URL + "/embed/referrals?token=" + url.QueryEscape(token))
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestEmbedTokenMinting mints tokens through the API: the first for an
// external id creates the participant exactly as POST /participants
// would (attributed to their referrer), the second finds them; by
// participant id; the lifetime's bounds; and the token opens the page.
func TestEmbedTokenMinting(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		alice := e.participant(`{"external_id":"alice","email":"alice@example.com"}`, http.StatusCreated)
		start := time.Now().Truncate(time.Second)
		first := e.mint(e.write, `{"external_id":"bob","email":"bob@example.com","name":"Bob","referral_code":"`+alice.Code+`"}`)
		var bob participantBody
		e.get("/api/v1/participants/ext:bob").decode(t, http.StatusOK, &bob)
		if first.ParticipantID != bob.ID || *bob.Email != "bob@example.com" || *bob.Name != "Bob" || bob.ReferredBy == nil || bob.ReferredBy.ID != alice.ID {
			t.Fatalf("the first token made %+v, token for %d", bob, first.ParticipantID)
		}
		if d := first.ExpiresAt.Sub(start); d < time.Hour || d > time.Hour+2*time.Second || first.ExpiresAt.Location() != time.UTC {
			t.Errorf("expires_at %v: %v after the request, want an hour, in UTC", first.ExpiresAt, d)
		}
		if want := e.srv.URL + "/embed/referrals?token=" + first.Token; first.URL != want || !strings.HasPrefix(first.Token, "rhe_") {
			t.Errorf("url %q, want %q", first.URL, want)
		}
		var a participantBody
		e.get("/api/v1/participants/ext:alice").decode(t, http.StatusOK, &a)
		if a.Stats.Referrals != 1 || a.Stats.Points != 10 {
			t.Errorf("alice after bob's token: %+v, want the referral and its 10 points", a.Stats)
		}
		second := e.mint(e.write, `{"external_id":"bob","name":"Robert","ttl_seconds":60}`)
		var again participantBody
		e.get("/api/v1/participants/ext:bob").decode(t, http.StatusOK, &again)
		if second.ParticipantID != bob.ID || *again.Name != "Bob" || second.ExpiresAt.Sub(start) > time.Minute+2*time.Second {
			t.Errorf("second token %+v for %+v: want bob found as he was, for a minute", second, again)
		}
		byID := e.mint(e.write, fmt.Sprintf(`{"participant_id":%d,"ttl_seconds":86400}`, alice.ID))
		if byID.ParticipantID != alice.ID || byID.ExpiresAt.Sub(start) < 24*time.Hour {
			t.Errorf("by id: %+v", byID)
		}
		for _, tok := range []embedTokenBody{first, second, byID} {
			if status := e.page(tok.Token); status != http.StatusOK {
				t.Errorf("the page with a fresh token: %d", status)
			}
		}
	})
}

// TestEmbedTokenRefusals sends what minting refuses: a read key, bodies
// without a participant, with both references, bounds and types broken,
// an unknown participant, a banned one; and checks the token is no API
// key, and dies with the key that minted it.
func TestEmbedTokenRefusals(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		const path = "/api/v1/embed-tokens"
		e.request("POST", path, e.read, `{"external_id":"u1"}`).wantError(t, http.StatusForbidden, "forbidden", "")
		for body, want := range map[string][2]string{
			`{}`:                        {"invalid", "external_id"},
			`{"ttl_seconds":600}`:       {"invalid", "external_id"},
			`{"external_id":""}`:        {"invalid", "external_id"},
			`{"email":"a@example.com"}`: {"invalid", "external_id"},
			`{"participant_id":1,"external_id":"u1"}`:  {"invalid", "participant_id"},
			`{"participant_id":1,"name":"Ann"}`:        {"invalid", "participant_id"},
			`{"participant_id":0}`:                     {"invalid", "participant_id"},
			`{"external_id":"u1","ttl_seconds":59}`:    {"invalid", "ttl_seconds"},
			`{"external_id":"u1","ttl_seconds":86401}`: {"invalid", "ttl_seconds"},
			`{"external_id":"u1","ttl_seconds":-1}`:    {"invalid", "ttl_seconds"},
			`{"external_id":"u1","email":"nope"}`:      {"invalid", "email"},
			`{"external_id":"u1","click_id":"nope"}`:   {"invalid", "click_id"},
			`{"external_id":"u1","ttl_seconds":1.5}`:   {"invalid_type", "ttl_seconds"},
			`{"external_id":42}`:                       {"invalid_type", "external_id"},
			`{"participant_id":"1"}`:                   {"invalid_type", "participant_id"},
			`{"external_id":"u1","plan":"paid"}`:       {"unknown_field", "plan"},
			`{"external_id":"u1","token":"x"}`:         {"unknown_field", "token"},
			`[]`:                                       {"invalid_type", ""},
			`{"external_id":"u1"`:                      {"malformed_json", ""},
		} {
			status := http.StatusUnprocessableEntity
			if want[0] != "invalid" {
				status = http.StatusBadRequest
			}
			e.post(path, body).wantError(t, status, want[0], want[1])
		}
		e.post(path, "").wantError(t, http.StatusBadRequest, "malformed_json", "")
		e.post(path, `{"participant_id":999999}`).wantError(t, http.StatusNotFound, "not_found", "")
		e.get("/api/v1/participants/ext:u1").wantError(t, http.StatusNotFound, "not_found", "") // refusals made nobody

		tok := e.mint(e.write, `{"external_id":"u1"}`)
		// The token is no API key: the API refuses it, with the key's own 401.
		e.request("GET", "/api/v1/stats", tok.Token, "").wantError(t, http.StatusUnauthorized, "unauthorized", "")
		e.request("POST", path, tok.Token, `{"external_id":"u1"}`).wantError(t, http.StatusUnauthorized, "unauthorized", "")

		// A banned participant gets no token, and the ones it had die.
		if err := e.svc.Ban(context.Background(), e.admin, tok.ParticipantID, "tests"); err != nil {
			t.Fatal(err)
		}
		e.post(path, `{"external_id":"u1"}`).wantError(t, http.StatusForbidden, "forbidden", "")
		e.post(path, fmt.Sprintf(`{"participant_id":%d}`, tok.ParticipantID)).wantError(t, http.StatusForbidden, "forbidden", "")
		if status := e.page(tok.Token); status != http.StatusUnauthorized {
			t.Errorf("a banned participant's page: %d, want 401", status)
		}

		// A revoked key's tokens die; another key's live on.
		other := e.newKey("other", "write")
		doomed := e.mint(other, `{"external_id":"u2"}`)
		kept := e.mint(e.write, `{"external_id":"u2"}`)
		if e.page(doomed.Token) != http.StatusOK || e.page(kept.Token) != http.StatusOK {
			t.Fatal("fresh tokens do not open the page")
		}
		keys, err := e.svc.APIKeys(context.Background(), e.admin)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if k.Name == "other" {
				if err := e.svc.RevokeAPIKey(context.Background(), e.admin, k.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		if status := e.page(doomed.Token); status != http.StatusUnauthorized {
			t.Errorf("a revoked key's token: %d, want 401", status)
		}
		if status := e.page(kept.Token); status != http.StatusOK {
			t.Errorf("another key's token after the revocation: %d, want 200", status)
		}
	})
}

// TestEmbedTokenIdempotency retries a mint with its Idempotency-Key: the
// first token comes back, marked as a replay; another body is refused.
func TestEmbedTokenIdempotency(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		const path = "/api/v1/embed-tokens"
		first := e.request("POST", path, e.write, `{"external_id":"u1"}`, "Idempotency-Key", "embed-u1-1")
		replay := e.request("POST", path, e.write, `{"external_id":"u1"}`, "Idempotency-Key", "embed-u1-1")
		if first.StatusCode != http.StatusCreated || replay.StatusCode != http.StatusCreated || string(first.body) != string(replay.body) ||
			replay.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("first %d %s, replay %d %s %v", first.StatusCode, first.body, replay.StatusCode, replay.body, replay.Header)
		}
		e.request("POST", path, e.write, `{"external_id":"u2"}`, "Idempotency-Key", "embed-u1-1").
			wantError(t, http.StatusConflict, "idempotency_key_reused", "Idempotency-Key")
	})
}
