package core

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// sightingGap is how often one participant's same sighting is written.
const sightingGap = 10 * time.Minute

// sightingKey identifies a sighting recorded lately, in memory.
type sightingKey struct {
	participantID int64
	device, ip    string
}

// NewDeviceID draws a device cookie value: 128 random bits.
func NewDeviceID() string { return strings.ToLower(rand.Text()[:26]) }

// ValidDeviceID reports whether a cookie value can be a device id, so a
// forged one cannot carry junk into the hashes.
func ValidDeviceID(id string) bool {
	if len(id) != 26 {
		return false
	}
	for i := range len(id) {
		if c := id[i]; !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// deviceHash is the stored form of a device id.
func (s *Service) deviceHash(id string) string {
	m := hmac.New(sha256.New, s.keys.device)
	m.Write([]byte(id))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// NoteSighting records that a signed-in participant was seen with a
// device, IP address and browser, for the self-referral and ring checks.
// Only keyed hashes are stored; a sighting seen in the last few minutes is
// not written again.
func (s *Service) NoteSighting(ctx context.Context, participantID int64, seen Sighting) error {
	key := sightingKey{participantID: participantID, device: seen.DeviceID, ip: seen.IP + "|" + seen.UserAgent}
	if _, ok := s.sightings.Get(key, s.now()); ok {
		return nil
	}
	err := s.db.InTx(ctx, func(q *storage.Queries) error { return s.recordSighting(ctx, q, participantID, seen, s.now()) })
	if err == nil {
		s.sightings.Put(key, true, s.now())
	}
	return err
}

func (s *Service) recordSighting(ctx context.Context, q *storage.Queries, participantID int64, seen Sighting, now time.Time) error {
	if ValidDeviceID(seen.DeviceID) {
		if err := q.RecordSighting(ctx, participantID, referralhub.SightDevice, s.deviceHash(seen.DeviceID), now); err != nil {
			return err
		}
	}
	if seen.IP == "" {
		return nil
	}
	if err := q.RecordSighting(ctx, participantID, referralhub.SightIPUA, s.ips.Hash(ctx, seen.IP+"|"+seen.UserAgent, now), now); err != nil {
		return err
	}
	return q.RecordSighting(ctx, participantID, referralhub.SightIP, s.ips.Hash(ctx, seen.IP, now), now)
}

// SignupFormToken is a signed note of when the signup form was shown; the
// form sends it back, and a signup within seconds of its click without it
// is flagged.
func (s *Service) SignupFormToken() string {
	ts := strconv.FormatInt(s.now().UnixMilli(), 10)
	m := hmac.New(sha256.New, s.keys.form)
	m.Write([]byte(ts))
	return ts + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// formSeenAt reads a SignupFormToken; zero when it is missing or forged.
func (s *Service) formSeenAt(token string) time.Time {
	ts, sig, ok := strings.Cut(token, ".")
	if !ok {
		return time.Time{}
	}
	m := hmac.New(sha256.New, s.keys.form)
	m.Write([]byte(ts))
	if !hmac.Equal([]byte(sig), []byte(base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16]))) {
		return time.Time{}
	}
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// disposableDomains returns the disposable-domain list, loading the
// embedded one when none was given.
func (s *Service) disposableDomains() *Disposable {
	s.disposableOnce.Do(func() {
		if s.disposable == nil {
			s.disposable = NewDisposable(nil)
		}
	})
	return s.disposable
}

// NoteLogin is NoteSighting for a user who just logged in.
func (s *Service) NoteLogin(ctx context.Context, u referralhub.User, seen Sighting) error {
	to, err := s.db.Read().RecipientByUser(ctx, u.ID)
	if err != nil {
		return ignoreGone(err)
	}
	return s.NoteSighting(ctx, to.ParticipantID, seen)
}
