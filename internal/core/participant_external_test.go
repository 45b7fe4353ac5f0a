package core_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/clicks"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// upsert creates or updates a participant through the API's core call.
func (f *fixture) upsert(t *testing.T, in core.ParticipantInput) (core.ParticipantSummary, bool) {
	t.Helper()
	p, created, err := f.svc.UpsertParticipant(context.Background(), in)
	if err != nil {
		t.Fatalf("upsert %s: %v", in.ExternalID, err)
	}
	return p, created
}

// TestUpsertParticipantByExternalID creates a participant with a code and
// link, then updates it in place: a second call never duplicates it, and
// only the fields given change.
func TestUpsertParticipantByExternalID(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		p, created := f.upsert(t, core.ParticipantInput{ExternalID: "u-1", Email: ptr(" ann@example.com "), Name: ptr("Ann")})
		if !created || p.ID == 0 || p.UserID != 0 || p.Email != "ann@example.com" || p.Name != "Ann" || p.Plan != "free" ||
			len(p.Code) != core.CodeLength || p.Link != "http://refer.example.com/r/"+p.Code || p.ReferrerID != 0 {
			t.Fatalf("created = %+v", p)
		}
		again, created := f.upsert(t, core.ParticipantInput{ExternalID: "u-1", Name: ptr(""), Plan: ptr("paid")})
		if created || again.ID != p.ID || again.Code != p.Code || again.Email != "ann@example.com" || again.Name != "" || again.Plan != "paid" {
			t.Fatalf("updated = %+v, created %v", again, created)
		}
		byExt, err := f.svc.Participant(ctx, "ext:u-1")
		byID, err2 := f.svc.Participant(ctx, "1")
		if err != nil || err2 != nil || byExt.ID != p.ID || byID.ID != p.ID {
			t.Fatalf("lookups: %+v %v, %+v %v", byExt, err, byID, err2)
		}
		for _, ref := range []string{"ext:nobody", "ext:", "999", "0", "-1", "+1", "x", "", "ext:a\x00b", "1e3"} {
			if _, err := f.svc.Participant(ctx, ref); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
				t.Errorf("%q: %v, want not found", ref, err)
			}
		}
		for _, bad := range []struct {
			in    core.ParticipantInput
			field string
		}{
			{core.ParticipantInput{}, "external_id"},
			{core.ParticipantInput{ExternalID: "a\nb"}, "external_id"},
			{core.ParticipantInput{ExternalID: string(make([]byte, 256))}, "external_id"},
			{core.ParticipantInput{ExternalID: "x", Email: ptr("not-an-email")}, "email"},
			{core.ParticipantInput{ExternalID: "x", Name: ptr("a\x00")}, "name"},
			{core.ParticipantInput{ExternalID: "x", Plan: ptr("gold")}, "plan"},
			{core.ParticipantInput{ExternalID: "x", Plan: ptr("")}, "plan"},
			{core.ParticipantInput{ExternalID: "x", ReferralCode: "short"}, "referral_code"},
			{core.ParticipantInput{ExternalID: "x", ClickID: "nope"}, "click_id"},
		} {
			if _, _, err := f.svc.UpsertParticipant(ctx, bad.in); referralhub.ErrorFields(err)[bad.field] == "" {
				t.Errorf("%+v: %v, want a %s error", bad.in, err, bad.field)
			}
		}
	})
}

