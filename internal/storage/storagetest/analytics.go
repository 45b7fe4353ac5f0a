package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// AnalyticsNow is the "now" of AnalyticsFixture: the end of 2026.
func AnalyticsNow() time.Time { return time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC) }

// at is midnight UTC of a day of 2026.
func at(month time.Month, day int) time.Time {
	return time.Date(2026, month, day, 0, 0, 0, 0, time.UTC)
}

// AnalyticsFixture stores a small program whose growth figures are worked
// out by hand in docs/analytics.md ("A worked example") and checked by the
// storage, core and web tests. It returns the participants by name.
//
//	October:  a, b organic; c referred by a (Oct 20)
//	November: d organic; e (a), f (b), g (c), h (c), j (e), k (a) referred;
//	          k is an API participant whose name starts with "="
//	December: i referred by k (Dec 5)
//
// Clicks: 7 reduced to a daily count on Oct 15; on Nov 10 four human
// clicks from three (participant, ip) pairs plus two bot clicks; one on
// Nov 11. Verified: e (Nov 20), k (Nov 13), f (Dec 2). Purchases: d
// (organic, Nov 5, $20), e (Nov 21 $10 and Nov 25 $5: converted once, Nov
// 21), g (Dec 3, 7 EUR). Rewards credited in November: 10 points and $5
// credit to a, $10 coupon to c; a cancelled $3 credit to b and a
// redemption do not count.
func AnalyticsFixture(t testing.TB, db *storage.DB) map[string]referralhub.Participant {
	t.Helper()
	f := &fixture{t: t, db: db, ctx: context.Background(), p: map[string]referralhub.Participant{}}
	f.people()
	f.clicks()
	f.verifications()
	f.purchases()
	f.rewards()
	return f.p
}

type fixture struct {
	t   testing.TB
	db  *storage.DB
	ctx context.Context
	p   map[string]referralhub.Participant
	u   map[string]int64
}

func (f *fixture) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// person stores a user (or, for k, an API participant), last seen at
// seen, referred by referrer when it is not "".
func (f *fixture) person(name string, created, seen time.Time, referrer string) {
	f.t.Helper()
	p := referralhub.Participant{Code: "fx" + name, CreatedAt: created, LastSeenAt: seen}
	f.must(f.db.InTx(f.ctx, func(q *storage.Queries) error {
		if name == "k" {
			ap := referralhub.ParticipantDetails{ExternalID: "ext-k", Name: "=HYPERLINK(\"x\")"}
			ap.Code, ap.Plan, ap.CreatedAt, ap.LastSeenAt = p.Code, "free", created, seen
			if _, err := q.InsertAPIParticipant(f.ctx, &ap); err != nil {
				return err
			}
			p.ID = ap.ID
		} else {
			u := referralhub.User{Email: name + "@example.com", Username: name, CreatedAt: created}
			if err := q.CreateUser(f.ctx, &u, "hash"); err != nil {
				return err
			}
			f.u[name], p.UserID = u.ID, u.ID
			if err := q.CreateParticipant(f.ctx, &p); err != nil {
				return err
			}
		}
		if referrer == "" {
			return nil
		}
		return q.CreateReferral(f.ctx, &referralhub.Referral{ReferrerID: f.p[referrer].ID, RefereeID: p.ID, CreatedAt: created})
	}))
	f.p[name] = p
}

func (f *fixture) people() {
	f.u = map[string]int64{}
	f.person("a", at(10, 1), at(11, 15), "")
	f.person("b", at(10, 5), at(10, 6), "")
	f.person("c", at(10, 20), at(12, 30), "a")
	f.person("d", at(11, 2), at(11, 2), "")
	f.person("e", at(11, 3), at(12, 10), "a")
	f.person("j", at(11, 4), at(11, 4), "e")
	f.person("f", at(11, 10), at(11, 10), "b")
	f.person("k", at(11, 12), at(11, 12), "a")
	f.person("g", at(11, 15), at(11, 15), "c")
	f.person("h", at(11, 15).Add(time.Hour), at(11, 15).Add(time.Hour), "c")
	f.person("i", at(12, 5), at(12, 5), "k")
}

func (f *fixture) click(n int, who, ip string, when time.Time, bot bool) referralhub.Click {
	p := f.p[who]
	return referralhub.Click{ID: "fxclick" + string(rune('a'+n)), ParticipantID: p.ID, Code: p.Code, IPHash: ip,
		UserAgent: "ua", CreatedAt: when, Bot: bot}
}

