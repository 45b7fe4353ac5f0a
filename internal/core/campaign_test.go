package core_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// newCampaign creates a campaign whose one rule gives the referrer
// referrerCredit cents of credit for a referred signup.
func (f *fixture) newCampaign(t *testing.T, slug string, referrerCredit int64, starts, ends time.Time) referralhub.Campaign {
	t.Helper()
	c, err := f.svc.CreateCampaign(context.Background(), f.admin(t), referralhub.Campaign{Slug: slug, Name: "Campaign " + slug,
		StartsAt: starts, EndsAt: ends, Program: &referralhub.Program{AttributionWindow: 7 * 24 * time.Hour,
			Rules: []referralhub.Rule{{Trigger: referralhub.EventSignup, CapPeriod: referralhub.PeriodLife, Referrer: credit(referrerCredit)}}}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fixture) enrol(t *testing.T, slug string, m member) {
	t.Helper()
	if err := f.svc.EnrolInCampaign(context.Background(), f.admin(t), slug, m.p.ID); err != nil {
		t.Fatal(err)
	}
}

// TestCampaignRulesRewardTheirReferrers: a referrer enrolled in a campaign
// earns under its rules, one in the default campaign under the program's;
// the friend joins the referrer's campaign; rule ids never collide.
func TestCampaignRulesRewardTheirReferrers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		spring := f.newCampaign(t, "spring", 700, time.Time{}, time.Time{})
		if id := spring.Program.Rules[0].ID; id != spring.ID*1_000_000+1 {
			t.Fatalf("campaign rule id = %d", id)
		}
		alice, carol := f.join(t, "alice", nil), f.join(t, "carol", nil)
		f.enrol(t, "spring", alice)
		bob := f.join(t, "bob", &alice)
		dave := f.join(t, "dave", &carol)

		if b := balance(f.rewards(t, alice), referralhub.KindCredit, "usd"); b.Available != 700 || f.rewards(t, alice).Points != 0 {
			t.Fatalf("alice (spring): credit %+v, points %d", b, f.rewards(t, alice).Points)
		}
		if page := f.rewards(t, carol); page.Points != 10 || len(page.Rewards) != 1 {
			t.Fatalf("carol (default): %+v", page.Rewards)
		}
		for m, want := range map[member]int64{bob: spring.ID, dave: referralhub.DefaultCampaignID} {
			if got, err := db.Read().ParticipantCampaignID(ctx, m.p.ID); err != nil || got != want {
				t.Errorf("%s is in campaign %d, %v; want %d", m.user.Username, got, err, want)
			}
		}
		// bob, in spring through alice, refers under spring's rules too.
		f.join(t, "erin", &bob)
		if b := balance(f.rewards(t, bob), referralhub.KindCredit, "usd"); b.Available != 700 {
			t.Fatalf("bob: credit %+v", b)
		}
	})
}

// TestCampaignDatesAreRespected: before its start, after its end and once
// ended by an admin, a campaign rewards nothing new; its links still bring
// friends, who join it.
func TestCampaignDatesAreRespected(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		now := f.clock.Now()
		f.newCampaign(t, "later", 500, now.Add(24*time.Hour), now.Add(48*time.Hour))
		alice := f.join(t, "alice", nil)
		f.enrol(t, "later", alice)
		f.join(t, "early", &alice) // before the start
		f.clock.Advance(25 * time.Hour)
		f.join(t, "ontime", &alice)
		f.clock.Advance(24 * time.Hour)
		late := f.join(t, "late", &alice) // after the end
		page := f.rewards(t, alice)
		if b := balance(page, referralhub.KindCredit, "usd"); b.Available != 500 || len(page.Rewards) != 1 || page.Points != 0 {
			t.Fatalf("alice: %+v %+v", b, page.Rewards)
		}
		if id, err := db.Read().ParticipantCampaignID(ctx, late.p.ID); err != nil || id == referralhub.DefaultCampaignID {
			t.Fatalf("a friend through an ended campaign's link is in %d, %v", id, err)
		}

		f.newCampaign(t, "open", 300, time.Time{}, time.Time{})
		bob := f.join(t, "bob", nil)
		f.enrol(t, "open", bob)
		if err := f.svc.EndCampaign(ctx, f.admin(t), "open"); err != nil {
			t.Fatal(err)
		}
		f.join(t, "after", &bob)
		if page := f.rewards(t, bob); len(page.Rewards) != 0 {
			t.Fatalf("an ended campaign rewarded %+v", page.Rewards)
		}
		if err := f.svc.EndCampaign(ctx, f.admin(t), referralhub.DefaultCampaignSlug); referralhub.ErrorCode(err) != referralhub.EINVALID {
			t.Fatalf("ending the default campaign: %v", err)
		}
		log, err := f.svc.AuditLog(ctx, f.admin(t), "campaign.", 1)
		if err != nil || len(log) != 5 || log[0].Action != "campaign.end" || log[0].Subject != "campaign open" {
			t.Fatalf("audit %+v, %v", log, err)
		}
	})
}

