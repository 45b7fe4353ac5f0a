package core

import (
	"context"
	"math"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// Export is everything ReferralHub holds about a user, as they download it
// from /settings/export. It leaves out what is no use to them and a gift to
// whoever steals the file: the password hash, the hashes of session and
// mail-link tokens, and the IP hashes of clicks.
type Export struct {
	ExportedAt time.Time        `json:"exported_at"`
	Account    ExportAccount    `json:"account"`
	Referral   ExportReferral   `json:"referral"`
	Referrals  []ExportPerson   `json:"referrals"` // the people they referred, newest first
	Events     []ExportEvent    `json:"events"`
	Rewards    []ExportReward   `json:"rewards"` // their ledger entries, newest first
	Balances   []ExportBalance  `json:"balances"`
	Clicks     ExportClickTotal `json:"clicks"`
	Invites    []ExportInvite   `json:"invites"` // the invitations they sent, newest first
}

// ExportInvite is one invitation the user sent by email.
type ExportInvite struct {
	Email   string    `json:"email"`
	Note    string    `json:"note"`
	State   string    `json:"state"`   // sent, clicked, joined or not sent
	Refused string    `json:"refused"` // why it was not sent, "" when it was
	SentAt  time.Time `json:"sent_at"`
}

// ExportAccount is the account and its choices.
type ExportAccount struct {
	Email            string              `json:"email"`
	Username         string              `json:"username"`
	CreatedAt        time.Time           `json:"created_at"`
	EmailVerifiedAt  *time.Time          `json:"email_verified_at"`
	Admin            bool                `json:"admin"`
	Plan             string              `json:"plan"`
	StripeCustomerID string              `json:"stripe_customer_id,omitempty"`
	Notifications    ExportNotifications `json:"notifications"`
}

// ExportNotifications are the notification emails the user chose to get.
type ExportNotifications struct {
	NewReferral  bool `json:"new_referral"`
	RewardEarned bool `json:"reward_earned"`
	RewardReady  bool `json:"reward_ready"`
	Achievement  bool `json:"achievement"`
}

// ExportReferral is the user's link and who referred them.
type ExportReferral struct {
	Code          string        `json:"code"`
	Link          string        `json:"link"`
	ReferralCount int64         `json:"referral_count"`
	ReferredBy    *ExportPerson `json:"referred_by"` // null when they came on their own
}

// ExportPerson is someone on either side of a referral, and its date.
type ExportPerson struct {
	Username string    `json:"username"` // DeletedName when that account is gone
	Date     time.Time `json:"date"`
}

// ExportEvent is one step the user took.
type ExportEvent struct {
	Name        string    `json:"name"`
	Key         string    `json:"key"`
	Amount      int64     `json:"amount,omitempty"`
	Currency    string    `json:"currency,omitempty"`
	PurchaseKey string    `json:"purchase_key,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// ExportReward is one ledger entry of the user's.
type ExportReward struct {
	ID          int64      `json:"id"`
	What        string     `json:"what"` // "10 points", "$10.00 credit"
	Side        string     `json:"side"`
	Entry       string     `json:"entry"`
	Kind        string     `json:"kind"`
	Amount      int64      `json:"amount"`
	Currency    string     `json:"currency,omitempty"`
	PercentOff  int64      `json:"percent_off,omitempty"`
	Status      string     `json:"status"`
	Reason      string     `json:"reason"`
	PromoCode   string     `json:"promo_code,omitempty"`
	CreditedAt  time.Time  `json:"credited_at"`
	HoldUntil   *time.Time `json:"hold_until,omitempty"`
	ApprovedAt  *time.Time `json:"approved_at,omitempty"`
	RedeemedAt  *time.Time `json:"redeemed_at,omitempty"`
	FulfilledAt *time.Time `json:"fulfilled_at,omitempty"`
	ReversedAt  *time.Time `json:"reversed_at,omitempty"`
	CancelledAt *time.Time `json:"cancelled_at,omitempty"`
}

// ExportBalance is what the user holds of one kind and currency.
type ExportBalance struct {
	Kind      string `json:"kind"`
	Currency  string `json:"currency,omitempty"`
	Available int64  `json:"available"`
	Pending   int64  `json:"pending"`
}

// ExportClickTotal counts the clicks on the user's link: in all, and per
// UTC day (older clicks are kept only as these daily counts).
type ExportClickTotal struct {
	Total int64            `json:"total"`
	Daily []ExportClickDay `json:"daily"`
}

// ExportClickDay is one day's clicks.
type ExportClickDay struct {
	Day    string `json:"day"` // YYYY-MM-DD, UTC
	Clicks int64  `json:"clicks"`
}

// everything is the limit of list queries that must return every row.
const everything = 1<<31 - 1

// Export gathers a signed-in user's data for download.
func (s *Service) Export(ctx context.Context, u referralhub.User, p referralhub.Participant) (Export, error) {
	q := s.db.Read()
	to, err := q.RecipientByUser(ctx, u.ID)
	if err != nil {
		return Export{}, err
	}
	e := Export{ExportedAt: s.now().UTC(), Account: ExportAccount{Email: to.Email, Username: to.Username,
		CreatedAt: u.CreatedAt.UTC(), EmailVerifiedAt: optTime(u.EmailVerifiedAt), Admin: u.IsAdmin, Plan: p.Plan,
		StripeCustomerID: p.StripeCustomerID, Notifications: ExportNotifications(to.Prefs)}}
	e.Referral = ExportReferral{Code: p.Code, Link: s.baseURL + "/r/" + p.Code, ReferralCount: p.ReferralCount}
	if e.Referral.ReferredBy, err = referredBy(ctx, q, p.ID); err != nil {
		return Export{}, err
	}
	if e.Referrals, err = referredPeople(ctx, q, p.ID); err != nil {
		return Export{}, err
	}
	if err := exportLedger(ctx, q, p.ID, &e); err != nil {
		return Export{}, err
	}
	if e.Invites, err = exportInvites(ctx, q, p.ID); err != nil {
		return Export{}, err
	}
	days, err := q.ClickDays(ctx, p.ID)
	e.Clicks = ExportClickTotal{Total: p.ClickCount, Daily: make([]ExportClickDay, len(days))}
	for i, d := range days {
		e.Clicks.Daily[i] = ExportClickDay(d)
	}
	return e, err
}

// referredBy is who referred a participant, or nil.
func referredBy(ctx context.Context, q *storage.Queries, participantID int64) (*ExportPerson, error) {
	parties, err := q.ReferralPartiesOf(ctx, participantID)
	if referralhub.ErrorCode(err) == referralhub.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &ExportPerson{Username: nameOrDeleted(parties.ReferrerName), Date: parties.CreatedAt.UTC()}, nil
}

// referredPeople lists everyone a participant referred, a page at a time.
func referredPeople(ctx context.Context, q *storage.Queries, participantID int64) ([]ExportPerson, error) {
	const page = 1000
	out := []ExportPerson{}
	for offset := 0; ; offset += page {
		rows, err := q.ReferredUsers(ctx, participantID, page, offset)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out = append(out, ExportPerson{Username: nameOrDeleted(r.Username), Date: r.JoinedAt.UTC()})
		}
		if len(rows) < page {
			return out, nil
		}
	}
}

// exportLedger adds a participant's events, ledger entries and balances.
func exportLedger(ctx context.Context, q *storage.Queries, participantID int64, e *Export) error {
	events, err := q.ParticipantEvents(ctx, participantID, everything)
	if err != nil {
		return err
	}
	e.Events = make([]ExportEvent, len(events))
	for i, ev := range events {
		e.Events[i] = ExportEvent{Name: ev.Name, Key: ev.Key, Amount: ev.Amount, Currency: ev.Currency,
			PurchaseKey: ev.PurchaseKey, CreatedAt: ev.CreatedAt.UTC()}
	}
	rewards, err := q.ParticipantRewards(ctx, participantID, everything)
	if err != nil {
		return err
	}
	e.Rewards = make([]ExportReward, len(rewards))
	for i, r := range rewards {
		e.Rewards[i] = exportReward(r)
	}
	balances, err := q.Balances(ctx, participantID)
	e.Balances = make([]ExportBalance, len(balances))
	for i, b := range balances {
		e.Balances[i] = ExportBalance(b)
	}
	return err
}

func exportReward(r referralhub.Reward) ExportReward {
	return ExportReward{ID: r.ID, What: DescribeReward(r), Side: r.Side, Entry: r.Entry, Kind: r.Kind, Amount: r.Amount,
		Currency: r.Currency, PercentOff: r.PercentOff, Status: r.Status, Reason: r.Reason, PromoCode: r.PromoCode,
		CreditedAt: r.CreditedAt.UTC(), HoldUntil: optTime(r.HoldUntil), ApprovedAt: optTime(r.ApprovedAt),
		RedeemedAt: optTime(r.RedeemedAt), FulfilledAt: optTime(r.FulfilledAt), ReversedAt: optTime(r.ReversedAt),
		CancelledAt: optTime(r.CancelledAt)}
}

// nameOrDeleted is a username, or DeletedName for an account that is gone.
func nameOrDeleted(name string) string {
	if name == "" {
		return DeletedName
	}
	return name
}

// optTime is t, or nil when t is zero: JSON's null for "never".
func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// exportInvites lists every invitation a participant sent.
func exportInvites(ctx context.Context, q *storage.Queries, participantID int64) ([]ExportInvite, error) {
	invites, err := q.InvitesOf(ctx, participantID, math.MaxInt32)
	out := make([]ExportInvite, len(invites))
	for i, inv := range invites {
		out[i] = ExportInvite{Email: inv.Email, Note: inv.Note, State: inv.State(), Refused: inv.Refused, SentAt: inv.CreatedAt.UTC()}
	}
	return out, err
}