func (f *fixture) clicks() {
	var cs []referralhub.Click
	for n := range 7 {
		cs = append(cs, f.click(n, "a", "old", at(10, 15).Add(time.Duration(n)*time.Minute), false))
	}
	f.must(f.db.InsertClicks(f.ctx, cs))
	_, err := f.db.ReduceClicks(f.ctx, at(10, 16), 100)
	f.must(err)
	nov10 := at(11, 10).Add(9 * time.Hour)
	f.must(f.db.InsertClicks(f.ctx, []referralhub.Click{
		f.click(10, "a", "ip1", nov10, false), f.click(11, "a", "ip1", nov10.Add(time.Minute), false),
		f.click(12, "a", "ip1", nov10.Add(2*time.Minute), true), f.click(13, "a", "ip2", nov10, false),
		f.click(14, "b", "ip1", nov10, false), f.click(15, "a", "ip3", nov10, true),
		f.click(16, "a", "ip1", at(11, 11).Add(time.Hour), false),
	}))
}

func (f *fixture) verifications() {
	f.must(f.db.InTx(f.ctx, func(q *storage.Queries) error {
		for name, when := range map[string]time.Time{"e": at(11, 20), "f": at(12, 2)} {
			if _, err := q.MarkEmailVerified(f.ctx, f.u[name], name+"@example.com", when); err != nil {
				return err
			}
		}
		_, err := q.MarkParticipantVerified(f.ctx, f.p["k"].ID, at(11, 13))
		return err
	}))
}

func (f *fixture) purchases() {
	f.must(f.db.InTx(f.ctx, func(q *storage.Queries) error {
		for _, e := range []referralhub.Event{
			{ParticipantID: f.p["d"].ID, Key: "d1", Amount: 2000, Currency: "usd", CreatedAt: at(11, 5)},
			{ParticipantID: f.p["e"].ID, Key: "e1", Amount: 1000, Currency: "usd", CreatedAt: at(11, 21)},
			{ParticipantID: f.p["e"].ID, Key: "e2", Amount: 500, Currency: "usd", CreatedAt: at(11, 25)},
			{ParticipantID: f.p["g"].ID, Key: "g1", Amount: 700, Currency: "eur", CreatedAt: at(12, 3)},
			{ParticipantID: f.p["e"].ID, Key: "e-visit", Name: "visit", CreatedAt: at(11, 4)},
		} {
			if e.Name == "" {
				e.Name = referralhub.EventPurchase
			}
			if _, err := q.RecordEvent(f.ctx, &e); err != nil {
				return err
			}
		}
		return nil
	}))
}

func (f *fixture) rewards() {
	nov := at(11, 16)
	rs := []referralhub.Reward{
		{ParticipantID: f.p["a"].ID, Entry: "reward", RuleID: 1, Kind: referralhub.KindPoints, Amount: 10, Status: "approved", CreditedAt: at(11, 3)},
		{ParticipantID: f.p["a"].ID, Entry: "reward", RuleID: 2, Kind: referralhub.KindCredit, Amount: 500, Currency: "usd", Status: "approved", CreditedAt: at(11, 10)},
		{ParticipantID: f.p["c"].ID, Entry: "reward", RuleID: 3, Kind: referralhub.KindCoupon, Amount: 1000, Currency: "usd", Status: "approved", CreditedAt: nov},
		{ParticipantID: f.p["b"].ID, Entry: "reward", RuleID: 4, Kind: referralhub.KindCredit, Amount: 300, Currency: "usd", Status: "pending", CreditedAt: at(11, 10)},
		{ParticipantID: f.p["a"].ID, Entry: "redemption", Kind: referralhub.KindPoints, Amount: -10, Status: "approved", CreditedAt: nov},
	}
	f.must(f.db.InTx(f.ctx, func(q *storage.Queries) error {
		for i := range rs {
			r := &rs[i]
			r.Side, r.Reason, r.ApprovedAt = "referrer", "fixture", r.CreditedAt
			if _, err := q.InsertReward(f.ctx, r, ""); err != nil {
				return err
			}
		}
		_, err := q.CancelReward(f.ctx, rs[3].ID, at(11, 11))
		return err
	}))
}
