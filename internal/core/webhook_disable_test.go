package core_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/webhook"
)

// TestWebhookEndpointIsDisabledAfterThreeDaysOfFailures: an endpoint that
// fails every attempt is retried with backoff for three days, then
// disabled, its delivery given up, and the admins told; once it works
// again, an admin enables it and replays its dead letters.
func TestWebhookEndpointIsDisabledAfterThreeDaysOfFailures(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx, admin := context.Background(), f.admin(t)
		rc := newReceiver(t, secret, f.clock.Now)
		rc.setAnswer(func(hook, int) int { return http.StatusInternalServerError })
		e := f.endpoint(t, rc.srv.URL, secret, webhook.ParticipantCreated)
		f.join(t, "alice", nil)
		start := f.clock.Now()
		for i := 0; i < 100 && f.queuedWebhookJobs(t) > 0; i++ {
			f.runJobs(t)
			f.clock.Advance(75 * time.Minute) // past the longest backoff (an hour, +20%)
		}
		page := f.page(t, e.ID)
		got, attempts := page.Endpoint, len(rc.hooks())
		if got.Enabled || !got.DisabledByFailures || !strings.Contains(got.DisabledReason, "No delivery attempt succeeded for 3 days") ||
			!strings.Contains(got.DisabledReason, "the endpoint answered 500") || got.DisabledAt.Sub(start) < 72*time.Hour {
			t.Fatalf("after %d attempts the endpoint is %+v", attempts, got)
		}
		if attempts < 55 || attempts > 70 || len(page.Attempts) != attempts {
			t.Errorf("%d attempts (%d logged) in three days of 75-minute steps", attempts, len(page.Attempts))
		}
		if first, last := page.Attempts[len(page.Attempts)-1], page.Attempts[0]; last.AttemptedAt.Sub(first.AttemptedAt) < 72*time.Hour {
			t.Errorf("retried from %v to %v: under three days", first.AttemptedAt, last.AttemptedAt)
		}
		if len(page.Dead) != 1 || page.Dead[0].Attempts != attempts || page.Dead[0].DeadAt.IsZero() {
			t.Fatalf("dead letters = %+v", page.Dead)
		}
		entries, err := f.svc.AuditLog(ctx, admin, "webhook.disable", 1)
		if err != nil || len(entries) != 1 || entries[0].Actor != "system" || entries[0].ActorID != 0 ||
			entries[0].Subject != "webhook endpoint "+strconv.FormatInt(e.ID, 10) || entries[0].Detail != got.DisabledReason {
			t.Fatalf("audit = %+v, %v", entries, err)
		}
		jobs, _ := db.Read().Jobs(ctx, referralhub.JobFailed, 10)
		if len(jobs) != 0 {
			t.Errorf("failed jobs: %+v", jobs)
		}

		// Disabled, it receives nothing new, and refuses replays.
		f.join(t, "bob", nil)
		f.runJobs(t)
		if n := len(rc.hooks()); n != attempts {
			t.Errorf("a disabled endpoint got %d more requests", n-attempts)
		}
		if _, err := f.svc.ReplayDeadWebhookDeliveries(ctx, admin, e.ID); referralhub.ErrorCode(err) != referralhub.EINVALID {
			t.Errorf("replay to a disabled endpoint: %v", err)
		}

		rc.setAnswer(func(hook, int) int { return http.StatusNoContent })
		if err := f.svc.SetWebhookEndpointEnabled(ctx, admin, e.ID, true); err != nil {
			t.Fatal(err)
		}
		n, err := f.svc.ReplayDeadWebhookDeliveries(ctx, admin, e.ID)
		if err != nil || n != 1 {
			t.Fatalf("replayed %d, %v", n, err)
		}
		f.runJobs(t)
		hooks := rc.hooks()
		last := hooks[len(hooks)-1]
		if len(hooks) != attempts+1 || last.Verified != nil || string(last.Raw) != string(hooks[0].Raw) ||
			last.Header.Get("ReferralHub-Signature") == hooks[0].Header.Get("ReferralHub-Signature") {
			t.Fatalf("the replay sent %d requests; last %s (%v)", len(hooks)-attempts, last.Raw, last.Verified)
		}
		page = f.page(t, e.ID)
		if len(page.Dead) != 0 || page.Counts[referralhub.WebhookSucceeded] != 1 || page.Endpoint.ConsecutiveFailures != 0 || !page.Endpoint.Enabled {
			t.Errorf("after the replay: %+v", page)
		}
	})
}