// TestCampaignValidation: bad slugs, dates and rules are refused with
// field errors; a taken slug is a conflict; only admins may.
func TestCampaignValidation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		now := f.clock.Now()
		for name, c := range map[string]referralhub.Campaign{
			"slug":  {Slug: "Bad Slug", Name: "x"},
			"dates": {Slug: "x", Name: "x", StartsAt: now, EndsAt: now.Add(-time.Hour)},
			"rules": {Slug: "x", Name: "x", Program: &referralhub.Program{AttributionWindow: time.Minute}},
		} {
			if _, err := f.svc.CreateCampaign(ctx, f.admin(t), c); referralhub.ErrorCode(err) != referralhub.EINVALID {
				t.Errorf("%s: %v", name, err)
			}
		}
		f.newCampaign(t, "taken", 1, time.Time{}, time.Time{})
		if _, err := f.svc.CreateCampaign(ctx, f.admin(t), referralhub.Campaign{Slug: "taken", Name: "Again"}); referralhub.ErrorCode(err) != referralhub.ECONFLICT {
			t.Fatalf("taken slug: %v", err)
		}
		if _, err := f.svc.CreateCampaign(ctx, referralhub.User{ID: 99}, referralhub.Campaign{Slug: "y", Name: "y"}); referralhub.ErrorCode(err) != referralhub.EFORBIDDEN {
			t.Fatalf("non-admin: %v", err)
		}
		def, err := f.svc.Campaign(ctx, f.admin(t), referralhub.DefaultCampaignSlug)
		if err != nil || def.Program == nil || len(def.Program.Rules) != 1 || def.Program.Rules[0].ID != core.DefaultRuleID {
			t.Fatalf("default campaign %+v, %v", def, err)
		}
	})
}

// TestImportEnrolsByCampaignColumn: the import's optional campaign column
// enrols new and existing participants (CSV and NDJSON); an unknown
// campaign rejects its row; rows without the column change nothing.
func TestImportEnrolsByCampaignColumn(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		spring := f.newCampaign(t, "spring", 100, time.Time{}, time.Time{})
		f.importText(t, "external_id,email\nold,old@example.com\nstay,stay@example.com\n", core.ImportOptions{})
		sum, res := f.importText(t, "external_id,email,campaign\n"+
			"new,new@example.com,spring\n"+ // 2
			"old,old@example.com,spring\n"+ // 3: moves
			"stay,stay@example.com,\n"+ // 4: no campaign: stays
			"bad,bad@example.com,nope\n", core.ImportOptions{}) // 5
		if sum.Inserted != 1 || sum.Updated != 1 || sum.Rejected != 1 || !strings.Contains(res[5].Reason, "unknown campaign") {
			t.Fatalf("summary %+v, results %+v", sum, res)
		}
		for line, want := range map[int]int64{2: spring.ID, 3: spring.ID, 4: referralhub.DefaultCampaignID} {
			if got, err := db.Read().ParticipantCampaignID(ctx, res[line].ID); err != nil || got != want {
				t.Errorf("line %d: campaign %d, %v; want %d", line, got, err, want)
			}
		}
		sum, res = f.importText(t, `{"external_id":"old","campaign":"default"}`+"\n"+`{"external_id":"new","campaign":"spring"}`+"\n",
			core.ImportOptions{Format: core.ImportNDJSON})
		if sum.Updated != 1 || res[2].Status != core.ImportUnchanged {
			t.Fatalf("ndjson summary %+v, %+v", sum, res)
		}
		if got, err := db.Read().ParticipantCampaignID(ctx, res[1].ID); err != nil || got != referralhub.DefaultCampaignID {
			t.Fatalf("back to default: %d, %v", got, err)
		}
	})
}
