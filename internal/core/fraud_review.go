package core

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
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
