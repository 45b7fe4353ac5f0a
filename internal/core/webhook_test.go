package core_test

import (
	"net/http"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/webhook"
)

const secret = "whsec_0123456789abcdef"

// TestWebhookFailsTwiceThenDelivers runs a receiver that fails twice and
// then succeeds: three attempts are logged, the third delivers, and every
// request carries the same event, freshly signed.
func TestWebhookFailsTwiceThenDelivers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		rc := newReceiver(t, secret, f.clock.Now)
		rc.setAnswer(func(_ hook, n int) int { return []int{500, 503, 200}[min(n, 2)] })
		e := f.endpoint(t, rc.srv.URL+"/hooks", secret, webhook.ParticipantCreated)
		alice := f.join(t, "alice", nil)

		start := f.clock.Now()
		for range 3 {
			f.runJobs(t)
			f.clock.Advance(time.Minute) // past the backoff of the first retries
		}
		got := rc.hooks()
		if len(got) != 3 {
			t.Fatalf("the receiver got %d requests, want 3: %v", len(got), rc.types())
		}
		for i, h := range got {
			if h.Verified != nil {
				t.Errorf("request %d: %v", i+1, h.Verified)
			}
			if string(h.Raw) != string(got[0].Raw) || h.Header.Get("ReferralHub-Event-Id") != h.Body.ID {
				t.Errorf("request %d is not the same event: %s", i+1, h.Raw)
			}
			if want := strconv.FormatInt(start.Add(time.Duration(i)*time.Minute).Unix(), 10); h.Header.Get("ReferralHub-Signature")[:12] != "t="+want {
				t.Errorf("request %d signed at %s, want a fresh t=%s", i+1, h.Header.Get("ReferralHub-Signature"), want)
			}
			for name, want := range map[string]string{"Content-Type": "application/json", "User-Agent": "ReferralHub-Webhooks/1",
				"ReferralHub-Event-Type": "participant.created"} {
				if h.Header.Get(name) != want {
					t.Errorf("request %d: %s = %q, want %q", i+1, name, h.Header.Get(name), want)
				}
			}
		}
		body := got[0].Body
		if len(body.ID) != 30 || body.ID[:4] != "evt_" || body.Type != "participant.created" || body.Created != start.Format(time.RFC3339) {
			t.Errorf("body = %+v", body)
		}
		data := got[0].data(t)
		if data["id"] != float64(alice.p.ID) || data["code"] != alice.p.Code || data["referral_link"] != "http://refer.example.com/r/"+alice.p.Code ||
			data["plan"] != "free" || data["referred_by"] != nil || data["external_id"] != "" {
			t.Errorf("data = %v", data)
		}

		page := f.page(t, e.ID)
		if len(page.Attempts) != 3 || len(page.Deliveries) != 1 || page.Counts[referralhub.WebhookSucceeded] != 1 {
			t.Fatalf("log = %+v", page)
		}
		for i, want := range []int{200, 503, 500} { // newest first
			a := page.Attempts[i]
			if a.StatusCode != want || a.Succeeded != (want == 200) || a.Response != "received" || a.EventType != "participant.created" {
				t.Errorf("attempt %d = %+v, want status %d", 3-i, a, want)
			}
		}
		if a := page.Attempts[2]; a.Error != "the endpoint answered 500" {
			t.Errorf("first attempt's error = %q", a.Error)
		}
		if d := page.Deliveries[0]; d.State != referralhub.WebhookSucceeded || d.Attempts != 3 || d.LastStatus != 200 || !d.DeliveredAt.Equal(start.Add(2*time.Minute)) {
			t.Errorf("delivery = %+v", d)
		}
		if got := page.Endpoint; got.ConsecutiveFailures != 0 || !got.FailingSince.IsZero() {
			t.Errorf("a success left the failure run: %+v", got)
		}
		if n := f.queuedWebhookJobs(t); n != 0 {
			t.Errorf("%d webhook jobs still queued", n)
		}
	})
}

