package core

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/clicks"
	"github.com/referralhub/referralhub/internal/storage"
)

// Signal codes and weights. A referral's score is the sum of its signals'
// weights, at most 100.
const (
	SignalSelfEmail      = "self_email"
	SignalSelfStripe     = "self_stripe"
	SignalSelfDevice     = "self_device"
	SignalSelfIPUA       = "self_ip_ua"
	SignalDisposable     = "disposable_email"
	SignalVelocityHour   = "velocity_referrer_hour"
	SignalVelocityDay    = "velocity_referrer_day"
	SignalVelocityIP     = "velocity_ip"
	SignalVelocitySubnet = "velocity_subnet"
	SignalFastSignup     = "fast_signup"
	SignalRing           = "ring"
	SignalInviteBurst    = "invite_burst" // the referrer sent a burst of email invites
	// SignalSelfStripe fires when both sides turn out to pay with the same
	// Stripe customer, once the friend's customer id is set.
	maxScore               = 100
	ringDepth              = 5 // how far up the chain of referrers rings are looked for
	weightSelf             = 80
	weightSelfDevice       = 70
	weightSelfIPUA         = 50
	weightDisposable       = 30
	weightVelocity         = 20 // alone, under the review threshold: offices and campuses share addresses
	weightFastSignup       = 40
	weightRing             = 60
	deviceSightingLifetime = 365 * 24 * time.Hour
)

// Sighting is where a participant was seen: what the signals compare.
type Sighting struct {
	IP        string // raw, hashed before anything is stored
	UserAgent string
	DeviceID  string // the device cookie's value, "" when none
}

// riskInput is what a signup knows about the new participant.
type riskInput struct {
	email      string
	seen       Sighting
	clickAt    time.Time // zero without a click
	formSeenAt time.Time // when the signup form was shown, zero when unknown
}

// assessment is a referral's risk: its score, signals and review state.
type assessment struct {
	score      int
	signals    []referralhub.Signal
	review     string
	ipHash     string
	subnetHash string
}

// assess scores a new referral of referrerID under fraud's settings, at now.
// It only reads.
func (s *Service) assess(ctx context.Context, q *storage.Queries, fraud referralhub.FraudSettings, referrerID int64,
	in riskInput, now time.Time) (assessment, error) {
	a := assessment{}
	if in.seen.IP != "" {
		a.ipHash, a.subnetHash = s.ips.Hash(ctx, in.seen.IP, now), s.ips.Hash(ctx, clicks.Subnet(in.seen.IP), now)
	}
	checks := []func(context.Context, *storage.Queries, referralhub.FraudSettings, int64, riskInput, time.Time) ([]referralhub.Signal, error){
		s.selfSignals, s.velocitySignals, s.ringSignals, s.inviteSignals,
	}
	for _, check := range checks {
		found, err := check(ctx, q, fraud, referrerID, in, now)
		if err != nil {
			return a, err
		}
		a.signals = append(a.signals, found...)
	}
	if s.disposableDomains().Is(in.email) {
		a.signals = append(a.signals, referralhub.Signal{Code: SignalDisposable, Weight: weightDisposable,
			Reason: "The friend signed up with a disposable email address."})
	}
	if fast := fastSignup(fraud, in, now); fast != nil {
		a.signals = append(a.signals, *fast)
	}
	a.score, a.review = scoreOf(a.signals, fraud)
	return a, nil
}

// scoreOf adds up signals and says what the score does.
func scoreOf(signals []referralhub.Signal, fraud referralhub.FraudSettings) (int, string) {
	score := 0
	for _, sig := range signals {
		score += sig.Weight
	}
	score = min(score, maxScore)
	switch {
	case score >= fraud.BlockThreshold:
		return score, referralhub.ReviewBlocked
	case score >= fraud.ReviewThreshold:
		return score, referralhub.ReviewHeld
	}
	return score, referralhub.ReviewClear
}

