package core

import (
	"context"

	"github.com/referralhub/referralhub/internal/storage"
)

// Webhook event types.
const (
	HookReferralCreated    = "referral.created"
	HookReferralFlagged    = "referral.flagged"
	HookRewardCreated      = "reward.created"
	HookRewardApproved     = "reward.approved"
	HookRewardFulfilled    = "reward.fulfilled"
	HookRewardReversed     = "reward.reversed"
	HookParticipantCreated = "participant.created"
)

// emit records that something happened to a participant, for the webhook
// endpoints subscribed to typ, inside q's transaction: deliveries are
// queued with the change that caused them. STUB: delivers nothing yet.
func (s *Service) emit(ctx context.Context, q *storage.Queries, typ string, participantID int64, data any) error {
	return nil
}
