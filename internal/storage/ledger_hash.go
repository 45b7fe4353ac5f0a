// The ledger's hash chain: the canonical content of each record and its hash.

package storage

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"hash"
	"strconv"
	"time"

	"github.com/referralhub/referralhub"
)

// chainVersion opens every hashed record, so a future encoding can never
// be mistaken for this one.
const chainVersion = "referralhub-ledger-v1"

// ledgerState is the part of a rewards row that changes after it is
// written. It is hashed as its JSON (fields in this order, empty ones
// left out): an entry's opening state, and the state each change left.
// The reason is not in it: privacy erasure rewrites it (SetRewardReason).
type ledgerState struct {
	Status        string `json:"status"`
	ApprovedAt    string `json:"approved_at,omitempty"`
	RedeemAskedAt string `json:"redeem_asked_at,omitempty"`
	RedeemedAt    string `json:"redeemed_at,omitempty"`
	FulfilledAt   string `json:"fulfilled_at,omitempty"`
	ReversedAt    string `json:"reversed_at,omitempty"`
	CancelledAt   string `json:"cancelled_at,omitempty"`
	PromoCode     string `json:"promo_code,omitempty"`
	ExternalID    string `json:"external_id,omitempty"`
	NeedsReview   bool   `json:"needs_review,omitempty"`
}

// encode is the state's canonical text.
func (s ledgerState) encode() string {
	b, _ := json.Marshal(s) // strings and a bool: cannot fail
	return string(b)
}

// decodeState reads a state's text; ok is false when it is not one.
func decodeState(text string) (s ledgerState, ok bool) {
	return s, json.Unmarshal([]byte(text), &s) == nil && s.Status != ""
}

// chainTime is a time as the chain hashes it: UTC to the microsecond (what
// both engines store), "" for none.
func chainTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000Z")
}

// chainEntry is what an entry's hash covers: its immutable fields, the
// state it was written in, and its place and link in the chain.
type chainEntry struct {
	ID, ParticipantID                       int64
	Side, Entry                             string
	RuleID, ReferralID, EventID, ReversesID int64
	IdempotencyKey, Kind                    string
	Amount                                  int64
	Currency                                string
	PercentOff                              int64
	HoldUntil, CreditedAt                   time.Time
	Opening                                 string // the opening state's text
	Seq                                     int64
	Prev                                    string
}

func (e chainEntry) hash() string {
	h := newChainHasher(referralhub.RecordEntry)
	h.ints(e.ID, e.ParticipantID)
	h.strs(e.Side, e.Entry)
	h.ints(e.RuleID, e.ReferralID, e.EventID, e.ReversesID)
	h.strs(e.IdempotencyKey, e.Kind)
	h.ints(e.Amount)
	h.strs(e.Currency)
	h.ints(e.PercentOff)
	h.strs(chainTime(e.HoldUntil), chainTime(e.CreditedAt), e.Opening)
	h.ints(e.Seq)
	h.strs(e.Prev)
	return h.sum()
}

// chainChange is a change of an entry's state: the entry, what happened
// and the state it left, with its place and link in the chain.
type chainChange struct {
	ParticipantID, Seq, RewardID int64
	Change, State, Prev          string
	Hash                         string // as stored; not hashed
}

func (c chainChange) hash() string {
	h := newChainHasher(referralhub.RecordChange)
	h.ints(c.ParticipantID, c.Seq, c.RewardID)
	h.strs(c.Change, c.State, c.Prev)
	return h.sum()
}

// chainHasher is SHA-256 over length-prefixed fields, so no two different
// records can encode to the same bytes.
type chainHasher struct{ h hash.Hash }

func newChainHasher(record string) chainHasher {
	c := chainHasher{h: sha256.New()}
	c.strs(chainVersion, record)
	return c
}

func (c chainHasher) strs(values ...string) {
	var n [binary.MaxVarintLen64]byte
	for _, v := range values {
		c.h.Write(n[:binary.PutUvarint(n[:], uint64(len(v)))])
		c.h.Write([]byte(v))
	}
}

func (c chainHasher) ints(values ...int64) {
	for _, v := range values {
		c.strs(strconv.FormatInt(v, 10))
	}
}

func (c chainHasher) sum() string { return hex.EncodeToString(c.h.Sum(nil)) }
