package core

import (
	"context"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// writeReferrals is the last pass: every referrer now exists, so it
// records the rows' referrals, a batch per transaction, as history (no
// events, rewards, mails or webhooks), or with opt.Reward one by one
// through the signup's own path, so the program's rules run on them.
func (imp *importRun) writeReferrals(ctx context.Context) error {
	if imp.opt.DryRun {
		imp.sum.Referrals = len(imp.edges)
		return nil
	}
	refs := make([]referralhub.Referral, 0, len(imp.edges))
	for _, e := range imp.edges {
		r := referralhub.Referral{ReferrerID: imp.keyToID(e.from), RefereeID: e.refereeID, CreatedAt: imp.importedAt(e.at)}
		if r.RefereeID == 0 {
			r.RefereeID = imp.rows[e.ext].id
		}
		if r.ReferrerID != 0 && r.RefereeID != 0 { // 0: its row was taken from under the import
			refs = append(refs, r)
		}
	}
	prog, err := imp.s.Program(ctx)
	if err != nil {
		return err
	}
	imp.standing = storage.RebuildInput{RequireVerified: prog.FraudOrDefault().RequireVerifiedEmail,
		Badges: prog.BadgesOrDefault(), Now: imp.now}
	total := int64(len(refs))
	for start := 0; start < len(refs); start += importBatch {
		chunk := refs[start:min(start+importBatch, len(refs))]
		if err := imp.storeReferrals(ctx, chunk); err != nil {
			return err
		}
		imp.progress("referrals", int64(start+len(chunk)), total, int64(start+len(chunk)))
	}
	if imp.opt.Reward && len(refs) > 0 {
		imp.s.jobsQueued()
	}
	return nil
}

// keyToID is the id of the participant a graph key names.
func (imp *importRun) keyToID(key string) int64 {
	if id := keyID(key); id != 0 {
		return id
	}
	return imp.rows[key].id
}

// storeReferrals records a batch of referrals.
func (imp *importRun) storeReferrals(ctx context.Context, refs []referralhub.Referral) error {
	s := imp.s
	if !imp.opt.Reward {
		return s.db.InTx(ctx, func(q *storage.Queries) error {
			ids, err := q.InsertImportedReferrals(ctx, refs, imp.now)
			if err != nil {
				return err
			}
			imp.sum.Referrals += len(ids)
			return q.SettleImportedReferrals(ctx, ids, imp.standing)
		})
	}
	for _, r := range refs {
		err := s.db.InTx(ctx, func(q *storage.Queries) error {
			if err := s.rewardImported(ctx, q, r); err != nil {
				return err
			}
			return q.MarkReferralImported(ctx, r.RefereeID, imp.now)
		})
		if err != nil {
			return err
		}
		imp.sum.Referrals++
		s.active.Forget(r.ReferrerID)
	}
	return nil
}

// rewardImported records an imported referral as a new signup's: scored,
// with its webhook, the referrer's mail, the signup event the rules
// reward, and its qualification.
func (s *Service) rewardImported(ctx context.Context, q *storage.Queries, r referralhub.Referral) error {
	p, err := q.APIParticipantByID(ctx, r.RefereeID)
	if err != nil {
		return err
	}
	return s.startRewards(ctx, q, referralhub.User{}, p.Participant, referralhub.CodeOwner{ParticipantID: r.ReferrerID},
		Attribution{}, riskInput{email: p.Email})
}