// selfSignals look for the referrer behind the friend's account: the same
// email after normalisation, the same device, the same IP and browser.
func (s *Service) selfSignals(ctx context.Context, q *storage.Queries, fraud referralhub.FraudSettings, referrerID int64,
	in riskInput, now time.Time) ([]referralhub.Signal, error) {
	var out []referralhub.Signal
	emails, err := q.EmailsOf(ctx, []int64{referrerID})
	if err != nil {
		return nil, err
	}
	if id := IdentityEmail(in.email); id != "" && id == IdentityEmail(emails[referrerID]) {
		out = append(out, referralhub.Signal{Code: SignalSelfEmail, Weight: weightSelf,
			Reason: "The friend's email is the referrer's once case, +tags, Gmail dots and alias domains are ignored."})
	}
	matched, err := s.seenWith(ctx, q, []int64{referrerID}, in.seen, now.Add(-deviceSightingLifetime), now.Add(-fraud.DeviceWindow), now)
	if err != nil {
		return nil, err
	}
	if matched[referralhub.SightDevice] {
		out = append(out, referralhub.Signal{Code: SignalSelfDevice, Weight: weightSelfDevice,
			Reason: "The friend signed up on a device the referrer has used while logged in."})
	}
	if matched[referralhub.SightIPUA] {
		out = append(out, referralhub.Signal{Code: SignalSelfIPUA, Weight: weightSelfIPUA,
			Reason: fmt.Sprintf("The friend signed up from the IP address and browser the referrer used within %s.", describeWindow(fraud.DeviceWindow))})
	}
	return out, nil
}

// seenWith reports which kinds of sighting (device, IP + user agent) of
// seen match any of ids: devices since deviceSince, IP ones since ipSince.
func (s *Service) seenWith(ctx context.Context, q *storage.Queries, ids []int64, seen Sighting, deviceSince, ipSince, now time.Time) (map[string]bool, error) {
	out := map[string]bool{}
	if seen.DeviceID != "" {
		hit, err := q.SeenWith(ctx, ids, referralhub.SightDevice, []string{s.deviceHash(seen.DeviceID)}, deviceSince)
		if err != nil {
			return nil, err
		}
		out[referralhub.SightDevice] = len(hit) > 0
	}
	if seen.IP != "" {
		hit, err := q.SeenWith(ctx, ids, referralhub.SightIPUA, s.ips.HashesWithin(ctx, seen.IP+"|"+seen.UserAgent, ipSince, now), ipSince)
		if err != nil {
			return nil, err
		}
		out[referralhub.SightIPUA] = len(hit) > 0
		hit, err = q.SeenWith(ctx, ids, referralhub.SightIP, s.ips.HashesWithin(ctx, seen.IP, ipSince, now), ipSince)
		if err != nil {
			return nil, err
		}
		out[referralhub.SightIP] = len(hit) > 0
	}
	return out, nil
}

// velocitySignals fire when one referrer, one IP or one subnet brings more
// referred signups in an hour or a day than the settings allow.
func (s *Service) velocitySignals(ctx context.Context, q *storage.Queries, fraud referralhub.FraudSettings, referrerID int64,
	in riskInput, now time.Time) ([]referralhub.Signal, error) {
	var out []referralhub.Signal
	limits := []struct {
		code   string
		window time.Duration
		max    int
		count  func(since time.Time) (int64, error)
		reason string
	}{
		{SignalVelocityHour, time.Hour, fraud.MaxPerReferrerHour, func(since time.Time) (int64, error) {
			return q.CountReferralsSince(ctx, referrerID, since, now)
		}, "The referrer brought more than %d referred signups within an hour."},
		{SignalVelocityDay, 24 * time.Hour, fraud.MaxPerReferrerDay, func(since time.Time) (int64, error) {
			return q.CountReferralsSince(ctx, referrerID, since, now)
		}, "The referrer brought more than %d referred signups within a day."},
		{SignalVelocityIP, 24 * time.Hour, fraud.MaxPerIPDay, func(since time.Time) (int64, error) {
			return s.countFrom(ctx, q, false, in.seen.IP, since, now)
		}, "More than %d referred signups came from one IP address within a day."},
		{SignalVelocitySubnet, 24 * time.Hour, fraud.MaxPerSubnetDay, func(since time.Time) (int64, error) {
			return s.countFrom(ctx, q, true, in.seen.IP, since, now)
		}, "More than %d referred signups came from one network (/24 or /64) within a day."},
	}
	for _, l := range limits {
		if l.max <= 0 {
			continue
		}
		n, err := l.count(now.Add(-l.window))
		if err != nil {
			return nil, err
		}
		if n+1 > int64(l.max) { // this signup included
			out = append(out, referralhub.Signal{Code: l.code, Weight: weightVelocity, Reason: fmt.Sprintf(l.reason, l.max)})
		}
	}
	return out, nil
}

