package core

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// mailAchievement announces a tier reached or a badge earned.
const mailAchievement = "achievement"

// boardPeriods are the leaderboards every qualified referral counts on.
func boardPeriods() [3]string {
	return [...]string{referralhub.BoardAll, referralhub.BoardMonth, referralhub.BoardWeek}
}

// achieve awards what going from before to after qualified referrals
// reaches: each tier and badge whose threshold lies in (before, after].
// Each is an event (tier.<slug>, badge.<threshold>), recorded once, that
// rules can reward and that is announced by mail.
func (s *Service) achieve(ctx context.Context, q *storage.Queries, prog referralhub.Program, participantID, before, after int64, now time.Time) error {
	crossed := func(threshold int64) bool { return threshold > before && threshold <= after && threshold > 0 }
	for _, t := range prog.TiersOrDefault() {
		if crossed(t.Threshold) {
			what := "You reached the " + t.Name + " tier"
			if err := s.recordAchievement(ctx, q, prog, participantID, referralhub.TierEvent(t.Name), what, now); err != nil {
				return err
			}
		}
	}
	for _, b := range prog.BadgesOrDefault() {
		if !crossed(b.Threshold) {
			continue
		}
		awarded, err := q.AwardBadge(ctx, participantID, b, now)
		if err != nil {
			return err
		}
		if awarded {
			what := "You earned the " + b.Name + " badge"
			if err := s.recordAchievement(ctx, q, prog, participantID, referralhub.BadgeEvent(b), what, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// recordAchievement records an achievement event once, rewards it under the
// rules whose trigger it is, and queues its mail.
func (s *Service) recordAchievement(ctx context.Context, q *storage.Queries, prog referralhub.Program, participantID int64, name, what string, now time.Time) error {
	ev := referralhub.Event{ParticipantID: participantID, Name: name, Key: internalKeyPrefix + name, CreatedAt: now}
	inserted, err := q.RecordEvent(ctx, &ev)
	if err != nil || !inserted {
		return err
	}
	// The achiever is the "referrer" of an achievement: the one who
	// referred people to get there. There is no referral and no friend.
	parties := storage.ReferralParties{Referral: referralhub.Referral{ReferrerID: participantID}, RefereeName: what}
	if err := s.applyRules(ctx, q, prog, ev, parties); err != nil {
		return err
	}
	to, err := q.RecipientByParticipant(ctx, participantID)
	if err != nil {
		return ignoreGone(err) // API participants hear of it through webhooks
	}
	return s.enqueue(ctx, q, JobMail, "mail:achievement:"+strconv.FormatInt(ev.ID, 10), now,
		jobPayload{Mail: mailAchievement, UserID: to.UserID, Detail: what})
}

// tierMultiplier scales what a referrer earns from a referral by their
// tier: points and credit only. It returns the amount and a note for the
// reason ("" when the tier pays the rule's amount as it is).
func tierMultiplier(prog referralhub.Program, spec referralhub.RewardSpec, qualified int64) (int64, string) {
	if spec.Kind != referralhub.KindPoints && spec.Kind != referralhub.KindCredit {
		return spec.Amount, ""
	}
	tier := currentTier(prog.TiersOrDefault(), qualified)
	if tier.MultiplierPercent <= 0 || tier.MultiplierPercent == 100 {
		return spec.Amount, ""
	}
	return spec.Amount * tier.MultiplierPercent / 100, fmt.Sprintf(" (%s tier: %s)", tier.Name, percentTimes(tier.MultiplierPercent))
}

// currentTier is the tier qualified referrals reach (ProgressOf's
// Current), without the rest of the progress: rewards ask it per event.
func currentTier(tiers []referralhub.Tier, qualified int64) referralhub.Tier {
	var cur referralhub.Tier
	for i, t := range tiers {
		if i == 0 || qualified >= t.Threshold {
			cur = t
		}
		if qualified < t.Threshold {
			break
		}
	}
	return cur
}

// percentTimes writes 150 as "×1.5" and 200 as "×2".
func percentTimes(p int64) string {
	return "×" + strconv.FormatFloat(float64(p)/100, 'f', -1, 64)
}

// achievementReason is the ledger reason of a reward for an achievement.
func achievementReason(parties storage.ReferralParties) string {
	return parties.RefereeName
}

// refreshBoardStanding shows or hides a participant on the leaderboards:
// hidden when they chose so, or are banned or deleted. A referral of
// theirs waiting for review only holds back its own count.
func (s *Service) refreshBoardStanding(ctx context.Context, q *storage.Queries, participantID int64) error {
	st, err := q.BoardStandingOf(ctx, participantID)
	if err != nil {
		return ignoreGone(err)
	}
	hidden := st.Show == referralhub.ShowNobody || st.Banned || st.Deleted
	if hidden == st.Hidden {
		return nil
	}
	s.forgetBoards(s.now())
	return q.SetLeaderboardHidden(ctx, participantID, hidden)
}

// badgeKey caches a participant's badges for as long as their qualified
// count stays the same: only a new qualified referral can earn one.
type badgeKey struct {
	participantID int64
	qualified     int64
}

// achievements is a participant's tier progress and badges, for the
// dashboard. The badges are read once per qualified count, then cached.
func (s *Service) achievements(ctx context.Context, p referralhub.Participant) (referralhub.TierProgress, []referralhub.EarnedBadge, error) {
	prog, err := s.Program(ctx)
	if err != nil {
		return referralhub.TierProgress{}, nil, err
	}
	tier := referralhub.ProgressOf(prog.TiersOrDefault(), p.QualifiedCount)
	key := badgeKey{p.ID, p.QualifiedCount}
	now := s.now()
	if b, ok := s.badges.Get(key, now); ok {
		return tier, b, nil
	}
	b, err := s.db.Read().Badges(ctx, p.ID)
	if err != nil {
		return tier, nil, err
	}
	s.badges.Put(key, b, now)
	return tier, b, nil
}

// RebuildGamification recomputes qualified referrals, tier counts, badges
// and the current leaderboards from the referrals as they stand, for a
// database upgraded from before them or loaded in bulk (the demo). It
// awards no rewards and sends no mail for what it finds.
func (s *Service) RebuildGamification(ctx context.Context) error {
	prog, err := s.Program(ctx)
	if err != nil {
		return err
	}
	in := storage.RebuildInput{RequireVerified: prog.FraudOrDefault().RequireVerifiedEmail,
		Badges: prog.BadgesOrDefault(), Now: s.now()}
	defer s.forgetBoards(in.Now)
	return s.db.InTx(ctx, func(q *storage.Queries) error { return q.RebuildGamification(ctx, in) })
}