// TestAPIParticipantAttribution refers participants made through the API
// by code and by click, as the hosted signup does: the referral is scored
// and the default program's 10 points go to the referrer. Bad
// attributions are refused and create nobody.
func TestAPIParticipantAttribution(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		alice := f.join(t, "alice", nil)
		byCode, _ := f.upsert(t, core.ParticipantInput{ExternalID: "bob", Email: ptr("bob@example.com"), ReferralCode: alice.p.Code})
		if byCode.ReferrerID != alice.p.ID {
			t.Fatalf("by code: referrer %d", byCode.ReferrerID)
		}
		click, err := f.svc.Click(ctx, alice.p.Code, core.Visit{IP: "192.0.2.1", UserAgent: "Mozilla/5.0"})
		if err != nil || !click.Attributed {
			t.Fatal(click, err)
		}
		// The click is still in the buffer: the lookup flushes it.
		byClick, _ := f.upsert(t, core.ParticipantInput{ExternalID: "carol", ClickID: click.Attribution.ClickID,
			ReferralCode: alice.p.Code})
		if byClick.ReferrerID != alice.p.ID {
			t.Fatalf("by click: referrer %d", byClick.ReferrerID)
		}
		parties, err := db.Read().ReferralPartiesOf(ctx, byClick.ID)
		if err != nil || parties.ClickID != click.Attribution.ClickID {
			t.Fatalf("referral = %+v, %v", parties, err)
		}
		page, err := f.svc.Rewards(ctx, alice.p.ID)
		if err != nil || page.Points != 20 || len(page.Rewards) != 2 {
			t.Fatalf("alice's rewards: %d points, %+v, %v", page.Points, page.Rewards, err)
		}
		old, _ := f.svc.Click(ctx, alice.p.Code, core.Visit{IP: "192.0.2.1", UserAgent: "Mozilla/5.0"})
		botID := clicks.NewID(f.clock.Now())
		err = db.InsertClicks(ctx, []referralhub.Click{{ID: botID, ParticipantID: alice.p.ID, Code: alice.p.Code, CreatedAt: f.clock.Now(), Bot: true}})
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []struct {
			in    core.ParticipantInput
			field string
		}{
			{core.ParticipantInput{ReferralCode: "zzzzzzzz"}, "referral_code"},
			{core.ParticipantInput{ClickID: clicks.NewID(f.clock.Now())}, "click_id"},
			{core.ParticipantInput{ClickID: click.Attribution.ClickID, ReferralCode: byCode.Code}, "referral_code"},
			{core.ParticipantInput{ClickID: botID}, "click_id"},
			{core.ParticipantInput{ClickID: old.Attribution.ClickID}, "click_id"}, // the clock moves on first
		} {
			if bad.in.ClickID == old.Attribution.ClickID {
				f.clock.Advance(720*time.Hour + time.Second)
			}
			bad.in.ExternalID = "dave"
			if _, _, err := f.svc.UpsertParticipant(ctx, bad.in); referralhub.ErrorFields(err)[bad.field] == "" {
				t.Errorf("%+v: %v, want a %s error", bad.in, err, bad.field)
			}
		}
		if _, err := f.svc.Participant(ctx, "ext:dave"); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("a refused attribution created the participant: %v", err)
		}
		// An update never changes the referrer.
		again, created := f.upsert(t, core.ParticipantInput{ExternalID: "bob", ReferralCode: byClick.Code})
		if created || again.ReferrerID != alice.p.ID {
			t.Fatalf("update changed the referrer: %+v", again)
		}
	})
}

// TestAPIReferralRisk scores an API referral by email: the referrer's own
// address (given through the API) blocks it, and a banned referrer's code
// refers nobody.
func TestAPIReferralRisk(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixtureWith(t, db, fixtureOptions{fraud: true})
		ctx := context.Background()
		owner, _ := f.upsert(t, core.ParticipantInput{ExternalID: "owner", Email: ptr("Owner.Name+x@gmail.com")})
		self, _ := f.upsert(t, core.ParticipantInput{ExternalID: "sock", Email: ptr("ownername@googlemail.com"), ReferralCode: owner.Code})
		parties, err := db.Read().ReferralPartiesOf(ctx, self.ID)
		if err != nil || parties.Review != referralhub.ReviewBlocked || !hasCode(parties.Signals, core.SignalSelfEmail) {
			t.Fatalf("self-referral by email = %+v, %v", parties, err)
		}
		boss := f.admin(t)
		if err := f.svc.Decide(ctx, boss, parties.ID, core.DecisionBan, "sock puppet"); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.svc.UpsertParticipant(ctx, core.ParticipantInput{ExternalID: "late", ReferralCode: owner.Code})
		if referralhub.ErrorFields(err)["referral_code"] == "" {
			t.Fatalf("a banned referrer's code: %v", err)
		}
	})
}

func hasCode(signals []referralhub.Signal, code string) bool {
	for _, s := range signals {
		if s.Code == code {
			return true
		}
	}
	return false
}

// TestConcurrentUpsertsCreateOne upserts one new external id from many
// requests at once: one creates it, the rest update it, nobody is
// duplicated and the referral is made once.
func TestConcurrentUpsertsCreateOne(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		alice := f.join(t, "alice", nil)
		const n = 10
		ids, created, errs := make([]int64, n), make([]bool, n), make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				var p core.ParticipantSummary
				p, created[i], errs[i] = f.svc.UpsertParticipant(context.Background(),
					core.ParticipantInput{ExternalID: "same", ReferralCode: alice.p.Code})
				ids[i] = p.ID
			})
		}
		wg.Wait()
		creations := 0
		for i := range n {
			if errs[i] != nil || ids[i] != ids[0] {
				t.Fatalf("upsert %d: id %d, %v", i, ids[i], errs[i])
			}
			if created[i] {
				creations++
			}
		}
		page, err := f.svc.ParticipantReferrals(context.Background(), itoa(alice.p.ID), 0, 100)
		if creations != 1 || err != nil || len(page.Referrals) != 1 {
			t.Fatalf("created %d times; referrals %+v, %v", creations, page.Referrals, err)
		}
	})
}
