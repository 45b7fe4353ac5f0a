package core_test

import (
	"context"
	"strings"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/webhook"
)

// TestWebhookURLsMustBePublic: by default an admin cannot point an
// endpoint at this server, its network or a cloud's metadata service,
// when creating or when editing it (a form error on url); and a delivery
// to an endpoint saved while that was allowed is refused when connecting,
// so the answer of an internal service never reaches the admin's log.
func TestWebhookURLsMustBePublic(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := newFixtureWith(t, db, fixtureOptions{publicWebhooks: true})
		admin := f.admin(t)
		events := []string{webhook.ParticipantCreated}
		for _, u := range []string{"http://127.0.0.1:9/hooks", "http://[::1]/hooks", "http://10.0.0.1/hooks",
			"http://169.254.169.254/latest/meta-data/", "http://100.64.0.1/", "http://localhost:8080/hooks"} {
			_, err := f.svc.CreateWebhookEndpoint(ctx, admin, core.WebhookInput{URL: u, Events: events})
			if msg := referralhub.ErrorFields(err)["url"]; !strings.Contains(msg, "webhooks go only to public addresses") {
				t.Errorf("create %s: %v, want a url error", u, err)
			}
		}
		e, err := f.svc.CreateWebhookEndpoint(ctx, admin, core.WebhookInput{URL: "https://93.184.216.34/hooks", Events: events})
		if err != nil {
			t.Fatal(err)
		}
		err = f.svc.UpdateWebhookEndpoint(ctx, admin, e.ID, core.WebhookInput{URL: "http://192.168.1.1/hooks", Events: events})
		if msg := referralhub.ErrorFields(err)["url"]; !strings.Contains(msg, "192.168.1.1 is a private address") {
			t.Errorf("update: %v, want a url error", err)
		}

		// Saved by an older version (or through DNS that pointed elsewhere then).
		rc := newReceiver(t, secret, f.clock.Now)
		if _, err := db.Write().UpdateWebhookEndpoint(ctx, e.ID, rc.srv.URL+"/internal", secret, events); err != nil {
			t.Fatal(err)
		}
		f.join(t, "alice", nil)
		f.runJobs(t)
		page := f.page(t, e.ID)
		if len(rc.hooks()) != 0 || len(page.Attempts) != 1 || !strings.Contains(page.Attempts[0].Error, "is a loopback address") ||
			page.Attempts[0].Response != "" || page.Attempts[0].StatusCode != 0 {
			t.Errorf("the internal receiver got %d requests; attempts %+v", len(rc.hooks()), page.Attempts)
		}
	})
}