// TestReplayOneDelivery sends a delivered event again, the same event
// freshly signed, and refuses anyone but an admin.
func TestReplayOneDelivery(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx, admin := context.Background(), f.admin(t)
		rc := newReceiver(t, secret, f.clock.Now)
		e := f.endpoint(t, rc.srv.URL, secret, webhook.ParticipantCreated)
		alice := f.join(t, "alice", nil)
		f.runJobs(t)
		d := f.page(t, e.ID).Deliveries[0]
		if _, err := f.svc.ReplayWebhookDelivery(ctx, alice.user, d.ID); referralhub.ErrorCode(err) != referralhub.EFORBIDDEN {
			t.Fatalf("a user replayed: %v", err)
		}
		f.clock.Advance(time.Hour)
		if got, err := f.svc.ReplayWebhookDelivery(ctx, admin, d.ID); err != nil || got.EndpointID != e.ID {
			t.Fatalf("replay = %+v, %v", got, err)
		}
		f.runJobs(t)
		hooks := rc.hooks()
		if len(hooks) != 2 || string(hooks[1].Raw) != string(hooks[0].Raw) || hooks[1].Verified != nil ||
			hooks[1].Header.Get("ReferralHub-Signature") == hooks[0].Header.Get("ReferralHub-Signature") {
			t.Fatalf("replay sent %+v", hooks)
		}
		if got := f.page(t, e.ID).Deliveries[0]; got.Sends != 2 || got.Attempts != 2 || got.State != referralhub.WebhookSucceeded {
			t.Errorf("after the replay: %+v", got)
		}
		if _, err := f.svc.ReplayWebhookDelivery(ctx, admin, 999); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Errorf("replay of nothing: %v", err)
		}
		entries, _ := f.svc.AuditLog(ctx, admin, "webhook.", 1)
		if len(entries) != 2 || entries[0].Action != "webhook.replay" || entries[1].Action != "webhook.create" {
			t.Errorf("audit = %+v", entries)
		}
	})
}

// TestWebhookAttemptsHideTheURLAndFollowNoRedirect: a refused connection
// and a redirect are failed attempts; neither the log nor the job's error
// quotes the URL's query.
func TestWebhookAttemptsHideTheURLAndFollowNoRedirect(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		rc := newReceiver(t, secret, f.clock.Now)
		rc.setAnswer(func(hook, int) int { return http.StatusFound })
		closed := newReceiver(t, secret, f.clock.Now)
		closed.srv.Close()
		redirect := f.endpoint(t, rc.srv.URL+"/?token=sekrit-query", "", webhook.ParticipantCreated)
		refused := f.endpoint(t, closed.srv.URL+"/?token=sekrit-query", "", webhook.ParticipantCreated)
		if !strings.HasPrefix(redirect.Secret, "whsec_") || len(redirect.Secret) != 32 || redirect.Secret == refused.Secret {
			t.Errorf("made secrets %q, %q", redirect.Secret, refused.Secret)
		}
		f.join(t, "alice", nil)
		f.runJobs(t)
		if a := f.page(t, redirect.ID).Attempts; len(a) != 1 || a[0].StatusCode != http.StatusFound || a[0].Succeeded || len(rc.hooks()) != 1 {
			t.Errorf("redirect attempts = %+v", a)
		}
		a := f.page(t, refused.ID).Attempts
		if len(a) != 1 || a[0].StatusCode != 0 || !strings.Contains(a[0].Error, "refused") || a[0].Succeeded {
			t.Errorf("refused attempts = %+v", a)
		}
		storagetest.AssertSomewhere(t, db, "sekrit-query") // in the endpoints' URLs
		hits, err := db.FindText(context.Background(), "sekrit-query")
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if h.Table != "webhook_endpoints" {
				t.Errorf("the URL's query leaked: %s", h)
			}
		}
	})
}
