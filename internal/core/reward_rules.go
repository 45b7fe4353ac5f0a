package core

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/webhook"
)

// applyRules credits what ev earns under every rule of prog (or of the
// referrer's variant, in an experiment), as decideRewards decides it,
// except to a participant held out of an experiment. Call it inside the transaction that recorded
// ev; parties.ID is 0 for an achievement, whose achiever is the referrer.
func (s *Service) applyRules(ctx context.Context, q *storage.Queries, prog referralhub.Program, ev referralhub.Event, parties storage.ReferralParties) error {
	now := s.now()
	prog, held, err := s.experimentRules(ctx, q, prog, parties)
	if err != nil {
		return err
	}
	decided, err := decideRewards(ctx, liveState{q}, prog, ev, parties, now)
	if err != nil {
		return err
	}
	for _, d := range decided {
		if held[d.Reward.ParticipantID] {
			continue // the holdout is never credited
		}
		if err := s.credit(ctx, q, d, now); err != nil {
			return err
		}
	}
	return nil
}

// inSegment reports whether a rule's segment lets side be rewarded: the
// friend's plan must match it (what a rule's segment always meant), or,
// for a rule segmented by beneficiary, the plan of the side's own
// beneficiary: the referrer's for the referrer's reward.
func inSegment(rule referralhub.Rule, side string, parties storage.ReferralParties) bool {
	if rule.Segment == "" {
		return true
	}
	plan := parties.RefereePlan
	if rule.SegmentOf == referralhub.SegmentBeneficiary && side == referralhub.SideReferrer {
		plan = parties.ReferrerPlan
	}
	return rule.Segment == plan
}

// credit appends a decided ledger entry, unless it exists (the ledger's
// once-only key), and queues its follow-up jobs.
func (s *Service) credit(ctx context.Context, q *storage.Queries, d rewardDecision, now time.Time) error {
	r := d.Reward
	inserted, err := q.InsertReward(ctx, &r, d.Key)
	if err != nil || !inserted || r.Status == referralhub.StatusCancelled {
		return err
	}
	return s.announceReward(ctx, q, r, now)
}

// newReward builds the ledger entry a rule credits to one side for ev,
// with the idempotency key of an achievement's reward (empty otherwise)
// and the gate the referral puts on it.
func newReward(prog referralhub.Program, rule referralhub.Rule, side string, spec referralhub.RewardSpec,
	ev referralhub.Event, parties storage.ReferralParties, now time.Time) (referralhub.Reward, string, int) {
	r := referralhub.Reward{ParticipantID: parties.RefereeID, Side: side, Entry: referralhub.EntryReward, RuleID: rule.ID,
		ReferralID: parties.ID, EventID: ev.ID, Kind: spec.Kind, Amount: spec.Amount, Currency: spec.Currency,
		PercentOff: spec.PercentOff, Reason: reason(rule, ev, side, parties), CreditedAt: now}
	// An achievement has no referral, so nothing to gate; its reward is
	// once per rule and achievement event, by key.
	g, key := gateOpen, ""
	if parties.ID == 0 && referralhub.IsAchievementEvent(ev.Name) {
		r.Reason, key = achievementReason(parties), fmt.Sprintf("rh:achievement:%d:%d", rule.ID, ev.ID)
	} else {
		g = rewardGate(prog.FraudOrDefault(), parties)
	}
	if side == referralhub.SideReferrer {
		r.ParticipantID = parties.ReferrerID
		if parties.ID != 0 {
			var note string
			r.Amount, note = tierMultiplier(prog, spec, parties.ReferrerQualified)
			r.Reason += note
		}
	}
	return r, key, g
}

// setRewardStatus starts a new reward cancelled (its referral is blocked
// or rejected: recorded, never paid), pending (on hold, or waiting for its
// gate) or approved.
func setRewardStatus(r *referralhub.Reward, prog referralhub.Program, rule referralhub.Rule, g int, now time.Time) {
	hold := prog.Hold
	if rule.Hold != nil {
		hold = *rule.Hold
	}
	switch {
	case g == gateClosed:
		r.Status, r.CancelledAt = referralhub.StatusCancelled, now
	case hold > 0 || g == gateWaiting:
		r.Status, r.HoldUntil = referralhub.StatusPending, now.Add(hold)
	default:
		r.Status, r.ApprovedAt = referralhub.StatusApproved, now
	}
}

// announceReward emits a new reward's webhooks and queues its hold
// release and its "reward earned" mail.
func (s *Service) announceReward(ctx context.Context, q *storage.Queries, r referralhub.Reward, now time.Time) error {
	if err := s.emitReward(ctx, q, webhook.RewardCreated, r); err != nil {
		return err
	}
	if r.Status == referralhub.StatusApproved {
		if err := s.rewardApproved(ctx, q, r); err != nil {
			return err
		}
	}
	id := strconv.FormatInt(r.ID, 10)
	if r.Status == referralhub.StatusPending {
		if err := s.enqueue(ctx, q, JobReleaseHold, "release:"+id, r.HoldUntil, jobPayload{RewardID: r.ID}); err != nil {
			return err
		}
	}
	return s.enqueue(ctx, q, JobMail, "mail:reward_earned:"+id, now, jobPayload{Mail: mailRewardEarned, RewardID: r.ID})
}

// periodStart is when the cap period containing now began, in UTC.
func periodStart(period string, now time.Time) time.Time {
	now = now.UTC()
	switch period {
	case referralhub.PeriodDay:
		return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	case referralhub.PeriodMonth:
		return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
}

// reason says in words why a side earned a reward: "alice signed up",
// "bob's first purchase".
func reason(rule referralhub.Rule, ev referralhub.Event, side string, parties storage.ReferralParties) string {
	who, whose := parties.RefereeName, parties.RefereeName+"'s"
	if side == referralhub.SideReferee {
		who, whose = "You", "Your"
	}
	switch ev.Name {
	case referralhub.EventSignup:
		if side == referralhub.SideReferee {
			return "You signed up through " + parties.ReferrerName + "'s link"
		}
		return who + " signed up"
	case referralhub.EventEmailVerified:
		if side == referralhub.SideReferee {
			return "You verified your email"
		}
		return who + " verified their email"
	case referralhub.EventPurchase:
		if rule.FirstOnly {
			return whose + " first purchase"
		}
		return whose + " purchase"
	}
	return fmt.Sprintf("%s: %s", who, ev.Name)
}
