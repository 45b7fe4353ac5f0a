package core

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/stripepay"
)

// How a Stripe customer was matched to a participant, in the order tried.
const (
	matchedByLink      = "link"                // matched before and linked, or the customer id set by hand
	matchedByMetadata  = "metadata"            // metadata.referralhub_participant_id or _external_id
	matchedByReference = "client_reference_id" // a Checkout Session's, the participant's external id
	matchedByPromotion = "promotion_code"      // a referrer's promotion code: the friend
	matchedByEmail     = "email"               // the only participant with the customer's email
)

// Customer metadata that names a participant.
const (
	metadataParticipantID = "referralhub_participant_id"
	metadataExternalID    = "referralhub_external_id"
)

// stripePayer is what an event tells of who paid or subscribed.
type stripePayer struct {
	customerID      string
	email, name     string
	clientReference string
	promotionCodes  []string
	// anchor names the participant made for an unknown friend who used a
	// promotion code: the customer's id, else the payment's.
	anchor   string
	metadata map[string]string // the customer's, fetched from Stripe
}

// describe names the payer in an outcome's words.
func (p stripePayer) describe() string {
	switch {
	case p.customerID != "" && p.email != "":
		return fmt.Sprintf("customer %s (%s)", p.customerID, p.email)
	case p.customerID != "":
		return "customer " + p.customerID
	case p.email != "":
		return p.email
	}
	return "a guest without a customer or email"
}

// fetchStripeCustomer asks Stripe for a customer not linked yet, for the
// metadata that may name its participant and for its email. It runs
// before the event's transaction; without Stripe configured it does
// nothing. A customer Stripe no longer knows is matched without it.
func (s *Service) fetchStripeCustomer(ctx context.Context, p *stripePayer) error {
	if p.customerID == "" || s.payments == nil {
		return nil
	}
	if id, err := linkedParticipant(ctx, s.db.Read(), p.customerID); id != 0 || err != nil {
		return err
	}
	c, err := s.payments.Customer(ctx, p.customerID)
	if err != nil {
		if stripepay.Permanent(err) {
			s.log.WarnContext(ctx, "stripe customer not fetched: matching without its metadata", "customer", p.customerID, "err", err)
			return nil
		}
		return fmt.Errorf("stripe: %w", err)
	}
	p.metadata = c.Metadata
	if p.email == "" {
		p.email = c.Email
	}
	if p.name == "" {
		p.name = c.Name
	}
	return nil
}

// stripeMatch is the participant a payer is, and how that was found.
type stripeMatch struct {
	participantID int64
	by            string
	referrerID    int64 // the owner of the promotion code the payer used; 0 for none
}

// matchStripePayer finds the participant a payer is, first match wins, and
// links its customer to them, so later events map without the clues.
func (s *Service) matchStripePayer(ctx context.Context, q *storage.Queries, p stripePayer, now time.Time) (stripeMatch, error) {
	var m stripeMatch
	var err error
	if m.referrerID, err = s.promotionOwner(ctx, q, p.promotionCodes); err != nil {
		return m, err
	}
	if m.participantID, m.by, err = s.findStripePayer(ctx, q, p, m.referrerID, now); err != nil || m.participantID == 0 {
		return m, err
	}
	if p.customerID == "" {
		return m, nil
	}
	if m.participantID, err = q.LinkStripeCustomer(ctx, p.customerID, m.participantID, m.by, now); err != nil {
		return m, err
	}
	set, err := q.SetStripeCustomerIfNone(ctx, m.participantID, p.customerID)
	if err != nil || !set {
		return m, err
	}
	return m, s.flagSharedCustomer(ctx, q, m.participantID, p.customerID)
}

// findStripePayer tries each way to match a payer in turn: the stored
// link, the customer's metadata, the Checkout Session's reference, a
// referrer's promotion code, the email. It returns 0 when none matched.
func (s *Service) findStripePayer(ctx context.Context, q *storage.Queries, p stripePayer, referrerID int64, now time.Time) (int64, string, error) {
	if id, err := linkedParticipant(ctx, q, p.customerID); id != 0 || err != nil {
		return id, matchedByLink, err
	}
	if id, err := s.participantByMetadata(ctx, q, p.metadata); id != 0 || err != nil {
		return id, matchedByMetadata, err
	}
	if id, err := externalParticipant(ctx, q, p.clientReference); id != 0 || err != nil {
		return id, matchedByReference, err
	}
	if referrerID != 0 {
		id, err := s.promotionFriend(ctx, q, p, referrerID, now)
		return id, matchedByPromotion, err
	}
	id, err := onlyParticipantWithEmail(ctx, q, p.email)
	return id, matchedByEmail, err
}

