package core

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/webhook"
)

// Review decisions.
const (
	DecisionApprove = "approve"
	DecisionReject  = "reject"
	DecisionBan     = "ban" // bans the referrer, and rejects the referral
)

// ReviewCase is one held referral with what an admin needs to decide.
type ReviewCase struct {
	referralhub.ReviewItem
	Referrer, Referee             referralhub.ParticipantHistory
	ReferrerLinked, RefereeLinked []referralhub.LinkedAccount
}

// maxLinked bounds the linked accounts shown per person.
const maxLinked = 20

// ReviewQueue lists referrals in a review state (held by default) with
// both people's histories and the accounts that share their devices or IPs.
func (s *Service) ReviewQueue(ctx context.Context, admin referralhub.User, state string, limit int) ([]ReviewCase, error) {
	if !admin.IsAdmin {
		return nil, referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can review referrals.")
	}
	if state == "" {
		state = referralhub.ReviewHeld
	}
	switch state {
	case referralhub.ReviewHeld, referralhub.ReviewBlocked, referralhub.ReviewApproved, referralhub.ReviewRejected:
	default:
		return nil, referralhub.Errorf(referralhub.EINVALID, "Unknown review state.")
	}
	q := s.db.Read()
	items, err := q.ReferralsInReview(ctx, state, limit)
	if err != nil {
		return nil, err
	}
	out := make([]ReviewCase, 0, len(items))
	for _, it := range items {
		c := ReviewCase{ReviewItem: it}
		if c.Referrer, err = q.HistoryOf(ctx, it.ReferrerID); err != nil {
			return nil, err
		}
		if c.Referee, err = q.HistoryOf(ctx, it.RefereeID); err != nil {
			return nil, err
		}
		if c.ReferrerLinked, err = q.Linked(ctx, it.ReferrerID, maxLinked); err != nil {
			return nil, err
		}
		if c.RefereeLinked, err = q.Linked(ctx, it.RefereeID, maxLinked); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Decide records an admin's decision on a referral: approve releases its
// rewards (once any hold and the verification gate allow), reject cancels
// them, ban also bans the referrer. The decision, its author and reason go
// to the audit log in the same transaction.
func (s *Service) Decide(ctx context.Context, admin referralhub.User, referralID int64, decision, why string) error {
	if !admin.IsAdmin {
		return referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can review referrals.")
	}
	switch decision {
	case DecisionApprove, DecisionReject, DecisionBan:
	default:
		return referralhub.Errorf(referralhub.EINVALID, "Choose approve, reject or ban.")
	}
	why = strings.TrimSpace(why)
	if why == "" || utf8.RuneCountInString(why) > 500 || !IsText(why) {
		msg := "Say why, in up to 500 characters: it goes in the audit log."
		return &referralhub.Error{Code: referralhub.EINVALID, Message: msg, Fields: map[string]string{"reason": msg}}
	}
	var banned int64
	now := s.now()
	err := s.db.InTx(ctx, func(q *storage.Queries) error {
		it, err := q.ReviewItemByID(ctx, referralID)
		if err != nil {
			return err
		}
		switch decision {
		case DecisionApprove:
			err = s.approveReferral(ctx, q, admin, it, why, now)
		case DecisionReject:
			err = s.rejectReferral(ctx, q, admin, it, why, now)
		case DecisionBan:
			if err = s.rejectReferral(ctx, q, admin, it, why, now); err == nil {
				banned = it.ReferrerID
				err = s.ban(ctx, q, admin, it.ReferrerID, why, now)
			}
		default:
			err = referralhub.Errorf(referralhub.EINVALID, "Choose approve, reject or ban.")
		}
		return err
	})
	if err != nil {
		return err
	}
	if banned != 0 {
		s.forgetParticipantCode(ctx, banned)
	}
	s.jobsQueued()
	return nil
}

func (s *Service) approveReferral(ctx context.Context, q *storage.Queries, admin referralhub.User, it referralhub.ReviewItem, why string, now time.Time) error {
	moved, err := q.SetReview(ctx, it.ID, []string{referralhub.ReviewHeld, referralhub.ReviewBlocked}, referralhub.ReviewApproved, admin.ID, why, now)
	if err != nil {
		return err
	}
	if !moved {
		return referralhub.Errorf(referralhub.ECONFLICT, "This referral is not waiting for review.")
	}
	if err := s.audit(ctx, q, admin, "review.approve", fmt.Sprintf("referral %d", it.ID), why, now); err != nil {
		return err
	}
	return s.releaseReferral(ctx, q, it.ID, now)
}

func (s *Service) rejectReferral(ctx context.Context, q *storage.Queries, admin referralhub.User, it referralhub.ReviewItem, why string, now time.Time) error {
	from := []string{referralhub.ReviewClear, referralhub.ReviewHeld, referralhub.ReviewBlocked, referralhub.ReviewApproved}
	moved, err := q.SetReview(ctx, it.ID, from, referralhub.ReviewRejected, admin.ID, why, now)
	if err != nil {
		return err
	}
	if !moved {
		return referralhub.Errorf(referralhub.ECONFLICT, "This referral was already rejected.")
	}
	if err := s.audit(ctx, q, admin, "review.reject", fmt.Sprintf("referral %d", it.ID), why, now); err != nil {
		return err
	}
	rewards, err := q.ReferralRewards(ctx, it.ID)
	if err != nil {
		return err
	}
	if err := s.takeBack(ctx, q, rewards, 0, "rejected"); err != nil {
		return err
	}
	return s.settleReferral(ctx, q, it.ID, now)
}

// Ban bans a participant: their pending rewards are cancelled and their
// link stops working (it answers like an unknown code).
func (s *Service) Ban(ctx context.Context, admin referralhub.User, participantID int64, why string) error {
	if !admin.IsAdmin {
		return referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can ban.")
	}
	err := s.db.InTx(ctx, func(q *storage.Queries) error { return s.ban(ctx, q, admin, participantID, why, s.now()) })
	if err == nil {
		s.forgetParticipantCode(ctx, participantID)
	}
	return err
}

func (s *Service) ban(ctx context.Context, q *storage.Queries, admin referralhub.User, participantID int64, why string, now time.Time) error {
	banned, err := q.BanParticipant(ctx, participantID, now)
	if err != nil || !banned {
		return err // banned already: nothing more to do
	}
	if err := q.BumpCacheVersion(ctx, storage.CacheCodes); err != nil { // other instances drop the code
		return err
	}
	pending, err := q.PendingRewards(ctx, 0, participantID)
	if err != nil {
		return err
	}
	for _, r := range pending {
		cancelled, err := q.CancelReward(ctx, r.ID, now)
		if err != nil {
			return err
		}
		if cancelled {
			if err := s.emitReward(ctx, q, webhook.RewardReversed, r); err != nil {
				return err
			}
		}
	}
	if err := s.refreshBoardStanding(ctx, q, participantID); err != nil {
		return err
	}
	return s.audit(ctx, q, admin, "participant.ban", fmt.Sprintf("participant %d", participantID), why, now)
}

// forgetParticipantCode drops a participant's code from this instance's
// code cache, so a ban takes effect at once here; other instances drop
// their whole code cache within CodeWatchEvery, when they see the codes'
// version move (WatchCodes).
func (s *Service) forgetParticipantCode(ctx context.Context, participantID int64) {
	p, err := s.db.Read().Participant(ctx, participantID)
	if err == nil {
		s.codes.Forget(p.Code)
	}
}

// audit appends a line to the audit log in q's transaction.
func (s *Service) audit(ctx context.Context, q *storage.Queries, actor referralhub.User, action, subject, detail string, now time.Time) error {
	return q.AppendAudit(ctx, referralhub.AuditEntry{ActorID: actor.ID, Actor: actor.Username, Action: action,
		Subject: subject, Detail: detail, CreatedAt: now})
}

// AuditLog lists the audit log, newest first; prefix filters by action
// ("review.", "program.", "admin.").
func (s *Service) AuditLog(ctx context.Context, admin referralhub.User, prefix string, page int) ([]referralhub.AuditEntry, error) {
	if !admin.IsAdmin {
		return nil, referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can read the audit log.")
	}
	if len(prefix) > 40 || !IsText(prefix) {
		return nil, referralhub.Errorf(referralhub.EINVALID, "That filter is not valid.")
	}
	page = max(page, 1)
	return s.db.Read().AuditLog(ctx, prefix, auditPerPage, (page-1)*auditPerPage)
}

// auditPerPage is how many audit entries a page lists.
const auditPerPage = 100

// SaveFraud validates and saves the program's fraud settings, as a new
// program version recorded in the audit log.
func (s *Service) SaveFraud(ctx context.Context, admin referralhub.User, f referralhub.FraudSettings) error {
	if err := ValidateFraud(f); err != nil {
		return err
	}
	prog, err := s.loadProgram(ctx, s.db.Read())
	if err != nil {
		return err
	}
	prog.Fraud = &f
	_, err = s.SaveProgram(ctx, admin, prog, "Changed the fraud settings.")
	return err
}

// ValidateFraud checks fraud settings. Field errors are named after the
// settings: review_threshold, block_threshold, device_window, max_per_*,
// fast_signup.
func ValidateFraud(f referralhub.FraudSettings) error {
	fe := referralhub.FieldErrors{}
	if f.ReviewThreshold < 1 || f.ReviewThreshold > maxScore+1 {
		fe.Add("review_threshold", "The review threshold is from 1 to 101 (101: never review).")
	}
	if f.BlockThreshold < f.ReviewThreshold || f.BlockThreshold > maxScore+1 {
		fe.Add("block_threshold", "The block threshold is at least the review threshold and at most 101 (101: never block).")
	}
	if f.DeviceWindow < time.Minute || f.DeviceWindow > 90*24*time.Hour {
		fe.Add("device_window", "The device window is from 1 minute to 90 days.")
	}
	for name, n := range map[string]int{"max_per_referrer_hour": f.MaxPerReferrerHour, "max_per_referrer_day": f.MaxPerReferrerDay,
		"max_per_ip_day": f.MaxPerIPDay, "max_per_subnet_day": f.MaxPerSubnetDay} {
		if n < 0 || n > 1_000_000 {
			fe.Add(name, "Give a number from 0 (no limit) to 1,000,000.")
		}
	}
	if f.FastSignup < 0 || f.FastSignup > time.Hour {
		fe.Add("fast_signup", "The fast-signup window is from 0 (off) to 1 hour.")
	}
	return fe.Err()
}

// ReferralStanding is what a referred person may see about their own
// referral: never the signals.
type ReferralStanding struct {
	Referred bool
	Rejected bool // the referral was rejected or blocked: show a neutral message
}

// Standing tells a participant, neutrally, whether the referral that
// brought them counts.
func (s *Service) Standing(ctx context.Context, participantID int64) (ReferralStanding, error) {
	parties, err := s.db.Read().ReferralPartiesOf(ctx, participantID)
	if referralhub.ErrorCode(err) == referralhub.ENOTFOUND {
		return ReferralStanding{}, nil
	}
	if err != nil {
		return ReferralStanding{}, err
	}
	return ReferralStanding{Referred: true,
		Rejected: parties.Review == referralhub.ReviewRejected || parties.Review == referralhub.ReviewBlocked}, nil
}

// RiskReplay is the outcome of re-running the risk checks over stored
// referrals: how many would be flagged (held or blocked) today, by signal.
type RiskReplay struct {
	Referrals int
	Flagged   int
	BySignal  map[string]int
}

// ReplayRisk re-runs the checks that stored data allows (email, disposable
// domains, velocity per referrer, rings by email) over up to limit stored
// referrals, each as of its own time, without changing anything: a
// false-positive measure for a program's settings. Device and IP signals
// need the sightings of the moment and are left out.
func (s *Service) ReplayRisk(ctx context.Context, limit int) (RiskReplay, error) {
	out := RiskReplay{BySignal: map[string]int{}}
	prog, err := s.Program(ctx)
	if err != nil {
		return out, err
	}
	fraud := prog.FraudOrDefault()
	q := s.db.Read()
	refs, err := q.ReplayableReferrals(ctx, limit)
	if err != nil {
		return out, err
	}
	for _, r := range refs {
		a, err := s.assess(ctx, q, fraud, r.ReferrerID, riskInput{email: r.RefereeEmail}, r.CreatedAt)
		if err != nil {
			return out, err
		}
		out.Referrals++
		if a.review != referralhub.ReviewClear {
			out.Flagged++
		}
		for _, sig := range a.signals {
			out.BySignal[sig.Code]++
		}
	}
	return out, nil
}
