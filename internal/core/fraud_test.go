package core_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/demo"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// browserSeen is a person's own browser: a device cookie, an IP address
// and a user agent.
func browserSeen(n int) core.Sighting {
	return core.Sighting{IP: fmt.Sprintf("198.51.%d.%d", n/250, n%250+1),
		UserAgent: fmt.Sprintf("Mozilla/5.0 (person %d)", n), DeviceID: core.NewDeviceID()}
}

// refer signs up email as a friend of referrer, seen as seen, the way a
// browser does: a click, the form shown, then the signup some seconds
// later. It returns the new member and their referral.
func (f *fixture) refer(t *testing.T, referrer member, name, email string, seen core.Sighting) (member, storage.ReferralParties) {
	t.Helper()
	ctx := context.Background()
	res, err := f.svc.Click(ctx, referrer.p.Code, core.Visit{IP: seen.IP, UserAgent: seen.UserAgent})
	if err != nil || !res.Attributed {
		t.Fatalf("click: %+v %v", res, err)
	}
	form := f.svc.SignupFormToken()
	f.clock.Advance(30 * time.Second)
	u, s, err := f.svc.Signup(ctx, core.SignupInput{Email: email, Username: name, Password: "password123",
		Attribution: res.Cookie, Seen: seen, FormToken: form})
	if err != nil {
		t.Fatalf("signup %s: %v", name, err)
	}
	m := member{user: u, sess: s, p: f.participant(t, s)}
	parties, err := f.db.Read().ReferralPartiesOf(ctx, m.p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return m, parties
}

// owner signs up a referrer who was seen on their own browser.
func (f *fixture) owner(t *testing.T, name string, seen core.Sighting) member {
	t.Helper()
	u, s, err := f.svc.Signup(context.Background(), core.SignupInput{Email: name + "@example.com", Username: name,
		Password: "password123", Seen: seen})
	if err != nil {
		t.Fatal(err)
	}
	return member{user: u, sess: s, p: f.participant(t, s)}
}

func signalCodes(p storage.ReferralParties) []string {
	var out []string
	for _, s := range p.Signals {
		out = append(out, s.Code)
	}
	return out
}

func hasSignal(t *testing.T, p storage.ReferralParties, code, reasonPart string) {
	t.Helper()
	for _, s := range p.Signals {
		if s.Code == code {
			if !strings.Contains(s.Reason, reasonPart) || s.Weight <= 0 {
				t.Fatalf("signal %s: reason %q, weight %d", code, s.Reason, s.Weight)
			}
			return
		}
	}
	t.Fatalf("signal %s did not fire: %v (score %d)", code, signalCodes(p), p.RiskScore)
}

func TestEachSignalFiresWithItsReason(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixtureWith(t, db, fixtureOptions{fraud: true})
		aliceSeen := browserSeen(1)
		alice := f.owner(t, "alice", aliceSeen)

		t.Run("clean", func(t *testing.T) {
			_, p := f.refer(t, alice, "clean", "clean@example.com", browserSeen(2))
			if len(p.Signals) != 0 || p.RiskScore != 0 || p.Review != referralhub.ReviewClear {
				t.Fatalf("a clean referral was flagged: %+v", p.Signals)
			}
		})
		t.Run("self_email", func(t *testing.T) {
			_, p := f.refer(t, alice, "alias1", "Alice+promo@Example.com", browserSeen(3))
			hasSignal(t, p, core.SignalSelfEmail, "+tags")
		})
		t.Run("self_device", func(t *testing.T) {
			seen := browserSeen(4)
			seen.DeviceID = aliceSeen.DeviceID
			_, p := f.refer(t, alice, "sameDevice", "someone@example.com", seen)
			hasSignal(t, p, core.SignalSelfDevice, "device the referrer has used")
		})
		t.Run("self_ip_ua", func(t *testing.T) {
			seen := browserSeen(5)
			seen.IP, seen.UserAgent = aliceSeen.IP, aliceSeen.UserAgent
			_, p := f.refer(t, alice, "sameBrowser", "other@example.com", seen)
			hasSignal(t, p, core.SignalSelfIPUA, "IP address and browser")
		})
		t.Run("disposable", func(t *testing.T) {
			_, p := f.refer(t, alice, "throwaway", "x@mailinator.com", browserSeen(6))
			hasSignal(t, p, core.SignalDisposable, "disposable")
		})
		t.Run("fast_signup", func(t *testing.T) {
			res, _ := f.svc.Click(context.Background(), alice.p.Code, core.Visit{})
			f.clock.Advance(time.Second)
			u, s, err := f.svc.Signup(context.Background(), core.SignupInput{Email: "fast@example.com", Username: "fast",
				Password: "password123", Attribution: res.Cookie, Seen: browserSeen(7)})
			if err != nil {
				t.Fatal(err)
			}
			_ = u
			p, _ := db.Read().ReferralPartiesOf(context.Background(), f.participant(t, s).ID)
			hasSignal(t, p, core.SignalFastSignup, "no page view in between")
		})
	})
}

