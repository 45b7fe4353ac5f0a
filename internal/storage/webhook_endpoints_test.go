package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// mustEndpoint stores an enabled endpoint receiving events.
func mustEndpoint(t *testing.T, db *storage.DB, url string, events ...string) referralhub.WebhookEndpoint {
	t.Helper()
	e := referralhub.WebhookEndpoint{URL: url, Secret: "whsec_test", Events: events, CreatedAt: t0}
	if err := db.Write().CreateWebhookEndpoint(context.Background(), &e); err != nil {
		t.Fatal(err)
	}
	return e
}

func subscribed(t *testing.T, db *storage.DB, typ string) []int64 {
	t.Helper()
	ids, err := db.Read().SubscribedWebhookEndpoints(context.Background(), typ)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestWebhookEndpointsAreStoredAndSubscribedByType(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a := mustEndpoint(t, db, "https://a.example/hook", "referral.created", "reward.created")
		b := mustEndpoint(t, db, "https://b.example/hook", "reward.created")
		got, err := db.Read().WebhookEndpoint(ctx, a.ID)
		if err != nil || got.URL != a.URL || got.Secret != "whsec_test" || !got.Enabled || !got.CreatedAt.Equal(t0) ||
			!slices.Equal(got.Events, []string{"referral.created", "reward.created"}) {
			t.Fatalf("endpoint = %+v, %v", got, err)
		}
		if ids := subscribed(t, db, "reward.created"); !slices.Equal(ids, []int64{a.ID, b.ID}) {
			t.Errorf("reward.created goes to %v", ids)
		}
		for _, typ := range []string{"referral.created", "referral", "created", "reward.approved"} {
			want := []int64(nil)
			if typ == "referral.created" {
				want = []int64{a.ID}
			}
			if ids := subscribed(t, db, typ); !slices.Equal(ids, want) {
				t.Errorf("%s goes to %v, want %v", typ, ids, want)
			}
		}
		if ok, err := db.Write().UpdateWebhookEndpoint(ctx, b.ID, "http://b.example/new", "whsec_new", []string{"reward.approved"}); !ok || err != nil {
			t.Fatalf("update: %v %v", ok, err)
		}
		if ids := subscribed(t, db, "reward.created"); !slices.Equal(ids, []int64{a.ID}) {
			t.Errorf("after the update reward.created goes to %v", ids)
		}
		if ok, err := db.Write().DisableWebhookEndpoint(ctx, a.ID, "down", true, t0); !ok || err != nil {
			t.Fatalf("disable: %v %v", ok, err)
		}
		if ok, _ := db.Write().DisableWebhookEndpoint(ctx, a.ID, "again", false, t0); ok {
			t.Error("a disabled endpoint was disabled again")
		}
		if ids := subscribed(t, db, "reward.created"); len(ids) != 0 {
			t.Errorf("a disabled endpoint is subscribed: %v", ids)
		}
		list, err := db.Read().WebhookEndpoints(ctx)
		if err != nil || len(list) != 2 || list[0].Enabled || list[0].DisabledReason != "down" || !list[0].DisabledByFailures ||
			!list[0].DisabledAt.Equal(t0) || list[1].URL != "http://b.example/new" || list[1].Secret != "whsec_new" {
			t.Fatalf("list = %+v, %v", list, err)
		}
		if ok, err := db.Write().EnableWebhookEndpoint(ctx, a.ID); !ok || err != nil {
			t.Fatalf("enable: %v %v", ok, err)
		}
		if got, _ := db.Read().WebhookEndpoint(ctx, a.ID); !got.Enabled || !got.DisabledAt.IsZero() || got.DisabledReason != "" || got.DisabledByFailures {
			t.Errorf("enabled endpoint = %+v", got)
		}
		if _, err := db.Read().WebhookEndpoint(ctx, 999); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Errorf("missing endpoint: %v", err)
		}
	})
}

func TestWebhookEndpointFailureRuns(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		e := mustEndpoint(t, db, "https://a.example/hook", "reward.created")
		q := db.Write()
		for i, at := range []time.Time{t0, t0.Add(time.Hour), t0.Add(72 * time.Hour)} {
			n, before, err := q.WebhookEndpointFailed(ctx, e.ID, at, at.Add(-72*time.Hour))
			if err != nil || n != i+1 || before != (i == 2) {
				t.Fatalf("failure %d: %d, %v, %v", i+1, n, before, err)
			}
		}
		if got, _ := q.WebhookEndpoint(ctx, e.ID); got.ConsecutiveFailures != 3 || !got.FailingSince.Equal(t0) {
			t.Fatalf("after three failures: %+v", got)
		}
		if err := q.WebhookEndpointSucceeded(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := q.WebhookEndpoint(ctx, e.ID); got.ConsecutiveFailures != 0 || !got.FailingSince.IsZero() {
			t.Fatalf("after a success: %+v", got)
		}
		if n, before, err := q.WebhookEndpointFailed(ctx, e.ID, t0.Add(100*time.Hour), t0.Add(28*time.Hour)); n != 1 || before || err != nil {
			t.Fatalf("a new run: %d, %v, %v", n, before, err)
		}
		if _, _, err := q.WebhookEndpointFailed(ctx, 999, t0, t0); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Errorf("missing endpoint: %v", err)
		}
	})
}
