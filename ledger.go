package referralhub

import (
	"strconv"
	"time"
)

// A ledger record is one link of a beneficiary's hash chain: an entry
// (a rewards row) or a change of an entry's state.
const (
	RecordEntry  = "entry"
	RecordChange = "change"
)

// LedgerBreak is where a ledger chain stops proving itself: the first
// record of a beneficiary's chain whose content or link does not match.
type LedgerBreak struct {
	ParticipantID int64  // the beneficiary: whose chain
	RewardID      int64  // the entry, or the entry the change is of; 0 for the chain's head
	Seq           int64  // the record's place in the chain (1 is the first); 0 for none
	Record        string // RecordEntry, RecordChange, or "head"
	Problem       string // what did not match, in words
}

// String names the record and what did not match.
func (b LedgerBreak) String() string {
	what := "entry " + strconv.FormatInt(b.RewardID, 10)
	switch b.Record {
	case RecordChange:
		what = "change #" + strconv.FormatInt(b.Seq, 10) + " of entry " + strconv.FormatInt(b.RewardID, 10)
	case "head":
		what = "the chain's head"
	}
	return what + " (beneficiary " + strconv.FormatInt(b.ParticipantID, 10) + "): " + b.Problem
}

// LedgerCheck is the outcome of one walk of every ledger chain.
type LedgerCheck struct {
	ID         int64
	StartedAt  time.Time
	FinishedAt time.Time
	OK         bool
	Chains     int64         // beneficiaries whose chain was walked
	Records    int64         // entries and changes checked
	Digest     string        // SHA-256 over every chain's head, in beneficiary order
	Breaks     []LedgerBreak // the first break of each broken chain, in beneficiary order (at most MaxLedgerBreaks)
	BreakCount int64         // how many chains are broken
	Problem    string        // the first break in words, "" when OK
}

// MaxLedgerBreaks is how many broken chains a check lists; it counts the rest.
const MaxLedgerBreaks = 100