func TestVelocitySignals(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixtureWith(t, db, fixtureOptions{fraud: true})
		ctx := context.Background()
		prog, _ := f.svc.Program(ctx)
		fraud := prog.FraudOrDefault()
		fraud.MaxPerReferrerHour, fraud.MaxPerReferrerDay, fraud.MaxPerIPDay, fraud.MaxPerSubnetDay = 3, 3, 1, 3
		if err := f.svc.SaveFraud(ctx, f.admin(t), fraud); err != nil {
			t.Fatal(err)
		}
		alice := f.owner(t, "alice", browserSeen(1))
		var last storage.ReferralParties
		for i := range 4 {
			seen := browserSeen(10 + i)
			seen.IP = fmt.Sprintf("203.0.113.%d", 10+i) // one /24, a new address each time
			if i == 1 {
				seen.IP = "203.0.113.10" // the same address as the first
			}
			_, last = f.refer(t, alice, fmt.Sprint("pal", i), fmt.Sprintf("pal%d@example.com", i), seen)
			if i == 1 {
				hasSignal(t, last, core.SignalVelocityIP, "one IP address")
			}
		}
		hasSignal(t, last, core.SignalVelocityHour, "within an hour")
		hasSignal(t, last, core.SignalVelocityDay, "within a day")
		hasSignal(t, last, core.SignalVelocitySubnet, "one network")
	})
}

func TestRingSignal(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixtureWith(t, db, fixtureOptions{fraud: true})
		carolSeen := browserSeen(1)
		carol := f.owner(t, "carol", carolSeen)
		dave, _ := f.refer(t, carol, "dave", "dave@example.com", browserSeen(2))
		// Carol comes back as a "friend" of her own referee, on her device.
		seen := browserSeen(3)
		seen.DeviceID = carolSeen.DeviceID
		_, p := f.refer(t, dave, "erin", "erin@example.com", seen)
		hasSignal(t, p, core.SignalRing, "further up")
	})
}

func TestHeldRewardIsReleasedByApprovalAndCancelledByRejection(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixtureWith(t, db, fixtureOptions{fraud: true})
		ctx := context.Background()
		prog, _ := f.svc.Program(ctx)
		fraud := prog.FraudOrDefault()
		fraud.RequireVerifiedEmail = false
		boss := f.admin(t)
		if err := f.svc.SaveFraud(ctx, boss, fraud); err != nil {
			t.Fatal(err)
		}
		alice := f.owner(t, "alice", browserSeen(1))
		_, held := f.refer(t, alice, "bobby", "x@mailinator.com", browserSeen(2)) // disposable: 30, held
		_, held2 := f.refer(t, alice, "cathy", "y@mailinator.com", browserSeen(3))
		if held.Review != referralhub.ReviewHeld || held2.Review != referralhub.ReviewHeld {
			t.Fatalf("reviews = %s, %s", held.Review, held2.Review)
		}
		if b := balance(f.rewards(t, alice), referralhub.KindPoints, ""); b.Pending != 20 || b.Available != 0 {
			t.Fatalf("while held: %+v", b)
		}
		queue, err := f.svc.ReviewQueue(ctx, boss, "", 10)
		if err != nil || len(queue) != 2 || queue[0].Signals[0].Reason == "" || queue[0].Referrer.Username != "alice" {
			t.Fatalf("queue = %+v, %v", queue, err)
		}
		if err := f.svc.Decide(ctx, boss, held.ID, core.DecisionApprove, "known customer"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Decide(ctx, boss, held2.ID, core.DecisionReject, "throwaway address"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Decide(ctx, boss, held.ID, core.DecisionApprove, "again"); referralhub.ErrorCode(err) != referralhub.ECONFLICT {
			t.Fatalf("deciding twice: %v", err)
		}
		if b := balance(f.rewards(t, alice), referralhub.KindPoints, ""); b.Available != 10 || b.Pending != 0 {
			t.Fatalf("after approve and reject: %+v", b)
		}
		log, err := f.svc.AuditLog(ctx, boss, "review.", 1)
		if err != nil || len(log) != 2 || log[0].Action != "review.reject" || log[0].Actor != "boss" ||
			log[0].Detail != "throwaway address" || log[1].Action != "review.approve" {
			t.Fatalf("audit = %+v, %v", log, err)
		}
		if _, err := f.svc.AuditLog(ctx, alice.user, "", 1); referralhub.ErrorCode(err) != referralhub.EFORBIDDEN {
			t.Fatalf("a non-admin read the audit log: %v", err)
		}
	})
}

