package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestCampaignsStoreReadAndUpdate: a campaign keeps its dates, rules and
// branding texts; its slug is unique; the default campaign is there from
// the start with no program of its own.
func TestCampaignsStoreReadAndUpdate(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		hold := 48 * time.Hour
		c := referralhub.Campaign{Slug: "spring", Name: "Spring", StartsAt: t0, EndsAt: t0.Add(30 * 24 * time.Hour),
			Headline: "Give 10, get 10", Description: "<b>spring</b>",
			Program: &referralhub.Program{AttributionWindow: 7 * 24 * time.Hour, Hold: hold, NextRuleID: 2,
				Rules: []referralhub.Rule{{ID: 1, Trigger: "signup", CapCount: 3, CapPeriod: referralhub.PeriodMonth,
					Referrer: &referralhub.RewardSpec{Kind: "points", Amount: 10}}}}}
		if err := db.Write().CreateCampaign(ctx, &c); err != nil {
			t.Fatal(err)
		}
		if c.ID <= referralhub.DefaultCampaignID || c.Status != referralhub.CampaignActive {
			t.Fatalf("created %+v", c)
		}
		got, err := db.Read().CampaignBySlug(ctx, "spring")
		if err != nil || got.ID != c.ID || !got.StartsAt.Equal(c.StartsAt) || !got.EndsAt.Equal(c.EndsAt) ||
			got.Program == nil || got.Program.Hold != hold || len(got.Program.Rules) != 1 || got.Program.Rules[0].CapCount != 3 ||
			got.Headline != c.Headline || got.Description != c.Description {
			t.Fatalf("read back %+v (%+v), %v", got, got.Program, err)
		}
		dup := referralhub.Campaign{Slug: "spring", Name: "Again"}
		if err := db.Write().CreateCampaign(ctx, &dup); referralhub.ErrorCode(err) != referralhub.ECONFLICT {
			t.Fatalf("duplicate slug: %v", err)
		}
		got.Status, got.EndsAt, got.Name = referralhub.CampaignEnded, time.Time{}, "Spring (over)"
		if err := db.Write().UpdateCampaign(ctx, got); err != nil {
			t.Fatal(err)
		}
		again, err := db.Read().CampaignByID(ctx, c.ID)
		if err != nil || again.Status != referralhub.CampaignEnded || !again.EndsAt.IsZero() || again.Name != "Spring (over)" {
			t.Fatalf("after update %+v, %v", again, err)
		}
		if err := db.Write().UpdateCampaign(ctx, referralhub.Campaign{ID: 999, Slug: "x", Name: "x"}); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("update of no campaign: %v", err)
		}
		all, err := db.Read().ListCampaigns(ctx)
		if err != nil || len(all) != 2 || all[0].Slug != referralhub.DefaultCampaignSlug || all[0].ID != referralhub.DefaultCampaignID ||
			all[0].Program != nil || all[1].ID != c.ID {
			t.Fatalf("list %+v, %v", all, err)
		}
		if _, err := db.Read().CampaignBySlug(ctx, "nope"); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("unknown slug: %v", err)
		}
	})
}

// TestEnrolParticipant: a participant is in the default campaign until
// enrolled in another, and can be put back.
func TestEnrolParticipant(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, p := mustUser(t, db, "ann")
		if id, err := db.Read().ParticipantCampaignID(ctx, p.ID); err != nil || id != referralhub.DefaultCampaignID {
			t.Fatalf("new participant's campaign = %d, %v", id, err)
		}
		c := referralhub.Campaign{Slug: "vip", Name: "VIP"}
		if err := db.Write().CreateCampaign(ctx, &c); err != nil {
			t.Fatal(err)
		}
		if err := db.Write().EnrolParticipant(ctx, c.ID, p.ID); err != nil {
			t.Fatal(err)
		}
		if id, err := db.Read().ParticipantCampaignID(ctx, p.ID); err != nil || id != c.ID {
			t.Fatalf("enrolled participant's campaign = %d, %v", id, err)
		}
		if err := db.Write().EnrolParticipant(ctx, 999, p.ID); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("unknown campaign: %v", err)
		}
		if err := db.Write().EnrolParticipant(ctx, c.ID, 999); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("unknown participant: %v", err)
		}
		if err := db.Write().EnrolParticipant(ctx, referralhub.DefaultCampaignID, p.ID); err != nil {
			t.Fatal(err)
		}
		if id, err := db.Read().ParticipantCampaignID(ctx, p.ID); err != nil || id != referralhub.DefaultCampaignID {
			t.Fatalf("back in default = %d, %v", id, err)
		}
	})
}

// TestUpgradeMakesTheProgramTheDefaultCampaign: migration 0039 on an
// install with participants and a saved program puts everyone in the
// default campaign (id 1), which runs the program as it was.
func TestUpgradeMakesTheProgramTheDefaultCampaign(t *testing.T) {
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db, dbURL := openAtSchema(t, engine, t0, 38)
			_, p := mustUserAtOldSchema(t, db, dbURL, "old")
			prog := referralhub.Program{Name: "Old program", NextRuleID: 1}
			if _, err := db.Write().SaveProgram(ctx, prog, 0, "before campaigns", t0); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Migrate(ctx, t0); err != nil {
				t.Fatal(err)
			}
			all, err := db.Read().ListCampaigns(ctx)
			if err != nil || len(all) != 1 || all[0].ID != referralhub.DefaultCampaignID || all[0].Slug != "default" ||
				all[0].Program != nil || !all[0].RunsAt(t0) {
				t.Fatalf("campaigns after upgrade %+v, %v", all, err)
			}
			if id, err := db.Read().ParticipantCampaignID(ctx, p.ID); err != nil || id != referralhub.DefaultCampaignID {
				t.Fatalf("old participant's campaign = %d, %v", id, err)
			}
			if cur, err := db.Read().CurrentProgram(ctx); err != nil || cur.Program.Name != "Old program" {
				t.Fatalf("program after upgrade %+v, %v", cur, err)
			}
			c := referralhub.Campaign{Slug: "next", Name: "Next"}
			if err := db.Write().CreateCampaign(ctx, &c); err != nil || c.ID != 2 {
				t.Fatalf("first new campaign id %d, %v", c.ID, err)
			}
		})
	}
}
