// Checking one beneficiary's ledger chain, read by VerifyLedger.

package storage

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/referralhub/referralhub"
)

// ledgerChain is one beneficiary's chain as read: its head, its entries
// and its changes, each by place in the chain.
type ledgerChain struct {
	participantID int64
	head          *chainHead // nil when it has none
	entries       []chainRow
	changes       []chainChange
}

// chainRecord is one record of a chain: an entry or a change.
type chainRecord struct {
	seq    int64
	entry  *chainRow
	change *chainChange
}

func sortChains(chains []*ledgerChain) {
	slices.SortFunc(chains, func(a, b *ledgerChain) int { return cmp.Compare(a.participantID, b.participantID) })
}

// check walks the chain and returns its first break: an entry never
// chained, a record whose content does not match its hash or whose link
// does not match the record before it, a head that does not match the
// last record, then an entry whose current state is not its history's.
func (ch *ledgerChain) check() (referralhub.LedgerBreak, bool) {
	for _, e := range ch.entries {
		if e.entry.Seq == 0 {
			return ch.entryBreak(e.entry, "it has no hash: it was written outside ReferralHub, or by a bulk load that did not chain it"), true
		}
	}
	states := map[int64]ledgerState{} // each entry's state, as its history says
	prev := ""
	records := ch.records()
	for i, r := range records {
		if b, broken := ch.checkRecord(r, int64(i+1), prev, states); broken {
			return b, true
		}
		prev = r.storedHash()
	}
	if b, broken := ch.checkHead(int64(len(records)), prev); broken {
		return b, true
	}
	return ch.checkStates(states)
}

// records merges the entries and changes by their place in the chain.
func (ch *ledgerChain) records() []chainRecord {
	out := make([]chainRecord, 0, len(ch.entries)+len(ch.changes))
	for i := range ch.entries {
		out = append(out, chainRecord{seq: ch.entries[i].entry.Seq, entry: &ch.entries[i]})
	}
	for i := range ch.changes {
		out = append(out, chainRecord{seq: ch.changes[i].Seq, change: &ch.changes[i]})
	}
	slices.SortStableFunc(out, func(a, b chainRecord) int { return cmp.Compare(a.seq, b.seq) })
	return out
}

func (r chainRecord) storedHash() string {
	if r.entry != nil {
		return r.entry.hash
	}
	return r.change.Hash
}

// checkRecord checks the record at place want, after a record hashing to
// prev, and notes the state it gives its entry in states.
func (ch *ledgerChain) checkRecord(r chainRecord, want int64, prev string, states map[int64]ledgerState) (referralhub.LedgerBreak, bool) {
	fail := func(format string, args ...any) (referralhub.LedgerBreak, bool) {
		if r.entry != nil {
			return ch.entryBreak(r.entry.entry, fmt.Sprintf(format, args...)), true
		}
		return referralhub.LedgerBreak{ParticipantID: ch.participantID, RewardID: r.change.RewardID, Seq: r.seq,
			Record: referralhub.RecordChange, Problem: fmt.Sprintf(format, args...)}, true
	}
	var content, link string
	if r.entry != nil {
		content, link = r.entry.entry.hash(), r.entry.entry.Prev
	} else {
		content, link = r.change.hash(), r.change.Prev
	}
	switch {
	case r.seq < want:
		return fail("it is a second record at place %d of the chain", r.seq)
	case r.seq == want+1:
		return fail("the chain's record %d, just before it, is missing: deleted", want)
	case r.seq > want:
		return fail("the chain's records %d to %d before it are missing: deleted", want, r.seq-1)
	case content != r.storedHash():
		return fail("its content does not match its hash %s: a hashed field was changed after it was written", short(r.storedHash()))
	case link != prev:
		return fail("its link does not match: it follows a record hashing to %s, but the record before it hashes to %s", short(link), short(prev))
	}
	return ch.noteState(r, states, fail)
}

// noteState records the state r leaves its entry in: an entry's opening
// state, or a change's, which must be of an earlier entry of this chain.
func (ch *ledgerChain) noteState(r chainRecord, states map[int64]ledgerState,
	fail func(string, ...any) (referralhub.LedgerBreak, bool)) (referralhub.LedgerBreak, bool) {
	if r.entry != nil {
		s, ok := decodeState(r.entry.entry.Opening)
		if !ok {
			return fail("its opening state is not readable")
		}
		states[r.entry.entry.ID] = s
		return referralhub.LedgerBreak{}, false
	}
	if _, ok := states[r.change.RewardID]; !ok {
		return fail("it changes entry %d, which is not an earlier entry of this chain", r.change.RewardID)
	}
	s, ok := decodeState(r.change.State)
	if !ok {
		return fail("its state is not readable")
	}
	states[r.change.RewardID] = s
	return referralhub.LedgerBreak{}, false
}

// checkHead checks that the head names the chain's last record: n records
// ending in one that hashes to last.
func (ch *ledgerChain) checkHead(n int64, last string) (referralhub.LedgerBreak, bool) {
	b := referralhub.LedgerBreak{ParticipantID: ch.participantID, Record: "head"}
	switch {
	case ch.head == nil && n > 0:
		b.Problem = fmt.Sprintf("the chain has %d records but no head: its head was deleted", n)
	case ch.head != nil && (ch.head.seq != n || ch.head.hash != last):
		b.Problem = fmt.Sprintf("the head says %d records ending in one hashing to %s, but the chain has %d ending in %s: "+
			"its last records were deleted, or the head was changed", ch.head.seq, short(ch.head.hash), n, short(last))
	default:
		return b, false
	}
	return b, true
}

// checkStates checks each entry's current state against its history.
func (ch *ledgerChain) checkStates(states map[int64]ledgerState) (referralhub.LedgerBreak, bool) {
	for _, e := range ch.entries {
		if want := states[e.entry.ID]; e.state != want {
			return ch.entryBreak(e.entry, "its state does not match its history: "+stateDiff(e.state, want)), true
		}
	}
	return referralhub.LedgerBreak{}, false
}

func (ch *ledgerChain) entryBreak(e chainEntry, problem string) referralhub.LedgerBreak {
	return referralhub.LedgerBreak{ParticipantID: ch.participantID, RewardID: e.ID, Seq: e.Seq,
		Record: referralhub.RecordEntry, Problem: problem}
}

// stateDiff names the fields where got differs from want.
func stateDiff(got, want ledgerState) string {
	fields := []struct{ name, got, want string }{
		{"status", got.Status, want.Status},
		{"approved_at", got.ApprovedAt, want.ApprovedAt},
		{"redeem_asked_at", got.RedeemAskedAt, want.RedeemAskedAt},
		{"redeemed_at", got.RedeemedAt, want.RedeemedAt},
		{"fulfilled_at", got.FulfilledAt, want.FulfilledAt},
		{"reversed_at", got.ReversedAt, want.ReversedAt},
		{"cancelled_at", got.CancelledAt, want.CancelledAt},
		{"promo_code", got.PromoCode, want.PromoCode},
		{"external_id", got.ExternalID, want.ExternalID},
		{"needs_review", fmt.Sprint(got.NeedsReview), fmt.Sprint(want.NeedsReview)},
	}
	var out []string
	for _, f := range fields {
		if f.got != f.want {
			out = append(out, fmt.Sprintf("%s is %q, its history says %q", f.name, f.got, f.want))
		}
	}
	return strings.Join(out, "; ")
}

// short is the start of a hash, enough to tell it apart in a message.
func short(hash string) string {
	if hash == "" {
		return "(none: the chain's start)"
	}
	return hash[:min(12, len(hash))]
}