// countFrom counts referrals made since since from ip's address (or its
// subnet), comparing hashes across the salt periods of the window.
func (s *Service) countFrom(ctx context.Context, q *storage.Queries, bySubnet bool, ip string, since, now time.Time) (int64, error) {
	if ip == "" {
		return 0, nil
	}
	value := ip
	if bySubnet {
		value = clicks.Subnet(ip)
	}
	return q.CountReferralsFrom(ctx, bySubnet, s.ips.HashesWithin(ctx, value, since, now), since, now)
}

// ringSignals look further up the chain: the referrer's own referrer (and
// theirs) sharing the friend's device, IP or email, or a chain that loops.
func (s *Service) ringSignals(ctx context.Context, q *storage.Queries, fraud referralhub.FraudSettings, referrerID int64,
	in riskInput, now time.Time) ([]referralhub.Signal, error) {
	chain, err := q.Ancestors(ctx, referrerID, ringDepth)
	if err != nil || len(chain) == 0 {
		return nil, err
	}
	if slices.Contains(chain, referrerID) || len(slices.Compact(slices.Sorted(slices.Values(chain)))) < len(chain) {
		return []referralhub.Signal{{Code: SignalRing, Weight: weightRing,
			Reason: "The chain of referrals above the referrer loops back on itself."}}, nil
	}
	matched, err := s.seenWith(ctx, q, chain, in.seen, now.Add(-deviceSightingLifetime), now.Add(-fraud.DeviceWindow), now)
	if err != nil {
		return nil, err
	}
	emails, err := q.EmailsOf(ctx, chain)
	if err != nil {
		return nil, err
	}
	sameEmail := false
	for _, e := range emails {
		sameEmail = sameEmail || IdentityEmail(e) != "" && IdentityEmail(e) == IdentityEmail(in.email)
	}
	if matched[referralhub.SightDevice] || matched[referralhub.SightIPUA] || matched[referralhub.SightIP] || sameEmail {
		return []referralhub.Signal{{Code: SignalRing, Weight: weightRing,
			Reason: "Someone further up the referrer's chain (who referred the referrer, or above) shares the friend's device, IP address or email."}}, nil
	}
	return nil, nil
}

// fastSignup flags a signup that came within seconds of its click without
// the signup form ever being shown after the click.
func fastSignup(fraud referralhub.FraudSettings, in riskInput, now time.Time) *referralhub.Signal {
	if in.clickAt.IsZero() || fraud.FastSignup <= 0 || now.Sub(in.clickAt) >= fraud.FastSignup {
		return nil
	}
	if !in.formSeenAt.IsZero() && !in.formSeenAt.Before(in.clickAt) {
		return nil
	}
	return &referralhub.Signal{Code: SignalFastSignup, Weight: weightFastSignup,
		Reason: fmt.Sprintf("The signup came %s after the click, with no page view in between.", now.Sub(in.clickAt).Round(time.Millisecond))}
}

func describeWindow(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return countOf(int64(d/(24*time.Hour)), "day")
	}
	return d.String()
}

// flagSharedCustomer adds the self_stripe signal to every referral between
// a participant and someone with the same Stripe customer, once the id is
// known, and applies the new score: a referral that crosses a threshold is
// held or blocked, so its pending rewards wait for an admin.
func (s *Service) flagSharedCustomer(ctx context.Context, q *storage.Queries, participantID int64, customerID string) error {
	refs, err := q.ReferralsSharingCustomer(ctx, participantID, customerID)
	if err != nil || len(refs) == 0 {
		return err
	}
	prog, err := s.loadProgram(ctx, q)
	if err != nil {
		return err
	}
	for _, r := range refs {
		if slices.ContainsFunc(r.Signals, func(sig referralhub.Signal) bool { return sig.Code == SignalSelfStripe }) {
			continue
		}
		r.Signals = append(r.Signals, referralhub.Signal{Code: SignalSelfStripe, Weight: weightSelf,
			Reason: "The referrer and the friend pay with the same Stripe customer."})
		score, review := scoreOf(r.Signals, prog.FraudOrDefault())
		r.RiskScore = score
		was := r.Review
		if r.Review == referralhub.ReviewClear || r.Review == referralhub.ReviewHeld && review == referralhub.ReviewBlocked {
			r.Review = review
		}
		if err := q.Rescore(ctx, r); err != nil {
			return err
		}
		if err := s.settleReferral(ctx, q, r.ID, s.now()); err != nil {
			return err
		}
		if r.Review != was {
			if err := s.emitReferralFlagged(ctx, q, r.ID); err != nil {
				return err
			}
		}
	}
	return nil
}
