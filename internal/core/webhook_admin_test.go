package core_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/webhook"
)

func TestWebhookEndpointInputIsChecked(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx, admin := context.Background(), f.admin(t)
		all := []string{webhook.RewardCreated}
		cases := []struct {
			name  string
			in    core.WebhookInput
			field string
		}{
			{"no url", core.WebhookInput{Events: all}, "url"},
			{"ftp", core.WebhookInput{URL: "ftp://example.com/x", Events: all}, "url"},
			{"relative", core.WebhookInput{URL: "/hooks", Events: all}, "url"},
			{"no host", core.WebhookInput{URL: "https:///hooks", Events: all}, "url"},
			{"credentials", core.WebhookInput{URL: "https://user:pw@example.com/", Events: all}, "url"},
			{"fragment", core.WebhookInput{URL: "https://example.com/#x", Events: all}, "url"},
			{"not utf-8", core.WebhookInput{URL: "https://example.com/\xff", Events: all}, "url"},
			{"long", core.WebhookInput{URL: "https://example.com/" + strings.Repeat("a", 2000), Events: all}, "url"},
			{"short secret", core.WebhookInput{URL: "https://example.com/", Secret: "short", Events: all}, "secret"},
			{"secret with space", core.WebhookInput{URL: "https://example.com/", Secret: "a secret with spaces", Events: all}, "secret"},
			{"no events", core.WebhookInput{URL: "https://example.com/"}, "events"},
			{"unknown event", core.WebhookInput{URL: "https://example.com/", Events: []string{"reward.created", "user.deleted"}}, "events"},
		}
		for _, tc := range cases {
			_, err := f.svc.CreateWebhookEndpoint(ctx, admin, tc.in)
			if referralhub.ErrorFields(err)[tc.field] == "" {
				t.Errorf("%s: err = %v, want a message for %s", tc.name, err, tc.field)
			}
		}
		alice := f.join(t, "alice", nil)
		if _, err := f.svc.CreateWebhookEndpoint(ctx, alice.user, core.WebhookInput{URL: "https://example.com/", Events: all}); referralhub.ErrorCode(err) != referralhub.EFORBIDDEN {
			t.Errorf("a user created an endpoint: %v", err)
		}
		if _, err := f.svc.WebhookEndpoints(ctx, alice.user); referralhub.ErrorCode(err) != referralhub.EFORBIDDEN {
			t.Errorf("a user listed endpoints: %v", err)
		}
		e, err := f.svc.CreateWebhookEndpoint(ctx, admin, core.WebhookInput{URL: " http://127.0.0.1:9/hooks?k=1 ", Secret: "my-own-secret-0123",
			Events: []string{webhook.RewardReversed, webhook.ParticipantCreated, webhook.RewardReversed}})
		if err != nil || e.URL != "http://127.0.0.1:9/hooks?k=1" || e.Secret != "my-own-secret-0123" || !e.Enabled ||
			!slices.Equal(e.Events, []string{webhook.ParticipantCreated, webhook.RewardReversed}) {
			t.Fatalf("endpoint = %+v, %v", e, err)
		}
		entries, _ := f.svc.AuditLog(ctx, admin, "webhook.", 1)
		if len(entries) != 1 || entries[0].Detail != "http://127.0.0.1:9 for participant.created, reward.reversed" {
			t.Errorf("audit = %+v", entries)
		}
	})
}

func TestWebhookEndpointEditDisableAndDelete(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx, admin := context.Background(), f.admin(t)
		rc := newReceiver(t, "whsec_second_secret", f.clock.Now)
		rc.setAnswer(func(hook, int) int { return http.StatusServiceUnavailable })
		e := f.endpoint(t, "https://old.example/hooks", "", webhook.RewardCreated)
		in := core.WebhookInput{URL: rc.srv.URL, Events: []string{webhook.ParticipantCreated}}
		if err := f.svc.UpdateWebhookEndpoint(ctx, admin, e.ID, in); err != nil {
			t.Fatal(err)
		}
		got := f.page(t, e.ID).Endpoint
		if got.URL != rc.srv.URL || got.Secret != e.Secret || !slices.Equal(got.Events, in.Events) {
			t.Fatalf("a blank secret changed it, or the edit was lost: %+v", got)
		}
		in.Secret = "whsec_second_secret"
		if err := f.svc.UpdateWebhookEndpoint(ctx, admin, e.ID, in); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.UpdateWebhookEndpoint(ctx, admin, 999, in); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Errorf("edit of nothing: %v", err)
		}

		f.join(t, "alice", nil)
		f.runJobs(t) // fails once, and retries later
		if hooks := rc.hooks(); len(hooks) != 1 || hooks[0].Verified != nil {
			t.Fatalf("hooks = %+v", hooks)
		}
		if err := f.svc.SetWebhookEndpointEnabled(ctx, admin, e.ID, false); err != nil {
			t.Fatal(err)
		}
		page := f.page(t, e.ID)
		if page.Endpoint.Enabled || page.Endpoint.DisabledByFailures || page.Endpoint.DisabledReason != "Disabled by boss." ||
			len(page.Dead) != 1 || page.Dead[0].LastError != "The endpoint was disabled by an admin." {
			t.Fatalf("disabled by hand: %+v", page)
		}
		f.clock.Advance(time.Hour)
		f.runJobs(t)
		if n := len(rc.hooks()); n != 1 {
			t.Errorf("the retry went to a disabled endpoint (%d requests)", n)
		}
		if err := f.svc.DeleteWebhookEndpoint(ctx, admin, e.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.WebhookEndpointPage(ctx, admin, e.ID); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Errorf("deleted endpoint: %v", err)
		}
		if err := f.svc.DeleteWebhookEndpoint(ctx, admin, e.ID); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Errorf("deleted twice: %v", err)
		}
		var actions []string
		entries, _ := f.svc.AuditLog(ctx, admin, "webhook.", 1)
		for _, en := range entries {
			actions = append(actions, en.Action+" "+en.Detail)
		}
		want := []string{"webhook.delete ", "webhook.disable ", "webhook.update " + rc.srv.URL + " for participant.created; new secret",
			"webhook.update " + rc.srv.URL + " for participant.created", "webhook.create https://old.example for reward.created"}
		if !slices.Equal(actions, want) {
			t.Errorf("audit = %q, want %q", actions, want)
		}
	})
}
