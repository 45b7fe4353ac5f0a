package core

import (
	"context"
	"strconv"
	"time"

	"github.com/referralhub/referralhub"
)

// The embedded referral page: a host's product mints a short-lived token
// for one of its signed-in users (MintEmbedToken), and a frame on its page
// shows that participant's link, progress and rewards with it
// (CheckEmbedToken). The token is signed, not stored; see embedToken.
const (
	// EmbedPagePath is the embedded page's path; a token's URL leads there.
	EmbedPagePath = "/embed/referrals"
	// EmbedTTLDefault, EmbedTTLMin and EmbedTTLMax bound a token's life.
	EmbedTTLDefault = time.Hour
	EmbedTTLMin     = time.Minute
	EmbedTTLMax     = 24 * time.Hour
)

// EmbedRequest asks for an embed token. It names the participant either
// by ParticipantID, or by Participant.ExternalID: found, or created as
// UpsertParticipant creates it (Participant's other fields are used only
// then).
type EmbedRequest struct {
	ParticipantID *int64
	Participant   *ParticipantInput
	TTLSeconds    *int64 // nil: EmbedTTLDefault
}

// EmbedToken is a token just minted, with the URL of the page it opens.
type EmbedToken struct {
	Token         string
	ParticipantID int64
	ExpiresAt     time.Time
	URL           string
}

// EmbedViewer is whom a valid embed token shows the page to.
type EmbedViewer struct {
	Participant referralhub.Participant // with its counts
	Name        string                  // their name in the host's product, or their username
	ExpiresAt   time.Time
}

// errEmbedExpired is the answer to every token that opens nothing:
// expired, tampered with, of a revoked key, of a participant banned or
// gone, or no token at all. It says no more, so a token reveals nothing.
var errEmbedExpired = referralhub.Errorf(referralhub.EUNAUTHORIZED, "This page has expired.")

// MintEmbedToken makes a token that opens the embedded referral page of
// one participant, for key, a write key. A banned participant gets none
// (EFORBIDDEN). The token dies when it expires or key is revoked.
func (s *Service) MintEmbedToken(ctx context.Context, key referralhub.APIKey, req EmbedRequest) (EmbedToken, error) {
	if err := CheckScope(key, ScopeWrite); err != nil {
		return EmbedToken{}, err
	}
	ttl, err := checkEmbedRequest(req)
	if err != nil {
		return EmbedToken{}, err
	}
	id, err := s.embedParticipant(ctx, req)
	if err != nil {
		return EmbedToken{}, err
	}
	banned, err := s.db.Read().Banned(ctx, id)
	if err != nil {
		return EmbedToken{}, err
	}
	if banned {
		return EmbedToken{}, referralhub.Errorf(referralhub.EFORBIDDEN, "This participant is banned: their referral page cannot be shown.")
	}
	expires := time.Unix(s.now().Unix()+int64(ttl/time.Second), 0).UTC()
	token := s.signEmbed(embedClaims{participantID: id, keyID: key.ID, expires: expires})
	return EmbedToken{Token: token, ParticipantID: id, ExpiresAt: expires,
		URL: s.baseURL + EmbedPagePath + "?token=" + token}, nil
}

// checkEmbedRequest checks that req names its participant one way, and
// returns the token's lifetime.
func checkEmbedRequest(req EmbedRequest) (time.Duration, error) {
	fe := referralhub.FieldErrors{}
	switch {
	case req.ParticipantID != nil && req.Participant != nil:
		fe.Add("participant_id", "Send participant_id alone, or external_id (with email, name, referral_code and click_id): not both.")
	case req.ParticipantID != nil && *req.ParticipantID <= 0:
		fe.Add("participant_id", "A participant id is a whole number above 0.")
	case req.ParticipantID == nil && req.Participant == nil:
		fe.Add("external_id", "Say whose page it is: external_id, your id for the user (with email and name, to create "+
			"them when they are new), or participant_id.")
	}
	ttl := EmbedTTLDefault
	if req.TTLSeconds != nil {
		n := *req.TTLSeconds
		if n < int64(EmbedTTLMin/time.Second) || n > int64(EmbedTTLMax/time.Second) {
			fe.Add("ttl_seconds", "A token lives 60 to 86,400 seconds (a day).")
		}
		ttl = time.Duration(n) * time.Second
	}
	return ttl, fe.Err()
}

// embedParticipant finds the participant req names, creating one by
// external id when there is none.
func (s *Service) embedParticipant(ctx context.Context, req EmbedRequest) (int64, error) {
	if req.ParticipantID != nil {
		p, err := s.lookupParticipant(ctx, strconv.FormatInt(*req.ParticipantID, 10))
		return p.ID, err
	}
	in := *req.Participant
	in.Email, in.Name = trimmed(in.Email), trimmed(in.Name)
	if err := checkParticipantInput(in); err != nil {
		return 0, err
	}
	id, err := s.db.Read().ParticipantIDByExternal(ctx, in.ExternalID)
	if referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
		return id, err
	}
	p, _, err := s.UpsertParticipant(ctx, in)
	return p.ID, err
}

// CheckEmbedToken returns whom token shows the embedded page to, checked
// now: signed by this install, not expired, its API key not revoked, its
// participant neither banned nor deleted. Any other token is EUNAUTHORIZED,
// with one message for all. It records the participant's activity, at
// most hourly, as a visit to the dashboard does.
func (s *Service) CheckEmbedToken(ctx context.Context, token string) (EmbedViewer, error) {
	c, ok := s.parseEmbed(token)
	if !ok || !s.now().Before(c.expires) {
		return EmbedViewer{}, errEmbedExpired
	}
	q := s.db.Read()
	k, err := q.APIKey(ctx, c.keyID)
	if err != nil || !k.RevokedAt.IsZero() {
		return EmbedViewer{}, embedLookupError(err)
	}
	d, err := q.APIParticipantByID(ctx, c.participantID)
	if err != nil {
		return EmbedViewer{}, embedLookupError(err)
	}
	banned, err := q.Banned(ctx, d.ID)
	if err != nil || banned {
		return EmbedViewer{}, embedLookupError(err)
	}
	if d.QualifiedCount, err = q.QualifiedCount(ctx, d.ID); err != nil {
		return EmbedViewer{}, err
	}
	s.noteActivity(ctx, d.Participant)
	return EmbedViewer{Participant: d.Participant, Name: d.Name, ExpiresAt: c.expires}, nil
}

// embedLookupError is what a token whose key or participant was looked up
// gets: an outage as it is, anything else (none found, revoked, banned)
// errEmbedExpired.
func embedLookupError(err error) error {
	if code := referralhub.ErrorCode(err); code != "" && code != referralhub.ENOTFOUND {
		return err
	}
	return errEmbedExpired
}
