// campaigns: the referral programs running side by side, and
// participants.campaign_id, who is enrolled in which.

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

const campaignColumns = `id, slug, name, starts_at, ends_at, status, program, headline, description`

// CreateCampaign stores c as a new campaign and sets its ID. A slug in use
// is an ECONFLICT.
func (q *Queries) CreateCampaign(ctx context.Context, c *referralhub.Campaign) error {
	doc, err := campaignDoc(*c)
	if err != nil {
		return err
	}
	if c.Status == "" {
		c.Status = referralhub.CampaignActive
	}
	err = q.queryRow(ctx, `/* CreateCampaign */ INSERT INTO campaigns (slug, name, starts_at, ends_at, status, program, headline, description)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		c.Slug, c.Name, q.nullTime(c.StartsAt), q.nullTime(c.EndsAt), c.Status, doc, c.Headline, c.Description).Scan(&c.ID)
	return q.campaignErr(err, "create campaign")
}

// UpdateCampaign stores every field of c over the campaign c.ID; ENOTFOUND
// when there is none, ECONFLICT when its new slug is taken.
func (q *Queries) UpdateCampaign(ctx context.Context, c referralhub.Campaign) error {
	doc, err := campaignDoc(c)
	if err != nil {
		return err
	}
	res, err := q.exec(ctx, `/* UpdateCampaign */ UPDATE campaigns SET slug = $1, name = $2, starts_at = $3, ends_at = $4,
		status = $5, program = $6, headline = $7, description = $8 WHERE id = $9`,
		c.Slug, c.Name, q.nullTime(c.StartsAt), q.nullTime(c.EndsAt), c.Status, doc, c.Headline, c.Description, c.ID)
	if err != nil {
		return q.campaignErr(err, "update campaign")
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return referralhub.Errorf(referralhub.ENOTFOUND, "No such campaign.")
	}
	return nil
}

// CampaignByID returns the campaign id, or ENOTFOUND.
func (q *Queries) CampaignByID(ctx context.Context, id int64) (referralhub.Campaign, error) {
	return q.oneCampaign(ctx, `/* CampaignByID */ SELECT `+campaignColumns+` FROM campaigns WHERE id = $1`, id)
}

// CampaignBySlug returns the campaign with slug, or ENOTFOUND.
func (q *Queries) CampaignBySlug(ctx context.Context, slug string) (referralhub.Campaign, error) {
	return q.oneCampaign(ctx, `/* CampaignBySlug */ SELECT `+campaignColumns+` FROM campaigns WHERE slug = $1`, slug)
}

// ListCampaigns lists every campaign, the default one first, then by id.
func (q *Queries) ListCampaigns(ctx context.Context) ([]referralhub.Campaign, error) {
	return queryList(ctx, q, "list campaigns", `/* ListCampaigns */ SELECT `+campaignColumns+` FROM campaigns ORDER BY id`, scanCampaign)
}

// EnrolParticipant moves participantID into the campaign campaignID
// (referralhub.DefaultCampaignID puts it back in the default one);
// ENOTFOUND when either does not exist.
func (q *Queries) EnrolParticipant(ctx context.Context, campaignID, participantID int64) error {
	if _, err := q.CampaignByID(ctx, campaignID); err != nil {
		return err
	}
	res, err := q.exec(ctx, `/* EnrolParticipant */ UPDATE participants SET campaign_id = $1 WHERE id = $2`,
		campaignRef(campaignID), participantID)
	if err != nil {
		return fmt.Errorf("enrol participant: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return referralhub.Errorf(referralhub.ENOTFOUND, "No such participant.")
	}
	return nil
}

// ParticipantCampaignID returns the id of the campaign participantID is
// enrolled in (referralhub.DefaultCampaignID unless enrolled elsewhere),
// or ENOTFOUND.
func (q *Queries) ParticipantCampaignID(ctx context.Context, participantID int64) (int64, error) {
	var id sql.NullInt64
	err := q.queryRow(ctx, `/* ParticipantCampaignID */ SELECT campaign_id FROM participants WHERE id = $1`, participantID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, referralhub.Errorf(referralhub.ENOTFOUND, "No such participant.")
	}
	if err != nil {
		return 0, fmt.Errorf("participant campaign: %w", err)
	}
	if !id.Valid {
		return referralhub.DefaultCampaignID, nil
	}
	return id.Int64, nil
}

// campaignRef is the participants.campaign_id value for campaignID: NULL
// for the default campaign, so its members need no index entry.
func campaignRef(campaignID int64) sql.NullInt64 {
	return sql.NullInt64{Int64: campaignID, Valid: campaignID != referralhub.DefaultCampaignID}
}

func (q *Queries) oneCampaign(ctx context.Context, query string, arg any) (referralhub.Campaign, error) {
	c, err := scanCampaign(q.queryRow(ctx, query, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return c, referralhub.Errorf(referralhub.ENOTFOUND, "No such campaign.")
	}
	if err != nil {
		return c, fmt.Errorf("read campaign: %w", err)
	}
	return c, nil
}

func scanCampaign(r rowScanner) (referralhub.Campaign, error) {
	var (
		c            referralhub.Campaign
		starts, ends sql.NullTime
		doc          string
	)
	if err := r.Scan(&c.ID, &c.Slug, &c.Name, &starts, &ends, &c.Status, &doc, &c.Headline, &c.Description); err != nil {
		return c, err
	}
	c.StartsAt, c.EndsAt = utcOrZero(starts), utcOrZero(ends)
	if doc != "" {
		c.Program = new(referralhub.Program)
		if err := json.Unmarshal([]byte(doc), c.Program); err != nil {
			return c, fmt.Errorf("decode campaign %d: %w", c.ID, err)
		}
	}
	return c, nil
}

func utcOrZero(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// campaignDoc is the program column for c: empty when it has no program
// of its own.
func campaignDoc(c referralhub.Campaign) (string, error) {
	if c.Program == nil {
		return "", nil
	}
	doc, err := json.Marshal(c.Program)
	if err != nil {
		return "", fmt.Errorf("encode campaign program: %w", err)
	}
	return string(doc), nil
}

func (q *Queries) campaignErr(err error, what string) error {
	if err == nil {
		return nil
	}
	if q.d.isUnique(err, "campaigns_slug_key", "campaigns.slug") {
		return &referralhub.Error{Code: referralhub.ECONFLICT, Message: "That campaign slug is taken.",
			Fields: map[string]string{"slug": "That campaign slug is taken."}}
	}
	return fmt.Errorf("%s: %w", what, err)
}
