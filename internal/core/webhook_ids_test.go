package core_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
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

// leaveDoneWebhookJob runs a webhook job for delivery id, send 1, before
// that delivery exists: it finds nothing and is done, as the finished job
// of a deleted delivery whose id an older version gave out again.
func (f *fixture) leaveDoneWebhookJob(t *testing.T, id int64) {
	t.Helper()
	ctx := context.Background()
	j := referralhub.Job{Kind: core.JobWebhook, Payload: []byte(fmt.Sprintf(`{"delivery_id":%d}`, id)),
		DedupeKey: storage.WebhookJobKey(id, 1), MaxAttempts: 5, RunAt: f.clock.Now(), CreatedAt: f.clock.Now()}
	if _, err := f.db.Write().EnqueueJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	if n := f.runJobs(t); n != 1 {
		t.Fatalf("ran %d jobs, want the stale one", n)
	}
}

// TestAWebhookSendMeetingAFinishedJobUnderItsKeyIsSent: a delivery whose
// job's key is taken by a finished job (left by a delivery of the same id
// before ids were kept) is sent all the same.
func TestAWebhookSendMeetingAFinishedJobUnderItsKeyIsSent(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.leaveDoneWebhookJob(t, 1) // a fresh database's first delivery is 1
		rc := f.listen(t)
		f.join(t, "alice", nil)
		f.runJobs(t)
		if got := rc.types(); len(got) != 1 {
			t.Fatalf("the endpoint got %v, want alice's participant.created", got)
		}
	})
}

// TestUpkeepRequeuesStrandedWebhookDeliveries: a pending delivery an older
// version left without a job (its key collided) is queued by the hourly
// upkeep and sent, and its participant's later delivery, waiting behind
// it, follows in order.
func TestUpkeepRequeuesStrandedWebhookDeliveries(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		rc := newReceiver(t, secret, f.clock.Now)
		e := f.endpoint(t, rc.srv.URL, secret, webhook.ParticipantCreated, webhook.RewardCreated)
		alice := f.join(t, "alice", nil) // delivery 1
		f.runJobs(t)
		f.leaveDoneWebhookJob(t, 2)
		err := db.InTx(ctx, func(q *storage.Queries) error { // what the older version left: no job
			ev := storage.WebhookEvent{ID: "evt_stranded", Type: webhook.RewardCreated, ParticipantID: alice.p.ID,
				Body: []byte(`{"id":"evt_stranded","type":"reward.created"}`), CreatedAt: f.clock.Now()}
			if err := q.InsertWebhookEvent(ctx, ev); err != nil {
				return err
			}
			d := referralhub.WebhookDelivery{EndpointID: e.ID, EventID: ev.ID, ParticipantID: alice.p.ID, CreatedAt: f.clock.Now()}
			if err := q.InsertWebhookDelivery(ctx, &d); err != nil {
				return err
			}
			if d.ID != 2 || d.State != referralhub.WebhookPending {
				t.Fatalf("stranded delivery = %+v, want id 2, pending", d)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		f.join(t, "bob", &alice) // alice's reward.created waits behind the stranded one
		f.runJobs(t)
		if got := rc.types(); len(got) != 2 {
			t.Fatalf("before the upkeep the endpoint got %v, want alice's and bob's participant.created", got)
		}
		u := f.svc.Upkeep(core.WorkerUpkeep)
		f.clock.Advance(core.UpkeepEvery)
		u.RunDue(ctx)
		f.runJobs(t)
		f.runJobs(t) // the waiting one, started by the first
		got := rc.hooks()
		if len(got) != 4 || got[2].Body.ID != "evt_stranded" || got[3].Body.Type != webhook.RewardCreated {
			t.Fatalf("after the upkeep the endpoint got %v, want two participant.created, the stranded event, then alice's reward", rc.types())
		}
		if n, err := f.svc.RequeueStrandedWebhooks(ctx); err != nil || n != 0 {
			t.Errorf("a second repair requeued %d: %v", n, err)
		}
	})
}
