package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// CreateReferral records that r.RefereeID was referred by r.ReferrerID and
// counts it on the referrer. Call it inside InTx so both writes land together.
func (q *Queries) CreateReferral(ctx context.Context, r *referralhub.Referral) error {
	click := sql.NullString{String: r.ClickID, Valid: r.ClickID != ""}
	if r.Review == "" {
		r.Review = referralhub.ReviewClear
	}
	signals, err := encodeSignals(r.Signals)
	if err != nil {
		return err
	}
	err = q.queryRow(ctx, `/* CreateReferral */ INSERT INTO referrals (referrer_id, referee_id, click_id, created_at,
		risk_score, risk_signals, review, ip_hash, subnet_hash, channel)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		r.ReferrerID, r.RefereeID, click, q.ts(r.CreatedAt), r.RiskScore, signals, r.Review, r.IPHash, r.SubnetHash, r.Channel).Scan(&r.ID)
	if q.d.isUnique(err, "referrals_referee_key", "referrals.referee_id") {
		return referralhub.Errorf(referralhub.ECONFLICT, "This account was already referred.")
	}
	if err != nil {
		return fmt.Errorf("create referral: %w", err)
	}
	if err := q.addCounts(ctx, referralCounter, map[int64]int64{r.ReferrerID: 1}); err != nil {
		return err
	}
	return q.countChannelSignup(ctx, r)
}

// ReferralOf returns the referral that brought a participant, or ENOTFOUND
// for an organic one.
func (q *Queries) ReferralOf(ctx context.Context, refereeID int64) (referralhub.Referral, error) {
	var (
		r     referralhub.Referral
		click sql.NullString
	)
	err := q.queryRow(ctx, `/* ReferralOf */ SELECT id, referrer_id, referee_id, click_id, created_at, channel
		FROM referrals WHERE referee_id = $1`, refereeID).Scan(&r.ID, &r.ReferrerID, &r.RefereeID, &click, &r.CreatedAt, &r.Channel)
	if errors.Is(err, sql.ErrNoRows) {
		return r, referralhub.Errorf(referralhub.ENOTFOUND, "not referred")
	}
	if err != nil {
		return r, fmt.Errorf("referral of: %w", err)
	}
	r.ClickID, r.CreatedAt = click.String, r.CreatedAt.UTC()
	return r, nil
}

// ActiveReferrals counts a participant's referrals seen since since.
func (q *Queries) ActiveReferrals(ctx context.Context, referrerID int64, since time.Time) (int64, error) {
	var n int64
	err := q.queryRow(ctx, `/* ActiveReferrals */ SELECT count(*) FROM referrals r JOIN participants p ON p.id = r.referee_id
		WHERE r.referrer_id = $1 AND p.last_seen_at >= $2`, referrerID, q.ts(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("active referrals: %w", err)
	}
	return n, nil
}

// ReferredUsers lists the people a participant referred, newest first,
// with each referral's review state, whether it qualified and the
// referrer's entries for it: two queries for the page, whatever its size.
func (q *Queries) ReferredUsers(ctx context.Context, referrerID int64, limit, offset int) ([]referralhub.ReferredUser, error) {
	list, err := queryList(ctx, q, "referred users", `/* ReferredUsers */ SELECT r.id, COALESCE(u.username, ''), r.created_at,
		r.review, r.qualified_at IS NOT NULL
		FROM referrals r JOIN participants p ON p.id = r.referee_id LEFT JOIN users u ON u.id = p.user_id
		WHERE r.referrer_id = $1 ORDER BY r.created_at DESC, r.id DESC LIMIT $2 OFFSET $3`, func(r rowScanner) (referralhub.ReferredUser, error) {
		var ru referralhub.ReferredUser
		err := r.Scan(&ru.ReferralID, &ru.Username, &ru.JoinedAt, &ru.Review, &ru.Qualified)
		ru.JoinedAt = ru.JoinedAt.UTC()
		return ru, err
	}, referrerID, limit, offset)
	if err != nil || len(list) == 0 {
		return list, err
	}
	return list, q.attachEarnings(ctx, referrerID, list)
}

// ReferralParties is a referral with the names, plan and state that
// rewards need.
type ReferralParties struct {
	referralhub.Referral
	ReferrerName    string
	RefereeName     string
	RefereePlan     string
	ReferrerPlan    string
	RefereeVerified bool
	ReferrerBanned  bool
	RefereeBanned   bool
	// ReferrerQualified is the referrer's qualified referrals: their tier.
	ReferrerQualified int64
	// ReferrerCampaignID is the campaign the referrer is enrolled in,
	// whose rules reward the referral (ReferralPartiesOf sets it).
	ReferrerCampaignID int64
}

// ReferralPartiesOf returns the referral that brought a participant, with
// both usernames (or, for participants made through the API, the names
// the API gave) and both plans, or ENOTFOUND for an organic one.
func (q *Queries) ReferralPartiesOf(ctx context.Context, refereeID int64) (ReferralParties, error) {
	var (
		rp    ReferralParties
		click sql.NullString
	)
	var signals string
	err := q.queryRow(ctx, `/* ReferralPartiesOf */ SELECT r.id, r.referrer_id, r.referee_id, r.click_id, r.created_at,
		r.risk_score, r.risk_signals, r.review, r.ip_hash, r.subnet_hash,
		`+displayName("ur", "pr")+`, `+displayName("ue", "pe")+`, pe.plan, pr.plan,
		(ue.email_verified_at IS NOT NULL OR pe.verified_at IS NOT NULL), pr.banned_at IS NOT NULL, pe.banned_at IS NOT NULL,
		pr.qualified_count, COALESCE(pr.campaign_id, `+defaultCampaign+`)
		FROM referrals r JOIN participants pr ON pr.id = r.referrer_id LEFT JOIN users ur ON ur.id = pr.user_id
		JOIN participants pe ON pe.id = r.referee_id LEFT JOIN users ue ON ue.id = pe.user_id
		WHERE r.referee_id = $1`, refereeID).Scan(&rp.ID, &rp.ReferrerID, &rp.RefereeID, &click, &rp.CreatedAt,
		&rp.RiskScore, &signals, &rp.Review, &rp.IPHash, &rp.SubnetHash,
		&rp.ReferrerName, &rp.RefereeName, &rp.RefereePlan, &rp.ReferrerPlan, &rp.RefereeVerified, &rp.ReferrerBanned, &rp.RefereeBanned,
		&rp.ReferrerQualified, &rp.ReferrerCampaignID)
	if errors.Is(err, sql.ErrNoRows) {
		return rp, referralhub.Errorf(referralhub.ENOTFOUND, "not referred")
	}
	if err != nil {
		return rp, fmt.Errorf("referral parties: %w", err)
	}
	rp.ClickID, rp.CreatedAt = click.String, rp.CreatedAt.UTC()
	rp.Signals, err = decodeSignals(signals)
	return rp, err
}

func encodeSignals(s []referralhub.Signal) (string, error) {
	if len(s) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(s)
	if err != nil {
		return "", fmt.Errorf("encode signals: %w", err)
	}
	return string(b), nil
}

func decodeSignals(s string) ([]referralhub.Signal, error) {
	var out []referralhub.Signal
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("decode signals: %w", err)
	}
	return out, nil
}

// ReferralPartiesByID is ReferralPartiesOf for a referral's id.
func (q *Queries) ReferralPartiesByID(ctx context.Context, referralID int64) (ReferralParties, error) {
	var refereeID int64
	err := q.queryRow(ctx, `/* ReferralReferee */ SELECT referee_id FROM referrals WHERE id = $1`, referralID).Scan(&refereeID)
	if errors.Is(err, sql.ErrNoRows) {
		return ReferralParties{}, referralhub.Errorf(referralhub.ENOTFOUND, "no such referral")
	}
	if err != nil {
		return ReferralParties{}, fmt.Errorf("referral referee: %w", err)
	}
	return q.ReferralPartiesOf(ctx, refereeID)
}

// LockReferralOf locks the referral that brought refereeID, if any, until
// the transaction ends (on SQLite the one writer already excludes the
// rest), and returns its id; found is false when refereeID was not
// referred.
func (q *Queries) LockReferralOf(ctx context.Context, refereeID int64) (id int64, found bool, err error) {
	err = q.queryRow(ctx, `/* LockReferralOf */ SELECT id FROM referrals WHERE referee_id = $1`+q.d.forUpdate(), refereeID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("lock referral of: %w", err)
	}
	return id, true, nil
}

// ReferralsAfter lists up to limit of a participant's referrals with ids
// above afterID, by id: a page that rows inserted meanwhile cannot shift.
func (q *Queries) ReferralsAfter(ctx context.Context, referrerID, afterID int64, limit int) ([]referralhub.ReferralSummary, error) {
	return queryList(ctx, q, "referrals after", `/* ReferralsAfter */ SELECT r.id, r.referee_id, COALESCE(p.external_id, ''), COALESCE(r.click_id, ''),
		r.created_at, r.review, r.risk_score, r.imported_at
		FROM referrals r JOIN participants p ON p.id = r.referee_id
		WHERE r.referrer_id = $1 AND r.id > $2 ORDER BY r.id LIMIT $3`, func(row rowScanner) (referralhub.ReferralSummary, error) {
		var (
			r        referralhub.ReferralSummary
			imported sql.NullTime
		)
		err := row.Scan(&r.ID, &r.RefereeID, &r.RefereeExternalID, &r.ClickID, &r.CreatedAt, &r.Review, &r.RiskScore, &imported)
		r.CreatedAt, r.ImportedAt = r.CreatedAt.UTC(), utc(imported)
		return r, err
	}, referrerID, afterID, limit)
}