// linkedParticipant finds the participant a customer is linked to: by an
// earlier match, or by the customer id set on them by hand (the one
// participant with it). 0 when it is linked to nobody.
func linkedParticipant(ctx context.Context, q *storage.Queries, customerID string) (int64, error) {
	if customerID == "" {
		return 0, nil
	}
	id, err := q.StripeCustomerParticipant(ctx, customerID)
	if err == nil || referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
		return id, err
	}
	ids, err := q.ParticipantsByStripeCustomer(ctx, customerID, 2)
	if err != nil || len(ids) != 1 {
		return 0, err
	}
	return ids[0], nil
}

// participantByMetadata finds the participant a customer's metadata names,
// by id or by external id; 0 when it names nobody.
func (s *Service) participantByMetadata(ctx context.Context, q *storage.Queries, md map[string]string) (int64, error) {
	if raw := strings.TrimSpace(md[metadataParticipantID]); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err == nil && id > 0 {
			if _, err := q.Participant(ctx, id); err == nil || referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
				return id, err
			}
		}
	}
	return externalParticipant(ctx, q, strings.TrimSpace(md[metadataExternalID]))
}

// externalParticipant finds a participant by external id; 0 for none.
func externalParticipant(ctx context.Context, q *storage.Queries, externalID string) (int64, error) {
	if !validExternalID(externalID) {
		return 0, nil
	}
	id, err := q.ParticipantIDByExternal(ctx, externalID)
	if referralhub.ErrorCode(err) == referralhub.ENOTFOUND {
		return 0, nil
	}
	return id, err
}

// onlyParticipantWithEmail finds the one participant with an email; 0 when
// none has it, or several do.
func onlyParticipantWithEmail(ctx context.Context, q *storage.Queries, email string) (int64, error) {
	if email == "" || !IsText(email) {
		return 0, nil
	}
	ids, err := q.ParticipantsByEmail(ctx, email, 2)
	if err != nil || len(ids) != 1 {
		return 0, err
	}
	return ids[0], nil
}

// promotionOwner returns whose promotion code among codes was used; 0 when
// none is a participant's.
func (s *Service) promotionOwner(ctx context.Context, q *storage.Queries, codes []string) (int64, error) {
	for _, id := range codes {
		pc, err := q.StripePromotionCodeByID(ctx, id)
		if err == nil {
			return pc.ParticipantID, nil
		}
		if referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			return 0, err
		}
	}
	return 0, nil
}

// promotionFriend is the participant a payer who used referrerID's
// promotion code is, when nothing else matched them: the one participant
// with their email, or else one made for them (external id "stripe:" and
// the customer's id), referred by referrerID under the fraud rules.
func (s *Service) promotionFriend(ctx context.Context, q *storage.Queries, p stripePayer, referrerID int64, now time.Time) (int64, error) {
	if id, err := onlyParticipantWithEmail(ctx, q, p.email); id != 0 || err != nil {
		return id, err
	}
	in := ParticipantInput{ExternalID: "stripe:" + p.anchor}
	if email := strings.TrimSpace(p.email); email != "" && checkEmail(email) == "" {
		in.Email = &email
	}
	if name := strings.TrimSpace(p.name); name != "" && len(name) <= maxNameLen && isLine(name) {
		in.Name = &name
	}
	id, created, err := s.upsertParticipant(ctx, q, in, externalAttribution{owner: referralhub.CodeOwner{ParticipantID: referrerID}})
	if created {
		s.active.Forget(referrerID)
		s.log.InfoContext(ctx, "participant made for a stripe customer", "participant_id", id, "referrer_id", referrerID)
	}
	return id, err
}

// attributeByPromotion refers friendID to the owner of the promotion code
// they paid with, when they were not referred yet, under the fraud rules
// of any referral. Using one's own code is refused. It says in words what
// it did, "" when there was nothing to do.
func (s *Service) attributeByPromotion(ctx context.Context, q *storage.Queries, friendID, referrerID int64, now time.Time) (string, error) {
	if referrerID == 0 {
		return "", nil
	}
	if friendID == referrerID {
		return " Their own promotion code: refused, nobody referred.", nil
	}
	parties, err := q.ReferralPartiesOf(ctx, friendID)
	switch {
	case err == nil && parties.ReferrerID == referrerID: // referred when they were made for this payment, or before
		return fmt.Sprintf(" Referred by participant %d, whose promotion code they used.", referrerID), nil
	case err == nil: // nobody is referred twice
		return fmt.Sprintf(" Referred before by participant %d, who stays their referrer.", parties.ReferrerID), nil
	}
	if referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
		return "", err
	}
	referralID, err := s.referLater(ctx, q, friendID, referrerID, now)
	if err != nil || referralID == 0 {
		return " The promotion code's owner is banned: nobody referred.", err
	}
	return fmt.Sprintf(" Referred by participant %d, whose promotion code they used.", referrerID), nil
}
