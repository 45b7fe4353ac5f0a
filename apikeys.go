package referralhub

import "time"

// APIKey is a key of the JSON API. The key itself is never stored, only
// its SHA-256 hash; Hint is its first characters, for telling keys apart.
type APIKey struct {
	ID         int64
	Name       string
	Scope      string // "read" or "write"
	Hint       string
	CreatedBy  string // the admin's username, "" when made from the command line or the account is gone
	CreatedAt  time.Time
	LastUsedAt time.Time // zero until first used
	RevokedAt  time.Time // zero while the key works
}