func TestVerificationGateHoldsRewardsUntilTheFriendVerifies(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixtureWith(t, db, fixtureOptions{fraud: true})
		alice := f.owner(t, "alice", browserSeen(1))
		f.refer(t, alice, "bobby", "bobby@example.com", browserSeen(2))
		if b := balance(f.rewards(t, alice), referralhub.KindPoints, ""); b.Pending != 10 {
			t.Fatalf("before verification: %+v", b)
		}
		f.runJobs(t)
		token := tokenIn(t, mailTo(f.smtp.Messages(), "bobby@example.com", "confirm your email")[0], "/verify-email")
		if err := f.svc.VerifyEmail(context.Background(), token); err != nil {
			t.Fatal(err)
		}
		if b := balance(f.rewards(t, alice), referralhub.KindPoints, ""); b.Available != 10 || b.Pending != 0 {
			t.Fatalf("after verification: %+v", b)
		}
	})
}

func TestBlockedAndBannedReferrals(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixtureWith(t, db, fixtureOptions{fraud: true})
		ctx := context.Background()
		boss := f.admin(t)
		alice := f.owner(t, "alice", browserSeen(1))
		seen := browserSeen(2)
		_, blocked := f.refer(t, alice, "alias", "alice+2@example.com", seen) // 80: blocked
		if blocked.Review != referralhub.ReviewBlocked {
			t.Fatalf("review = %s, score %d", blocked.Review, blocked.RiskScore)
		}
		page := f.rewards(t, alice)
		if len(page.Rewards) != 1 || page.Rewards[0].Status != referralhub.StatusPending {
			t.Fatalf("a blocked referral's reward waits for an admin: %+v", page.Rewards)
		}
		friend, _ := f.refer(t, alice, "fine", "fine@example.com", browserSeen(3)) // pending: unverified
		standing, _ := f.svc.Standing(ctx, friend.p.ID)
		if standing.Rejected || !standing.Referred {
			t.Fatalf("standing = %+v", standing)
		}
		if err := f.svc.Decide(ctx, boss, blocked.ID, core.DecisionBan, "self-referral ring"); err != nil {
			t.Fatal(err)
		}
		if res, _ := f.svc.Click(ctx, alice.p.Code, core.Visit{}); res.Attributed {
			t.Fatal("a banned participant's link still attributes")
		}
		if b := balance(f.rewards(t, alice), referralhub.KindPoints, ""); b.Pending != 0 {
			t.Fatalf("a ban must cancel pending rewards: %+v", b)
		}
		log, _ := f.svc.AuditLog(ctx, boss, "participant.", 1)
		if len(log) != 1 || log[0].Subject != fmt.Sprintf("participant %d", alice.p.ID) {
			t.Fatalf("audit = %+v", log)
		}
		aliasStanding, _ := f.svc.Standing(ctx, blocked.RefereeID)
		if !aliasStanding.Rejected {
			t.Fatal("the refused friend's standing is not rejected")
		}
		// A banned referrer earns nothing more, even from a clean referral.
		if _, _, err := f.svc.RecordEvent(ctx, core.EventInput{ParticipantID: friend.p.ID, Name: "upgrade", Key: "u1"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SaveProgram(ctx, boss, withRule(t, f, referralhub.Rule{Trigger: "upgrade", Referrer: credit(500)}), "x"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.RecordEvent(ctx, core.EventInput{ParticipantID: friend.p.ID, Name: "upgrade", Key: "u2"}); err != nil {
			t.Fatal(err)
		}
		if b := balance(f.rewards(t, alice), referralhub.KindCredit, "usd"); b.Available != 0 || b.Pending != 0 {
			t.Fatalf("a banned referrer was credited: %+v", b)
		}
		if _, err := f.svc.Redeem(ctx, alice.p, f.rewards(t, alice).Rewards[0].ID); err == nil {
			t.Fatal("a banned participant redeemed")
		}
	})
}

func TestProgramChangesAndAdminLoginsAreAudited(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		boss := f.admin(t)
		if _, _, err := f.svc.Login(ctx, "boss", "password123"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ApplyPreset(ctx, boss, core.PresetGiveGet); err != nil {
			t.Fatal(err)
		}
		bad := referralhub.DefaultFraud()
		bad.BlockThreshold = 10
		if err := f.svc.SaveFraud(ctx, boss, bad); referralhub.ErrorFields(err)["block_threshold"] == "" {
			t.Fatalf("a block threshold under the review one: %v", err)
		}
		log, err := f.svc.AuditLog(ctx, boss, "", 1)
		if err != nil || len(log) != 3 || log[0].Action != "program.save" || !strings.Contains(log[0].Detail, "Give $10") ||
			log[1].Action != "admin.login" || log[2].Action != "admin.create" {
			t.Fatalf("audit = %+v, %v", log, err)
		}
	})
}

