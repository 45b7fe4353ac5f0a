// Chaining, in bulk, the rewards rows written without a hash: those from
// before the chain (migration 0031) and a bulk load's (BulkSignupRewards).

package storage

import (
	"context"
	"fmt"
)

// chainBatch is how many unchained rows ChainUnchained hashes per round.
const chainBatch = 5000

// ChainUnchained appends every rewards row that has no hash yet to its
// beneficiary's chain, in id order, with its state as it is now as its
// opening state, and returns how many it chained. Their history before
// then is not known: that is what the chain starts from. Call it inside
// InTx with nothing else writing the ledger (a migration, a bulk load).
func (q *Queries) ChainUnchained(ctx context.Context) (int64, error) {
	var total int64
	for {
		rows, err := queryList(ctx, q, "unchained rewards", `/* ChainUnchained */ SELECT `+chainColumns+` FROM rewards
			WHERE chain_seq IS NULL ORDER BY participant_id, id LIMIT $1`, scanChainRow, chainBatch)
		if err != nil || len(rows) == 0 {
			return total, err
		}
		if err := q.chainRows(ctx, rows); err != nil {
			return total, err
		}
		total += int64(len(rows))
	}
}

// chainRows hashes rows (ordered by beneficiary, then id) onto their
// chains' heads, and stores the rows' chain columns and the new heads.
func (q *Queries) chainRows(ctx context.Context, rows []chainRow) error {
	heads, err := q.headsBetween(ctx, rows[0].entry.ParticipantID, rows[len(rows)-1].entry.ParticipantID)
	if err != nil {
		return err
	}
	for i := range rows {
		e := &rows[i].entry
		h := heads[e.ParticipantID]
		e.Opening, e.Seq, e.Prev = rows[i].state.encode(), h.seq+1, h.hash
		rows[i].hash = e.hash()
		heads[e.ParticipantID] = chainHead{seq: e.Seq, hash: rows[i].hash}
	}
	if err := inChunks(len(rows), 5, func(start, end int) error { return q.setChainChunk(ctx, rows[start:end]) }); err != nil {
		return err
	}
	return q.storeHeads(ctx, heads)
}

// headsBetween reads the heads of the beneficiaries from first to last.
func (q *Queries) headsBetween(ctx context.Context, first, last int64) (map[int64]chainHead, error) {
	heads := map[int64]chainHead{}
	err := queryEach(ctx, q, "ledger heads", `/* headsBetween */ SELECT participant_id, seq, hash FROM ledger_heads
		WHERE participant_id >= $1 AND participant_id <= $2`, func(r rowScanner) error {
		var (
			pid int64
			h   chainHead
		)
		err := r.Scan(&pid, &h.seq, &h.hash)
		heads[pid] = h
		return err
	}, first, last)
	return heads, err
}

// setChainChunk stores the chain columns of rows in one statement.
func (q *Queries) setChainChunk(ctx context.Context, rows []chainRow) error {
	args := make([]any, 0, 5*len(rows))
	b := []byte("/* setChainChunk */ UPDATE rewards SET chain_seq = v.column2, opening_state = v.column3, prev_hash = v.column4, hash = v.column5 FROM (VALUES ")
	for i, r := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "(CAST("...)
		b = q.d.appendParam(b, 5*i+1)
		b = append(b, " AS BIGINT), CAST("...)
		b = q.d.appendParam(b, 5*i+2)
		b = append(b, " AS BIGINT), "...)
		for j := 3; j <= 5; j++ {
			b = append(b, "CAST("...)
			b = q.d.appendParam(b, 5*i+j)
			b = append(b, " AS TEXT)"...)
			if j < 5 {
				b = append(b, ", "...)
			}
		}
		b = append(b, ')')
		args = append(args, r.entry.ID, r.entry.Seq, r.entry.Opening, r.entry.Prev, r.hash)
	}
	b = append(b, ") AS v WHERE rewards.id = v.column1"...)
	if _, err := q.exec(ctx, string(b), args...); err != nil {
		return fmt.Errorf("chain %d rewards: %w", len(rows), err)
	}
	return nil
}

// storeHeads writes heads, making those that are new.
func (q *Queries) storeHeads(ctx context.Context, heads map[int64]chainHead) error {
	pids := make([]int64, 0, len(heads))
	for pid := range heads {
		pids = append(pids, pid)
	}
	return inChunks(len(pids), 3, func(start, end int) error {
		args := make([]any, 0, 3*(end-start))
		for _, pid := range pids[start:end] {
			args = append(args, pid, heads[pid].seq, heads[pid].hash)
		}
		query := q.valuesSQL(`/* storeHeads */ INSERT INTO ledger_heads (participant_id, seq, hash) VALUES `, end-start, 3,
			` ON CONFLICT (participant_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`)
		if _, err := q.exec(ctx, query, args...); err != nil {
			return fmt.Errorf("store %d ledger heads: %w", end-start, err)
		}
		return nil
	})
}
