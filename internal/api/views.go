package api

import (
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// The JSON shapes of the API's responses. Times are RFC 3339 in UTC;
// optional values are null when absent, never left out.

type participantJSON struct {
	ID           int64               `json:"id"`
	ExternalID   *string             `json:"external_id"`
	Email        *string             `json:"email"`
	Name         *string             `json:"name"`
	Plan         string              `json:"plan"`
	Code         string              `json:"code"`
	ReferralLink string              `json:"referral_link"`
	ReferredBy   *participantRefJSON `json:"referred_by"`
	Campaign     string              `json:"campaign"`
	CreatedAt    time.Time           `json:"created_at"`
	Stats        participantStats    `json:"stats"`
	// ReferralPrompt is false for a participant held out of an experiment:
	// show them no referral link or share tools; they earn nothing.
	ReferralPrompt bool            `json:"referral_prompt"`
	Experiment     *experimentJSON `json:"experiment"`
}

// experimentJSON is a participant's arm in their campaign's running
// experiment: a variant's key ("A" to "D") or "holdout".
type experimentJSON struct {
	ID  int64  `json:"id"`
	Arm string `json:"arm"`
}

// participantRefJSON names another participant.
type participantRefJSON struct {
	ID         int64   `json:"id"`
	ExternalID *string `json:"external_id"`
}

type participantStats struct {
	Referrals int64         `json:"referrals"`
	Clicks    int64         `json:"clicks"`
	Points    int64         `json:"points"`
	Balances  []balanceJSON `json:"balances"`
}

type balanceJSON struct {
	Kind      string  `json:"kind"`
	Currency  *string `json:"currency"`
	Available int64   `json:"available"`
	Pending   int64   `json:"pending"`
}

func participantView(p core.ParticipantSummary) participantJSON {
	out := participantJSON{ID: p.ID, ExternalID: optString(p.ExternalID), Email: optString(p.Email), Name: optString(p.Name),
		Plan: p.Plan, Code: p.Code, ReferralLink: p.Link, Campaign: p.Campaign, CreatedAt: p.CreatedAt,
		Stats:          participantStats{Referrals: p.ReferralCount, Clicks: p.ClickCount, Points: p.Points, Balances: balancesView(p.Balances)},
		ReferralPrompt: !p.Experiment.Holdout()}
	if p.Experiment.Arm != "" {
		out.Experiment = &experimentJSON{ID: p.Experiment.ExperimentID, Arm: p.Experiment.Arm}
	}
	if p.ReferrerID != 0 {
		out.ReferredBy = &participantRefJSON{ID: p.ReferrerID, ExternalID: optString(p.ReferrerExternalID)}
	}
	return out
}

func balancesView(bs []referralhub.Balance) []balanceJSON {
	out := make([]balanceJSON, 0, len(bs))
	for _, b := range bs {
		out = append(out, balanceJSON{Kind: b.Kind, Currency: optString(b.Currency), Available: b.Available, Pending: b.Pending})
	}
	return out
}

type referralJSON struct {
	ID         int64              `json:"id"`
	Referee    participantRefJSON `json:"referee"`
	ClickID    *string            `json:"click_id"`
	Review     string             `json:"review"`
	RiskScore  int                `json:"risk_score"`
	CreatedAt  time.Time          `json:"created_at"`
	ImportedAt *time.Time         `json:"imported_at"`
}

func referralView(r referralhub.ReferralSummary) referralJSON {
	return referralJSON{ID: r.ID, Referee: participantRefJSON{ID: r.RefereeID, ExternalID: optString(r.RefereeExternalID)},
		ClickID: optString(r.ClickID), Review: r.Review, RiskScore: r.RiskScore, CreatedAt: r.CreatedAt, ImportedAt: optTime(r.ImportedAt)}
}

type rewardJSON struct {
	ID            int64      `json:"id"`
	ParticipantID int64      `json:"participant_id"`
	Side          *string    `json:"side"`
	Entry         string     `json:"entry"`
	Kind          string     `json:"kind"`
	Amount        int64      `json:"amount"`
	Currency      *string    `json:"currency"`
	PercentOff    *int64     `json:"percent_off"`
	Status        string     `json:"status"`
	Reason        string     `json:"reason"`
	ReferralID    *int64     `json:"referral_id"`
	EventID       *int64     `json:"event_id"`
	ReversesID    *int64     `json:"reverses_id"`
	PromoCode     *string    `json:"promo_code"`
	HoldUntil     *time.Time `json:"hold_until"`
	CreditedAt    time.Time  `json:"credited_at"`
	ApprovedAt    *time.Time `json:"approved_at"`
	RedeemAskedAt *time.Time `json:"redeem_asked_at"`
	RedeemedAt    *time.Time `json:"redeemed_at"`
	FulfilledAt   *time.Time `json:"fulfilled_at"`
	ReversedAt    *time.Time `json:"reversed_at"`
	CancelledAt   *time.Time `json:"cancelled_at"`
}

func rewardView(r referralhub.Reward) rewardJSON {
	return rewardJSON{ID: r.ID, ParticipantID: r.ParticipantID, Side: optString(r.Side), Entry: r.Entry, Kind: r.Kind,
		Amount: r.Amount, Currency: optString(r.Currency), PercentOff: optInt(r.PercentOff), Status: r.Status, Reason: r.Reason,
		ReferralID: optInt(r.ReferralID), EventID: optInt(r.EventID), ReversesID: optInt(r.ReversesID),
		PromoCode: optString(r.PromoCode), HoldUntil: optTime(r.HoldUntil), CreditedAt: r.CreditedAt,
		ApprovedAt: optTime(r.ApprovedAt), RedeemAskedAt: optTime(r.RedeemAskedAt), RedeemedAt: optTime(r.RedeemedAt),
		FulfilledAt: optTime(r.FulfilledAt), ReversedAt: optTime(r.ReversedAt), CancelledAt: optTime(r.CancelledAt)}
}

func rewardsView(rs []referralhub.Reward) []rewardJSON {
	out := make([]rewardJSON, 0, len(rs))
	for _, r := range rs {
		out = append(out, rewardView(r))
	}
	return out
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optInt(n int64) *int64 {
	if n == 0 {
		return nil
	}
	return &n
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}