// TestDemoDataHasNoFalsePositives replays the risk checks over the demo's
// organic referral network (trees several levels deep, and a hub with
// hundreds of referrals over 90 days) under the default settings.
func TestDemoDataHasNoFalsePositives(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixtureWith(t, db, fixtureOptions{fraud: true})
		ctx := context.Background()
		if _, err := demo.Generate(ctx, db, demo.Options{Users: 3000, Now: f.clock.Now(), PasswordHash: "x"}); err != nil {
			t.Fatal(err)
		}
		replay, err := f.svc.ReplayRisk(ctx, 100_000)
		if err != nil {
			t.Fatal(err)
		}
		if replay.Referrals < 1000 || replay.Flagged != 0 {
			t.Fatalf("%d of %d demo referrals flagged: %v", replay.Flagged, replay.Referrals, replay.BySignal)
		}
		t.Logf("%d demo referrals, %d flagged (%v)", replay.Referrals, replay.Flagged, replay.BySignal)
	})
}

func TestSharedStripeCustomerIsFlaggedWhenKnown(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixtureWith(t, db, fixtureOptions{fraud: true})
		ctx := context.Background()
		alice := f.owner(t, "alice", browserSeen(1))
		bob, clean := f.refer(t, alice, "bobby", "bobby@example.com", browserSeen(2))
		if clean.Review != referralhub.ReviewClear {
			t.Fatalf("review = %s", clean.Review)
		}
		if err := f.svc.SetBilling(ctx, alice.p.ID, referralhub.PlanPaid, "cus_same"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SetBilling(ctx, bob.p.ID, referralhub.PlanPaid, "cus_same"); err != nil {
			t.Fatal(err)
		}
		p, _ := db.Read().ReferralPartiesOf(ctx, bob.p.ID)
		hasSignal(t, p, core.SignalSelfStripe, "same Stripe customer")
		if p.Review != referralhub.ReviewBlocked {
			t.Fatalf("review after the shared customer = %s (score %d)", p.Review, p.RiskScore)
		}
		if b := balance(f.rewards(t, alice), referralhub.KindPoints, ""); b.Pending != 10 || b.Available != 0 {
			t.Fatalf("a blocked referral's points wait for an admin: %+v", b)
		}
	})
}

// withRule is the current program with one more rule.
func withRule(t *testing.T, f *fixture, r referralhub.Rule) referralhub.Program {
	t.Helper()
	prog, err := f.svc.Program(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	prog.Rules = append(prog.Rules, r)
	return prog
}

func TestApprovingABlockedReferralReleasesIt(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixtureWith(t, db, fixtureOptions{fraud: true})
		ctx := context.Background()
		boss := f.admin(t)
		prog, _ := f.svc.Program(ctx)
		fraud := prog.FraudOrDefault()
		fraud.RequireVerifiedEmail = false
		if err := f.svc.SaveFraud(ctx, boss, fraud); err != nil {
			t.Fatal(err)
		}
		alice := f.owner(t, "alice", browserSeen(1))
		_, blocked := f.refer(t, alice, "twin", "alice+twin@example.com", browserSeen(2))
		if blocked.Review != referralhub.ReviewBlocked {
			t.Fatalf("review = %s", blocked.Review)
		}
		if err := f.svc.Decide(ctx, boss, blocked.ID, core.DecisionApprove, ""); referralhub.ErrorFields(err)["reason"] == "" {
			t.Fatalf("a decision without a reason: %v", err)
		}
		if err := f.svc.Decide(ctx, boss, blocked.ID, core.DecisionApprove, "her sister, checked by phone"); err != nil {
			t.Fatal(err)
		}
		if b := balance(f.rewards(t, alice), referralhub.KindPoints, ""); b.Available != 10 || b.Pending != 0 {
			t.Fatalf("after approving the blocked referral: %+v", b)
		}
		// Rejecting it afterwards takes the available points back.
		if err := f.svc.Decide(ctx, boss, blocked.ID, core.DecisionReject, "it was her after all"); err != nil {
			t.Fatal(err)
		}
		if b := balance(f.rewards(t, alice), referralhub.KindPoints, ""); b.Available != 0 {
			t.Fatalf("after rejecting an approved referral: %+v", b)
		}
	})
}
