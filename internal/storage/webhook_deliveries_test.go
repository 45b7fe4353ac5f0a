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

// mustEvent stores an event of a participant with a delivery to each
// endpoint, returning the deliveries.
func mustEvent(t *testing.T, db *storage.DB, id string, participantID int64, endpoints ...int64) []referralhub.WebhookDelivery {
	t.Helper()
	ctx := context.Background()
	var out []referralhub.WebhookDelivery
	err := db.InTx(ctx, func(q *storage.Queries) error {
		ev := storage.WebhookEvent{ID: id, Type: "reward.created", ParticipantID: participantID, Body: []byte(`{"id":"` + id + `"}`), CreatedAt: t0}
		if err := q.InsertWebhookEvent(ctx, ev); err != nil {
			return err
		}
		if err := q.LockWebhookOrder(ctx, participantID); err != nil {
			return err
		}
		for _, e := range endpoints {
			d := referralhub.WebhookDelivery{EndpointID: e, EventID: id, ParticipantID: participantID, CreatedAt: t0}
			if err := q.InsertWebhookDelivery(ctx, &d); err != nil {
				return err
			}
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// attempt records an attempt of d's current send ending in state.
func attempt(t *testing.T, db *storage.DB, d referralhub.WebhookDelivery, status int, state string, at time.Time) bool {
	t.Helper()
	a := referralhub.WebhookAttempt{DeliveryID: d.ID, EndpointID: d.EndpointID, AttemptedAt: at, StatusCode: status,
		Error: "HTTP status", Response: "nope", Duration: 1500 * time.Millisecond, Succeeded: state == referralhub.WebhookSucceeded}
	moved, err := db.Write().RecordWebhookAttempt(context.Background(), a, d.Sends, state)
	if err != nil {
		t.Fatal(err)
	}
	return moved
}

func delivery(t *testing.T, db *storage.DB, id int64) referralhub.WebhookDelivery {
	t.Helper()
	d, err := db.Read().WebhookDelivery(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestWebhookDeliveriesWaitForTheParticipantsEarlierOnes(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, alice := mustUser(t, db, "alice")
		_, bob := mustUser(t, db, "bob")
		e1 := mustEndpoint(t, db, "https://a.example/hook", "reward.created")
		e2 := mustEndpoint(t, db, "https://b.example/hook", "reward.created")
		first := mustEvent(t, db, "evt_1", alice.ID, e1.ID, e2.ID)
		second := mustEvent(t, db, "evt_2", alice.ID, e1.ID)
		third := mustEvent(t, db, "evt_3", alice.ID, e1.ID)
		other := mustEvent(t, db, "evt_4", bob.ID, e1.ID)
		states := func(ds ...referralhub.WebhookDelivery) []string {
			var out []string
			for _, d := range ds {
				out = append(out, delivery(t, db, d.ID).State)
			}
			return out
		}
		want := []string{"pending", "pending", "waiting", "waiting", "pending"}
		if got := states(first[0], first[1], second[0], third[0], other[0]); !slices.Equal(got, want) || first[0].Sends != 1 {
			t.Fatalf("states %v, want %v", got, want)
		}
		if _, ok, _ := db.Write().StartNextWebhookDelivery(ctx, e1.ID, alice.ID); ok {
			t.Fatal("a delivery started while an earlier one is pending")
		}
		if !attempt(t, db, first[0], 500, referralhub.WebhookPending, t0) || delivery(t, db, first[0].ID).State != "pending" {
			t.Fatal("a failed attempt that will retry did not stay pending")
		}
		if !attempt(t, db, first[0], 200, referralhub.WebhookSucceeded, t0.Add(time.Minute)) {
			t.Fatal("the success was not recorded")
		}
		next, ok, err := db.Write().StartNextWebhookDelivery(ctx, e1.ID, alice.ID)
		if err != nil || !ok || next.ID != second[0].ID || next.State != "pending" || next.Sends != 1 {
			t.Fatalf("next = %+v %v %v, want the second", next, ok, err)
		}
		if _, ok, _ := db.Write().StartNextWebhookDelivery(ctx, e1.ID, alice.ID); ok {
			t.Fatal("the third started beside the second")
		}
		got := delivery(t, db, first[0].ID)
		if got.State != "succeeded" || got.Attempts != 2 || got.LastStatus != 200 || !got.FirstAttemptAt.Equal(t0) ||
			!got.DeliveredAt.Equal(t0.Add(time.Minute)) || got.EventType != "reward.created" || got.EventID != "evt_1" {
			t.Fatalf("delivered = %+v", got)
		}
		attempts, err := db.Read().WebhookAttempts(ctx, e1.ID, 0, 10)
		if err != nil || len(attempts) != 2 || attempts[0].StatusCode != 200 || attempts[1].StatusCode != 500 ||
			attempts[1].Duration != 1500*time.Millisecond || attempts[1].Response != "nope" || attempts[0].EventID != "evt_1" ||
			!attempts[0].Succeeded || attempts[1].Succeeded || !attempts[1].AttemptedAt.Equal(t0) {
			t.Fatalf("attempts = %+v, %v", attempts, err)
		}
		if mine, _ := db.Read().WebhookAttempts(ctx, e1.ID, second[0].ID, 10); len(mine) != 0 {
			t.Errorf("the second delivery has attempts: %+v", mine)
		}

		// Giving up on the second (dead) starts the third.
		if !attempt(t, db, next, 0, referralhub.WebhookDead, t0.Add(time.Hour)) {
			t.Fatal("dead not recorded")
		}
		if next, ok, _ := db.Write().StartNextWebhookDelivery(ctx, e1.ID, alice.ID); !ok || next.ID != third[0].ID {
			t.Fatalf("after a dead delivery, next = %+v %v", next, ok)
		}
		if d := delivery(t, db, second[0].ID); d.State != "dead" || !d.DeadAt.Equal(t0.Add(time.Hour)) || d.LastError != "HTTP status" {
			t.Fatalf("dead delivery = %+v", d)
		}
		counts, err := db.Read().WebhookDeliveryCounts(ctx, e1.ID)
		if err != nil || counts["succeeded"] != 1 || counts["dead"] != 1 || counts["pending"] != 2 || counts["waiting"] != 0 {
			t.Fatalf("counts = %v, %v", counts, err)
		}
		dead, err := db.Read().WebhookDeliveries(ctx, e1.ID, referralhub.WebhookDead, false, 10)
		if err != nil || len(dead) != 1 || dead[0].ID != second[0].ID {
			t.Fatalf("dead list = %+v, %v", dead, err)
		}
		all, _ := db.Read().WebhookDeliveries(ctx, e1.ID, "", true, 10)
		if len(all) != 4 || all[0].ID != first[0].ID || all[3].ID != other[0].ID {
			t.Fatalf("oldest first = %+v", all)
		}
	})
}

func TestWebhookReplayAndKill(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, alice := mustUser(t, db, "alice")
		e := mustEndpoint(t, db, "https://a.example/hook", "reward.created")
		first := mustEvent(t, db, "evt_1", alice.ID, e.ID)[0]
		second := mustEvent(t, db, "evt_2", alice.ID, e.ID)[0]
		if n, err := db.Write().KillOpenWebhookDeliveries(ctx, e.ID, "the endpoint was disabled", t0); n != 2 || err != nil {
			t.Fatalf("killed %d, %v", n, err)
		}
		if attempt(t, db, first, 200, referralhub.WebhookSucceeded, t0) {
			t.Fatal("an attempt of a killed delivery moved it")
		}
		if d := delivery(t, db, first.ID); d.State != "dead" || d.LastError != "the endpoint was disabled" || d.Attempts != 0 {
			t.Fatalf("killed delivery = %+v", d)
		}
		// Replaying the later one first: nothing earlier is open, so it
		// goes; then the earlier one goes too (it is older).
		r2, err := db.Write().ReplayWebhookDelivery(ctx, second.ID)
		if err != nil || r2.State != "pending" || r2.Sends != 2 || r2.EndpointID != e.ID || r2.ParticipantID != alice.ID {
			t.Fatalf("replay second = %+v, %v", r2, err)
		}
		if attempt(t, db, second, 200, referralhub.WebhookSucceeded, t0) {
			t.Fatal("an attempt of the superseded send moved the delivery")
		}
		r1, err := db.Write().ReplayWebhookDelivery(ctx, first.ID)
		if err != nil || r1.State != "pending" || r1.Sends != 2 {
			t.Fatalf("replay first = %+v, %v", r1, err)
		}
		// A replay of the later one now waits behind the earlier.
		if r2, _ = db.Write().ReplayWebhookDelivery(ctx, second.ID); r2.State != "waiting" || r2.Sends != 3 {
			t.Fatalf("second replay of the later one = %+v", r2)
		}
		if !attempt(t, db, r1, 200, referralhub.WebhookSucceeded, t0.Add(time.Hour)) {
			t.Fatal("the replayed send was not recorded")
		}
		if d := delivery(t, db, first.ID); d.State != "succeeded" || !d.DeadAt.IsZero() || d.Sends != 2 || d.Attempts != 1 {
			t.Fatalf("replayed delivery = %+v", d)
		}
		if _, err := db.Write().ReplayWebhookDelivery(ctx, 999); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Errorf("replay of a missing delivery: %v", err)
		}
	})
}

func TestWebhookSendOfAndDelete(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		e1 := mustEndpoint(t, db, "https://a.example/hook", "reward.created")
		e2 := mustEndpoint(t, db, "https://b.example/hook", "reward.created")
		both := mustEvent(t, db, "evt_1", 42, e1.ID, e2.ID) // no such participant: nothing to lock
		only := mustEvent(t, db, "evt_2", 42, e1.ID)
		s, err := db.Read().WebhookSendOf(ctx, both[0].ID)
		if err != nil || s.URL != e1.URL || s.Secret != "whsec_test" || !s.Enabled || string(s.Body) != `{"id":"evt_1"}` ||
			s.EventType != "reward.created" || s.State != "pending" {
			t.Fatalf("send = %+v, %v", s, err)
		}
		attempt(t, db, both[0], 500, referralhub.WebhookPending, t0)
		storagetest.AssertSomewhere(t, db, "evt_2")
		storagetest.AssertSomewhere(t, db, "nope")
		if ok, err := db.Write().DeleteWebhookEndpoint(ctx, e1.ID); !ok || err != nil {
			t.Fatalf("delete: %v %v", ok, err)
		}
		if ok, _ := db.Write().DeleteWebhookEndpoint(ctx, e1.ID); ok {
			t.Error("deleted twice")
		}
		for _, id := range []int64{both[0].ID, only[0].ID} {
			if _, err := db.Read().WebhookSendOf(ctx, id); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
				t.Errorf("delivery %d of a deleted endpoint: %v", id, err)
			}
		}
		if s, err := db.Read().WebhookSendOf(ctx, both[1].ID); err != nil || string(s.Body) != `{"id":"evt_1"}` {
			t.Fatalf("the other endpoint's delivery of a shared event: %+v, %v", s, err)
		}
		// evt_2 went with its only endpoint, and so did the attempt's answer.
		storagetest.AssertNowhere(t, db, "evt_2", "nope")
	})
}
