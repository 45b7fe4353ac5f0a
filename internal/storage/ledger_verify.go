// Walking the ledger's hash chains (rewards, reward_changes, ledger_heads)
// to prove them.

package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"

	"github.com/referralhub/referralhub"
)

// verifyPage is how many beneficiaries' chains one round of VerifyLedger reads.
const verifyPage = 500

// VerifyLedger walks every beneficiary's chain: each record's hash must
// match its content, each link the record before it, the head the last
// record, and each entry's current state the last state its history
// recorded. It reads a page of beneficiaries at a time, each page in one
// snapshot, so it runs beside the live ledger: a chain only changes
// whole, under its head's lock. StartedAt and FinishedAt are left to the
// caller.
func (db *DB) VerifyLedger(ctx context.Context) (referralhub.LedgerCheck, error) {
	var c referralhub.LedgerCheck
	digest := sha256.New()
	for after, last := int64(0), false; !last; {
		var chains []*ledgerChain
		err := db.InSnapshot(ctx, func(q *Queries) error {
			var err error
			chains, after, last, err = q.chainPage(ctx, after)
			return err
		})
		if err != nil {
			return c, err
		}
		for _, ch := range chains {
			c.Chains++
			c.Records += int64(len(ch.entries) + len(ch.changes))
			if ch.head != nil {
				fmt.Fprintf(digest, "%d %d %s\n", ch.participantID, ch.head.seq, ch.head.hash)
			}
			if b, broken := ch.check(); broken {
				c.BreakCount++
				if len(c.Breaks) < referralhub.MaxLedgerBreaks {
					c.Breaks = append(c.Breaks, b)
				}
			}
		}
	}
	c.Digest = hex.EncodeToString(digest.Sum(nil))
	c.OK = c.BreakCount == 0
	if !c.OK {
		c.Problem = c.Breaks[0].String()
	}
	return c, nil
}

// chainPage reads the chains of the next verifyPage beneficiaries that
// have a head after after (the last page reads every beneficiary after
// it, so entries without a head are seen too), and the last beneficiary
// it covered.
func (q *Queries) chainPage(ctx context.Context, after int64) (chains []*ledgerChain, upTo int64, last bool, err error) {
	heads, err := q.headPage(ctx, after)
	if err != nil {
		return nil, 0, false, err
	}
	upTo = int64(math.MaxInt64)
	if last = len(heads) < verifyPage; !last {
		upTo = heads[len(heads)-1].participantID
	}
	chains, err = q.chainsBetween(ctx, after, upTo, heads)
	return chains, upTo, last, err
}

// pageHead is a head as a page of VerifyLedger reads it.
type pageHead struct {
	participantID int64
	chainHead
}

func (q *Queries) headPage(ctx context.Context, after int64) ([]pageHead, error) {
	return queryList(ctx, q, "ledger heads", `/* headPage */ SELECT participant_id, seq, hash FROM ledger_heads
		WHERE participant_id > $1 ORDER BY participant_id LIMIT $2`, func(r rowScanner) (pageHead, error) {
		var h pageHead
		err := r.Scan(&h.participantID, &h.seq, &h.hash)
		return h, err
	}, after, verifyPage)
}

// chainsBetween reads the chains of the beneficiaries after after, up to
// upTo: their heads (given), entries and changes, by beneficiary.
func (q *Queries) chainsBetween(ctx context.Context, after, upTo int64, heads []pageHead) ([]*ledgerChain, error) {
	var order []*ledgerChain
	byID := map[int64]*ledgerChain{}
	chain := func(pid int64) *ledgerChain {
		if byID[pid] == nil {
			byID[pid] = &ledgerChain{participantID: pid}
			order = append(order, byID[pid])
		}
		return byID[pid]
	}
	for _, h := range heads {
		chain(h.participantID).head = &h.chainHead
	}
	err := queryEach(ctx, q, "ledger entries", `/* chainsBetween.entries */ SELECT `+chainColumns+` FROM rewards
		WHERE participant_id > $1 AND participant_id <= $2 ORDER BY participant_id, chain_seq`, func(r rowScanner) error {
		row, err := scanChainRow(r)
		ch := chain(row.entry.ParticipantID)
		ch.entries = append(ch.entries, row)
		return err
	}, after, upTo)
	if err != nil {
		return nil, err
	}
	err = queryEach(ctx, q, "ledger changes", `/* chainsBetween.changes */ SELECT participant_id, chain_seq, reward_id, change,
		state, prev_hash, hash FROM reward_changes WHERE participant_id > $1 AND participant_id <= $2
		ORDER BY participant_id, chain_seq`, func(r rowScanner) error {
		var c chainChange
		err := r.Scan(&c.ParticipantID, &c.Seq, &c.RewardID, &c.Change, &c.State, &c.Prev, &c.Hash)
		ch := chain(c.ParticipantID)
		ch.changes = append(ch.changes, c)
		return err
	}, after, upTo)
	sortChains(order)
	return order, err
}
