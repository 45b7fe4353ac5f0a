package core

import (
	"context"
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// API key scopes: a read key may only read; a write key may also create
// participants, record events and redeem rewards.
const (
	ScopeRead  = "read"
	ScopeWrite = "write"
)

const (
	apiKeyPrefix = "rhk_"
	apiKeyLen    = len(apiKeyPrefix) + 52 // two rand.Text(): 256 random bits
	apiKeyHint   = len(apiKeyPrefix) + 8  // what the admin sees of a key
	maxKeyName   = 100
	maxAPIKeys   = 500 // listed on the admin page
	// keyUseGap is how stale a key's recorded last use may get: a busy
	// key costs one write per gap, not one per request.
	keyUseGap = time.Minute
	// apiKeyTTL is how long an instance trusts a key it verified without
	// reading it again: a revocation stops the key at once on the instance
	// that revoked it, and within apiKeyTTL on the others.
	apiKeyTTL = 2 * time.Second
)

// NewAPIKey is a key just made: Secret is shown once and never stored.
type NewAPIKey struct {
	referralhub.APIKey
	Secret string
}

// CreateAPIKey makes an API key for an admin; the key's secret is in the
// result and nowhere else. The creation is audited.
func (s *Service) CreateAPIKey(ctx context.Context, admin referralhub.User, name, scope string) (NewAPIKey, error) {
	if !admin.IsAdmin {
		return NewAPIKey{}, referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can manage API keys.")
	}
	return s.createAPIKey(ctx, admin, name, scope, "")
}

// CreateAPIKeyFromCommandLine is CreateAPIKey for someone with the
// server's configuration: the audit log names the system as its author.
func (s *Service) CreateAPIKeyFromCommandLine(ctx context.Context, name, scope string) (NewAPIKey, error) {
	return s.createAPIKey(ctx, referralhub.User{}, name, scope, "from the command line: ")
}

func (s *Service) createAPIKey(ctx context.Context, actor referralhub.User, name, scope, via string) (NewAPIKey, error) {
	name = strings.TrimSpace(name)
	fe := referralhub.FieldErrors{}
	if name == "" || len(name) > maxKeyName || !isLine(name) {
		fe.Add("name", fmt.Sprintf("Name the key, in 1 to %d characters, so you know later what uses it.", maxKeyName))
	}
	if scope != ScopeRead && scope != ScopeWrite {
		fe.Add("scope", "Choose read or write.")
	}
	if err := fe.Err(); err != nil {
		return NewAPIKey{}, err
	}
	secret := apiKeyPrefix + rand.Text() + rand.Text()
	k := NewAPIKey{APIKey: referralhub.APIKey{Name: name, Scope: scope, Hint: secret[:apiKeyHint], CreatedBy: actor.Username,
		CreatedAt: s.now()}, Secret: secret}
	err := s.db.InTx(ctx, func(q *storage.Queries) error {
		if err := q.CreateAPIKey(ctx, &k.APIKey, hashToken(secret), actor.ID); err != nil {
			return err
		}
		return s.audit(ctx, q, actor, "api_key.create", apiKeySubject(k.ID), via+name+" ("+scope+")", k.CreatedAt)
	})
	if err != nil {
		return NewAPIKey{}, err
	}
	s.log.InfoContext(ctx, "api key created", "api_key_id", k.ID, "scope", scope)
	return k, nil
}

func apiKeySubject(id int64) string { return "api key " + strconv.FormatInt(id, 10) }

// RevokeAPIKey stops a key from working: at once on this instance, within
// apiKeyTTL on the others; it is kept in the list. Revoking a revoked key
// changes nothing. The revocation is audited.
func (s *Service) RevokeAPIKey(ctx context.Context, admin referralhub.User, id int64) error {
	if !admin.IsAdmin {
		return referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can manage API keys.")
	}
	now := s.now()
	defer s.apiKeys.Clear() // after the commit: no request reads the key back meanwhile
	return s.db.InTx(ctx, func(q *storage.Queries) error {
		k, err := q.APIKey(ctx, id)
		if err != nil {
			return err
		}
		revoked, err := q.RevokeAPIKey(ctx, id, now)
		if err != nil || !revoked {
			return err
		}
		return s.audit(ctx, q, admin, "api_key.revoke", apiKeySubject(id), k.Name, now)
	})
}

// APIKeys lists the API keys, newest first, revoked ones included.
func (s *Service) APIKeys(ctx context.Context, admin referralhub.User) ([]referralhub.APIKey, error) {
	if !admin.IsAdmin {
		return nil, referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can manage API keys.")
	}
	return s.db.Read().APIKeys(ctx, maxAPIKeys)
}

// AuthenticateAPIKey returns the key a request presents, or EUNAUTHORIZED
// for a malformed, unknown or revoked one. A key verified in the last
// apiKeyTTL is not read again. It records the key's use, writing at most
// once per keyUseGap.
func (s *Service) AuthenticateAPIKey(ctx context.Context, secret string) (referralhub.APIKey, error) {
	if len(secret) != apiKeyLen || !strings.HasPrefix(secret, apiKeyPrefix) {
		return referralhub.APIKey{}, referralhub.Errorf(referralhub.EUNAUTHORIZED, "That is not a valid API key.")
	}
	hash, now := hashToken(secret), s.now()
	if k, ok := s.apiKeys.Get(hash, now); ok {
		return k, nil
	}
	k, err := s.db.Read().APIKeyByHash(ctx, hash)
	if referralhub.ErrorCode(err) == referralhub.ENOTFOUND {
		return k, referralhub.Errorf(referralhub.EUNAUTHORIZED, "That is not a valid API key.")
	}
	if err != nil {
		return k, err
	}
	if !k.RevokedAt.IsZero() {
		return referralhub.APIKey{}, referralhub.Errorf(referralhub.EUNAUTHORIZED, "This API key was revoked.")
	}
	if now.Sub(k.LastUsedAt) >= keyUseGap {
		if err := s.db.Write().TouchAPIKey(ctx, k.ID, now, now.Add(-keyUseGap)); err != nil {
			s.log.WarnContext(ctx, "record api key use", "api_key_id", k.ID, "err", err)
		}
	}
	s.apiKeys.Put(hash, k, now)
	return k, nil
}

// CheckScope refuses a read key on an endpoint that writes.
func CheckScope(k referralhub.APIKey, need string) error {
	if need == ScopeWrite && k.Scope != ScopeWrite {
		return referralhub.Errorf(referralhub.EFORBIDDEN, "This API key may only read: use a key with the write scope.")
	}
	return nil
}

// isLine reports whether s is text on one line: no control characters.
func isLine(s string) bool {
	if !IsText(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}