// TestWebhooksOfAReferredSignup: a referred signup's events reach the
// endpoint subscribed to them, in order per participant, and not one
// subscribed to other events.
func TestWebhooksOfAReferredSignup(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		rc := newReceiver(t, secret, f.clock.Now)
		other := newReceiver(t, secret, f.clock.Now)
		f.endpoint(t, rc.srv.URL, secret, webhook.ParticipantCreated, webhook.ReferralCreated, webhook.RewardCreated, webhook.RewardApproved)
		f.endpoint(t, other.srv.URL, secret, webhook.RewardReversed, webhook.ReferralFlagged)
		alice := f.join(t, "alice", nil)
		bob := f.join(t, "bob", &alice)
		f.runJobs(t)

		got := map[string]map[string]any{}
		var order []string
		for _, h := range rc.hooks() {
			if h.Verified != nil {
				t.Errorf("%s: %v", h.Body.Type, h.Verified)
			}
			d := h.data(t)
			key := h.Body.Type + ":" + strconv.FormatFloat(participantOf(d), 'f', 0, 64)
			got[key] = d
			order = append(order, key)
		}
		a, b := strconv.FormatInt(alice.p.ID, 10), strconv.FormatInt(bob.p.ID, 10)
		want := []string{"participant.created:" + a, "participant.created:" + b, "referral.created:" + b,
			"reward.created:" + a, "reward.approved:" + a}
		if len(order) != len(want) {
			t.Fatalf("got %v, want %v", order, want)
		}
		for _, w := range want {
			if got[w] == nil {
				t.Errorf("missing %s in %v", w, order)
			}
		}
		before := func(x, y string) bool { return slices.Index(order, x) < slices.Index(order, y) }
		if !before("participant.created:"+b, "referral.created:"+b) || !before("reward.created:"+a, "reward.approved:"+a) {
			t.Errorf("out of order per participant: %v", order)
		}
		if d := got["participant.created:"+b]; d["referred_by"] != float64(alice.p.ID) {
			t.Errorf("bob's participant.created = %v", d)
		}
		if d := got["referral.created:"+b]; d["referrer_id"] != float64(alice.p.ID) || d["review"] != "clear" || d["id"] == nil {
			t.Errorf("referral.created = %v", d)
		}
		for _, typ := range []string{"reward.created:" + a, "reward.approved:" + a} {
			d := got[typ]
			if d["kind"] != "points" || d["amount"] != float64(10) || d["status"] != "approved" || d["side"] != "referrer" ||
				d["entry"] != "reward" || d["referral_id"] != got["referral.created:"+b]["id"] || d["approved_at"] == nil {
				t.Errorf("%s = %v", typ, d)
			}
		}
		if n := len(other.hooks()); n != 0 {
			t.Errorf("the unsubscribed endpoint got %d deliveries: %v", n, other.types())
		}
	})
}

// participantOf is whose event a hook's data is: the participant, the
// referee of a referral, the beneficiary of a reward.
func participantOf(d map[string]any) float64 {
	for _, k := range []string{"participant_id", "referee_id", "id"} {
		if v, ok := d[k].(float64); ok {
			return v
		}
	}
	return 0
}

// TestWebhooksWaitForTheParticipantsEarlierDelivery: while bob's first
// event keeps failing, his next waits; alice's go ahead.
func TestWebhooksWaitForTheParticipantsEarlierDelivery(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		rc := newReceiver(t, secret, f.clock.Now)
		e := f.endpoint(t, rc.srv.URL, secret, webhook.ParticipantCreated, webhook.ReferralCreated, webhook.RewardCreated, webhook.RewardApproved)
		alice := f.join(t, "alice", nil)
		f.runJobs(t)
		var down atomic.Bool
		down.Store(true)
		rc.setAnswer(func(h hook, _ int) int {
			if down.Load() && h.Body.Type == "participant.created" {
				return http.StatusBadGateway
			}
			return http.StatusOK
		})
		f.join(t, "bob", &alice)
		for range 3 {
			f.runJobs(t)
			f.clock.Advance(2 * time.Minute)
		}
		want := []string{"participant.created", "participant.created", "reward.created", "reward.approved", "participant.created", "participant.created"}
		if got := rc.types(); !slices.Equal(got, want) {
			t.Fatalf("while bob's first fails: %v, want %v", got, want)
		}
		counts := f.page(t, e.ID).Counts
		if counts[referralhub.WebhookWaiting] != 1 || counts[referralhub.WebhookPending] != 1 {
			t.Fatalf("counts = %v, want bob's referral.created waiting behind his pending participant.created", counts)
		}
		down.Store(false)
		f.clock.Advance(time.Hour)
		f.runJobs(t)
		want = append(want, "participant.created", "referral.created")
		if got := rc.types(); !slices.Equal(got, want) {
			t.Fatalf("after it succeeds: %v, want %v", got, want)
		}
		if counts := f.page(t, e.ID).Counts; counts[referralhub.WebhookSucceeded] != 5 || len(counts) != 1 {
			t.Errorf("counts = %v, want all 5 delivered", counts)
		}
	})
}
