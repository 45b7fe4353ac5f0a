package core

import (
	"context"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/webhook"
)

// The data of webhook events carries ids, codes, statuses and amounts, and
// no email, name or reason in words: bodies are kept for replays, and
// personal data stays behind the API, where a deletion reaches it.

// WebhookReferral is the data of referral.created and referral.flagged.
type WebhookReferral struct {
	ID         int64     `json:"id"`
	ReferrerID int64     `json:"referrer_id"` // participant ids
	RefereeID  int64     `json:"referee_id"`
	Review     string    `json:"review"` // clear, held, blocked, approved, rejected
	RiskScore  int       `json:"risk_score"`
	Signals    []string  `json:"signals"` // the codes of the risk signals that fired
	CreatedAt  time.Time `json:"created_at"`
}

// WebhookReward is the data of reward.* events: the ledger entry as it is
// after the change the event reports.
type WebhookReward struct {
	ID            int64      `json:"id"`
	ParticipantID int64      `json:"participant_id"` // the beneficiary
	ReferralID    *int64     `json:"referral_id"`    // null for a coupon bought with points
	Side          string     `json:"side,omitempty"` // referrer or referee
	Entry         string     `json:"entry"`          // reward, or redemption for a coupon bought with points
	Kind          string     `json:"kind"`           // points, credit, coupon, trial_days
	Amount        int64      `json:"amount"`         // points, minor units of currency, or days
	Currency      string     `json:"currency,omitempty"`
	PercentOff    int64      `json:"percent_off,omitempty"`
	Status        string     `json:"status"` // pending, approved, redeemed, fulfilled, reversed, cancelled
	PromoCode     string     `json:"promo_code,omitempty"`
	HoldUntil     *time.Time `json:"hold_until,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	ApprovedAt    *time.Time `json:"approved_at,omitempty"`
	RedeemedAt    *time.Time `json:"redeemed_at,omitempty"`
	FulfilledAt   *time.Time `json:"fulfilled_at,omitempty"`
	ReversedAt    *time.Time `json:"reversed_at,omitempty"`
	CancelledAt   *time.Time `json:"cancelled_at,omitempty"`
}

func referralData(r referralhub.Referral) WebhookReferral {
	out := WebhookReferral{ID: r.ID, ReferrerID: r.ReferrerID, RefereeID: r.RefereeID, Review: r.Review,
		RiskScore: r.RiskScore, Signals: []string{}, CreatedAt: r.CreatedAt.UTC()}
	for _, sig := range r.Signals {
		out.Signals = append(out.Signals, sig.Code)
	}
	return out
}

func rewardData(r referralhub.Reward) WebhookReward {
	return WebhookReward{ID: r.ID, ParticipantID: r.ParticipantID, ReferralID: optionalID(r.ReferralID), Side: r.Side,
		Entry: r.Entry, Kind: r.Kind, Amount: r.Amount, Currency: r.Currency, PercentOff: r.PercentOff, Status: r.Status,
		PromoCode: r.PromoCode, HoldUntil: optionalTime(r.HoldUntil), CreatedAt: r.CreditedAt.UTC(),
		ApprovedAt: optionalTime(r.ApprovedAt), RedeemedAt: optionalTime(r.RedeemedAt), FulfilledAt: optionalTime(r.FulfilledAt),
		ReversedAt: optionalTime(r.ReversedAt), CancelledAt: optionalTime(r.CancelledAt)}
}

func optionalID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// emitReward tells the webhooks about a change to a ledger entry. The
// entry is read again, only when an endpoint listens, so the data shows it
// after the change.
func (s *Service) emitReward(ctx context.Context, q *storage.Queries, typ string, r referralhub.Reward) error {
	return s.emitLazy(ctx, q, typ, r.ParticipantID, func() (any, error) {
		fresh, err := q.Reward(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		return rewardData(fresh), nil
	})
}

// emitNewReferral tells the webhooks about a referral just made:
// referral.created, and referral.flagged too when its risk held or blocked
// it. Referral events belong to the friend (the referee), who has one.
func (s *Service) emitNewReferral(ctx context.Context, q *storage.Queries, r referralhub.Referral) error {
	if err := s.emit(ctx, q, webhook.ReferralCreated, r.RefereeID, referralData(r)); err != nil {
		return err
	}
	if r.Review == referralhub.ReviewClear {
		return nil
	}
	return s.emit(ctx, q, webhook.ReferralFlagged, r.RefereeID, referralData(r))
}

// emitReferralFlagged tells the webhooks that a referral was re-scored
// into held or blocked.
func (s *Service) emitReferralFlagged(ctx context.Context, q *storage.Queries, referralID int64) error {
	parties, err := q.ReferralPartiesByID(ctx, referralID)
	if err != nil {
		return err
	}
	return s.emit(ctx, q, webhook.ReferralFlagged, parties.RefereeID, referralData(parties.Referral))
}

// emitSignup tells the webhooks about a participant who signed up on the
// hosted site, in the shape the API's participants have (no external id).
// referrerID is the referrer their attribution named, 0 for none; a banned
// referrer refers nobody.
func (s *Service) emitSignup(ctx context.Context, q *storage.Queries, p referralhub.Participant, referrerID int64) error {
	return s.emitLazy(ctx, q, webhook.ParticipantCreated, p.ID, func() (any, error) {
		data := ParticipantCreated{ID: p.ID, Code: p.Code, ReferralLink: s.referralLink(p.Code), Plan: p.Plan,
			CreatedAt: p.CreatedAt.UTC()}
		if data.Plan == "" {
			data.Plan = referralhub.PlanFree
		}
		if referrerID == 0 {
			return data, nil
		}
		banned, err := q.Banned(ctx, referrerID)
		if err == nil && !banned {
			data.ReferredBy = &referrerID
		}
		return data, err
	})
}
