package core_test

import (
	"context"
	"testing"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/webhook"
)

// TestWebhooksSurviveADeletedEndpoint reproduces issue 15's lost webhooks:
// two endpoints get one event, the second is deleted (with its
// deliveries), and three more events follow. On SQLite the new deliveries
// used to take the freed ids, their jobs' dedupe keys collided with the
// finished job of the deleted delivery, and they stayed pending forever.
// Every event must reach the first endpoint.
func TestWebhooksSurviveADeletedEndpoint(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		first := newReceiver(t, secret, f.clock.Now)
		second := newReceiver(t, secret, f.clock.Now)
		f.endpoint(t, first.srv.URL, secret, webhook.ParticipantCreated)
		gone := f.endpoint(t, second.srv.URL, secret, webhook.ParticipantCreated)
		f.join(t, "alice", nil)
		f.runJobs(t)
		if err := f.svc.DeleteWebhookEndpoint(ctx, f.admin(t), gone.ID); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"bob", "carol", "dave"} {
			f.join(t, name, nil)
			f.runJobs(t)
		}
		if got := len(first.hooks()); got != 4 {
			t.Errorf("the first endpoint got %d events, want 4 (alice, bob, carol, dave): %v", got, first.types())
		}
		if got := len(second.hooks()); got != 1 {
			t.Errorf("the deleted endpoint got %d events, want 1", got)
		}
		if n := f.queuedWebhookJobs(t); n != 0 {
			t.Errorf("%d webhook jobs still queued", n)
		}
	})
}
