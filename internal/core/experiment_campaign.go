package core

import (
	"context"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// campaignProgram is a campaign with the program it runs: the default
// campaign runs the program's own versions, any other its stored program.
func (s *Service) campaignProgram(ctx context.Context, q *storage.Queries, campaignID int64) (referralhub.Campaign, referralhub.Program, error) {
	c, err := q.CampaignByID(ctx, campaignID)
	if err != nil {
		return c, referralhub.Program{}, err
	}
	if c.Program != nil {
		return c, *c.Program, nil
	}
	p, err := s.loadProgram(ctx, q)
	return c, p, err
}

// saveCampaignProgram stores prog as the campaign's program: a new
// program version for the default campaign (by admin, with summary), the
// campaign's row for any other.
func (s *Service) saveCampaignProgram(ctx context.Context, q *storage.Queries, admin referralhub.User,
	c referralhub.Campaign, prog referralhub.Program, summary string) error {
	if c.Program == nil {
		if _, err := q.SaveProgram(ctx, prog, admin.ID, summary, s.now()); err != nil {
			return err
		}
		s.forgetProgram() // after the commit a stale snapshot could be read back; it lives programTTL at most
		return nil
	}
	c.Program = &prog
	return q.UpdateCampaign(ctx, c)
}
