package core

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// Job kinds.
const (
	JobMail        = "mail"              // send one email
	JobReleaseHold = "release_hold"      // approve a reward whose hold ended
	JobFulfil      = "fulfil"            // pay a redeemed reward out through Stripe
	JobWebhook     = "webhook"           // send one webhook delivery
	JobAnalytics   = "analytics_refresh" // refresh the analytics rollups
	// Stripe billing sync.
	JobStripeEvent     = "stripe_event"     // apply one event Stripe sent
	JobStripePromotion = "stripe_promotion" // make a participant's own promotion code
	JobStripeTrial     = "stripe_trial"     // extend a Stripe trial by a trial_days reward
	// JobInviteMail mails an invite to a friend, or its one reminder.
	JobInviteMail = "invite_mail"
)

// jobPayload is what every job carries; each kind reads its own fields.
type jobPayload struct {
	Mail       string `json:"mail,omitempty"` // JobMail: the template kind
	UserID     int64  `json:"user_id,omitempty"`
	RewardID   int64  `json:"reward_id,omitempty"`
	ReferralID int64  `json:"referral_id,omitempty"`
	Email      string `json:"email,omitempty"`       // password resets: the address asked for
	DeliveryID int64  `json:"delivery_id,omitempty"` // JobWebhook: the webhook delivery to send
	Detail     string `json:"detail,omitempty"`      // achievement mails: what was achieved
	// Stripe billing sync: the event to apply, the participant and coupon
	// of a promotion code, the subscription a trial_days reward extends.
	StripeEvent   string `json:"stripe_event,omitempty"`
	ParticipantID int64  `json:"participant_id,omitempty"`
	Coupon        string `json:"coupon,omitempty"`
	Subscription  string `json:"subscription,omitempty"`
	InviteID      int64  `json:"invite_id,omitempty"` // JobInviteMail: the invite
}

// jobAttempts is how often a job runs before it is left failed for an
// admin: with backoff capped at an hour, about a day of retrying.
const jobAttempts = 25

// enqueue queues a job in q's transaction, due at runAt. A job with a
// dedupe key that was ever queued is not queued again.
func (s *Service) enqueue(ctx context.Context, q *storage.Queries, kind, dedupe string, runAt time.Time, p jobPayload) error {
	_, err := s.enqueueOnce(ctx, q, kind, dedupe, runAt, p)
	return err
}

// enqueueOnce is enqueue reporting whether the job was queued (false when
// its dedupe key was seen before).
func (s *Service) enqueueOnce(ctx context.Context, q *storage.Queries, kind, dedupe string, runAt time.Time, p jobPayload) (bool, error) {
	body, err := json.Marshal(p)
	if err != nil {
		return false, fmt.Errorf("encode %s job: %w", kind, err)
	}
	return q.EnqueueJob(ctx, referralhub.Job{Kind: kind, Payload: body, DedupeKey: dedupe, MaxAttempts: jobAttempts,
		RunAt: runAt, CreatedAt: s.now()})
}

// jobsQueued tells the worker that work is waiting, after a commit.
func (s *Service) jobsQueued() {
	if s.wake != nil {
		s.wake()
	}
}

// JobHandlers returns the handler of every job kind, for the worker. A
// handler's error with code EINVALID or ENOTFOUND fails the job for good;
// any other error is retried.
func (s *Service) JobHandlers() map[string]func(context.Context, referralhub.Job) error {
	return map[string]func(context.Context, referralhub.Job) error{
		JobMail:        s.runMailJob,
		JobReleaseHold: s.runReleaseJob,
		JobFulfil:      s.runFulfilJob,
		JobWebhook:     s.runWebhookJob,
		JobAnalytics:   s.runAnalyticsJob,

		JobStripeEvent:     s.runStripeEventJob,
		JobStripePromotion: s.runStripePromotionJob,
		JobStripeTrial:     s.runStripeTrialJob,

		JobInviteMail: s.runInviteMailJob,
	}
}

func decodePayload(j referralhub.Job) (jobPayload, error) {
	var p jobPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return p, referralhub.Errorf(referralhub.EINVALID, "job %d has a bad payload: %v", j.ID, err)
	}
	return p, nil
}

// Jobs lists jobs for the admin: state "" for all, newest first.
func (s *Service) Jobs(ctx context.Context, viewer referralhub.User, state string, limit int) ([]referralhub.Job, map[string]int64, error) {
	if !viewer.IsAdmin {
		return nil, nil, referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can see jobs.")
	}
	switch state {
	case "", referralhub.JobQueued, referralhub.JobRunning, referralhub.JobDone, referralhub.JobFailed:
	default:
		return nil, nil, referralhub.Errorf(referralhub.EINVALID, "Unknown job state.")
	}
	q := s.db.Read()
	jobs, err := q.Jobs(ctx, state, limit)
	if err != nil {
		return nil, nil, err
	}
	counts, err := q.JobCounts(ctx)
	return jobs, counts, err
}

// RetryJob queues a failed job again.
func (s *Service) RetryJob(ctx context.Context, viewer referralhub.User, id int64) error {
	if !viewer.IsAdmin {
		return referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can retry jobs.")
	}
	err := s.db.InTx(ctx, func(q *storage.Queries) error {
		ok, err := q.RetryFailedJob(ctx, id, s.now())
		if err != nil {
			return err
		}
		if !ok {
			return referralhub.Errorf(referralhub.ENOTFOUND, "That job is not failed, or does not exist.")
		}
		return s.audit(ctx, q, viewer, "job.retry", fmt.Sprintf("job %d", id), "", s.now())
	})
	if err != nil {
		return err
	}
	s.log.InfoContext(ctx, "job retried by admin", "job_id", id, "admin_id", viewer.ID)
	s.jobsQueued()
	return nil
}
