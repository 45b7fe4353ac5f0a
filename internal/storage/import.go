// participants brought in by a bulk import: batched look-ups, inserts and updates by external id.

package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// ImportedParticipant is a participant as an import row has it: the new
// one to insert, or an existing one read back by its external id.
type ImportedParticipant struct {
	ID         int64
	ExternalID string
	Email      string // "" is stored as NULL
	Name       string // likewise
	Plan       string
	Code       string
	CreatedAt  time.Time
	ReferrerID int64 // read back only: who referred it, 0 for nobody
	Deleted    bool  // read back only: an anonymised participant
	CampaignID int64 // read back only: its campaign (EnrolParticipants moves it)
}

// CodeHolder is who holds a referral code.
type CodeHolder struct {
	ID         int64
	ExternalID string // "" for a participant signed up here
}

// Values per row of the import's multi-row statements.
const (
	importInsertColumns = 7
	importUpdateColumns = 4
	importRefColumns    = 4
)

// placeholders returns "(p1,p2,...)" with n placeholders numbered from 1.
func (q *Queries) placeholders(n int) string {
	b := make([]byte, 0, 2+n*7)
	b = append(b, '(')
	for i := 1; i <= n; i++ {
		if i > 1 {
			b = append(b, ',')
		}
		b = q.d.appendParam(b, i)
	}
	return string(append(b, ')'))
}

// ImportedByExternal returns the participants with the given external
// ids, by external id; ids nobody has are missing from the map.
func (q *Queries) ImportedByExternal(ctx context.Context, externalIDs []string) (map[string]ImportedParticipant, error) {
	out := make(map[string]ImportedParticipant, len(externalIDs))
	err := inChunks(len(externalIDs), 1, func(start, end int) error {
		list, args := q.inList(nil, externalIDs[start:end])
		return queryEach(ctx, q, "imported by external id", `/* ImportedByExternal */ SELECT p.id, p.external_id,
			COALESCE(p.email, ''), COALESCE(p.name, ''), p.plan, p.code, p.created_at, COALESCE(r.referrer_id, 0),
			p.deleted_at IS NOT NULL, COALESCE(p.campaign_id, `+defaultCampaign+`)
			FROM participants p LEFT JOIN referrals r ON r.referee_id = p.id
			WHERE p.external_id IN (`+list+`)`, func(r rowScanner) error {
			var p ImportedParticipant
			if err := r.Scan(&p.ID, &p.ExternalID, &p.Email, &p.Name, &p.Plan, &p.Code, &p.CreatedAt, &p.ReferrerID, &p.Deleted,
				&p.CampaignID); err != nil {
				return err
			}
			p.CreatedAt = p.CreatedAt.UTC()
			out[p.ExternalID] = p
			return nil
		}, args...)
	})
	return out, err
}

// CodeHolders returns who holds each of the given codes, by code; codes
// nobody holds are missing from the map.
func (q *Queries) CodeHolders(ctx context.Context, codes []string) (map[string]CodeHolder, error) {
	out := make(map[string]CodeHolder, len(codes))
	err := inChunks(len(codes), 1, func(start, end int) error {
		list, args := q.inList(nil, codes[start:end])
		return queryEach(ctx, q, "code holders", `/* CodeHolders */ SELECT code, id, COALESCE(external_id, '')
			FROM participants WHERE code IN (`+list+`)`, func(r rowScanner) error {
			var (
				code string
				h    CodeHolder
			)
			if err := r.Scan(&code, &h.ID, &h.ExternalID); err != nil {
				return err
			}
			out[code] = h
			return nil
		}, args...)
	})
	return out, err
}

// ReferrersOf returns the referrer of each given participant that has one,
// by referee id.
func (q *Queries) ReferrersOf(ctx context.Context, ids []int64) (map[int64]int64, error) {
	out := make(map[int64]int64, len(ids))
	err := inChunks(len(ids), 1, func(start, end int) error {
		args := make([]any, 0, end-start)
		for _, id := range ids[start:end] {
			args = append(args, id)
		}
		return queryEach(ctx, q, "referrers of", `/* ReferrersOf */ SELECT referee_id, referrer_id FROM referrals
			WHERE referee_id IN `+q.placeholders(len(args)), func(r rowScanner) error {
			var referee, referrer int64
			if err := r.Scan(&referee, &referrer); err != nil {
				return err
			}
			out[referee] = referrer
			return nil
		}, args...)
	})
	return out, err
}

// InsertImportedParticipants inserts participants without users and sets
// the ID of each one stored. A row whose external id or code is taken
// meanwhile is skipped and keeps ID 0. Call it inside InTx.
func (q *Queries) InsertImportedParticipants(ctx context.Context, parts []ImportedParticipant) error {
	return inChunks(len(parts), importInsertColumns, func(start, end int) error {
		chunk := parts[start:end]
		args := make([]any, 0, len(chunk)*importInsertColumns)
		index := make(map[string]int, len(chunk))
		for i, p := range chunk {
			args = append(args, p.ExternalID, nullString(p.Email), nullString(p.Name), p.Plan, p.Code, q.ts(p.CreatedAt), q.ts(p.CreatedAt))
			index[p.ExternalID] = i
		}
		query := q.valuesSQL(`/* InsertImportedParticipants */ INSERT INTO participants
			(external_id, email, name, plan, code, created_at, last_seen_at) VALUES `,
			len(chunk), importInsertColumns, ` ON CONFLICT DO NOTHING RETURNING id, external_id`)
		return queryEach(ctx, q, "insert imported participants", query, func(r rowScanner) error {
			var (
				id  int64
				ext string
			)
			if err := r.Scan(&id, &ext); err != nil {
				return err
			}
			if i, ok := index[ext]; ok {
				chunk[i].ID = id
			}
			return nil
		}, args...)
	})
}

// UpdateImportedParticipants sets the email, name and plan of existing
// participants by ID, in as few statements as the parameter limit allows.
func (q *Queries) UpdateImportedParticipants(ctx context.Context, parts []ImportedParticipant) error {
	return inChunks(len(parts), importUpdateColumns, func(start, end int) error {
		chunk := parts[start:end]
		args := make([]any, 0, len(chunk)*importUpdateColumns)
		for _, p := range chunk {
			args = append(args, p.ID, p.Email, p.Name, p.Plan)
		}
		query := q.castValuesSQL(`/* UpdateImportedParticipants */ UPDATE participants SET email = NULLIF(v.column2, ''),
			name = NULLIF(v.column3, ''), plan = v.column4 FROM (VALUES `, len(chunk),
			[]string{"BIGINT", "TEXT", "TEXT", "TEXT"}, `) AS v WHERE participants.id = v.column1`)
		if _, err := q.exec(ctx, query, args...); err != nil {
			return fmt.Errorf("update imported participants: %w", err)
		}
		return nil
	})
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// castValuesSQL is valuesSQL with each column's placeholder cast to its
// type, which PostgreSQL needs to type a VALUES list joined to a table.
func (q *Queries) castValuesSQL(head string, rows int, types []string, tail string) string {
	b := make([]byte, 0, len(head)+len(tail)+rows*len(types)*20)
	b = append(b, head...)
	for i := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '(')
		for j, t := range types {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, "CAST("...)
			b = q.d.appendParam(b, i*len(types)+j+1)
			b = append(b, " AS "+t+")"...)
		}
		b = append(b, ')')
	}
	return string(append(b, tail...))
}

// InsertImportedReferrals records historic referrals as they were, marked
// imported at importedAt: no click, no risk score, no events or rewards. A
// referee referred meanwhile is skipped. It counts the stored ones on their
// referrers and returns their ids. Call it inside InTx, then
// SettleImportedReferrals.
func (q *Queries) InsertImportedReferrals(ctx context.Context, refs []referralhub.Referral, importedAt time.Time) ([]int64, error) {
	ids := make([]int64, 0, len(refs))
	counts := map[int64]int64{}
	err := inChunks(len(refs), importRefColumns, func(start, end int) error {
		chunk := refs[start:end]
		args := make([]any, 0, len(chunk)*importRefColumns)
		for _, r := range chunk {
			args = append(args, r.ReferrerID, r.RefereeID, q.ts(r.CreatedAt), q.ts(importedAt))
		}
		query := q.valuesSQL(`/* InsertImportedReferrals */ INSERT INTO referrals (referrer_id, referee_id, created_at, imported_at) VALUES `,
			len(chunk), importRefColumns, ` ON CONFLICT DO NOTHING RETURNING id, referrer_id`)
		return queryEach(ctx, q, "insert imported referrals", query, func(r rowScanner) error {
			var id, referrer int64
			if err := r.Scan(&id, &referrer); err != nil {
				return err
			}
			counts[referrer]++
			ids = append(ids, id)
			return nil
		}, args...)
	})
	if err != nil {
		return nil, err
	}
	return ids, q.addCounts(ctx, referralCounter, counts)
}

// MarkReferralImported marks the referral of refereeID imported at
// importedAt: an imported referral that the program's rules ran on (import
// --reward) was stored as a new signup's first.
func (q *Queries) MarkReferralImported(ctx context.Context, refereeID int64, importedAt time.Time) error {
	_, err := q.exec(ctx, `/* MarkReferralImported */ UPDATE referrals SET imported_at = $2 WHERE referee_id = $1 AND imported_at IS NULL`,
		refereeID, q.ts(importedAt))
	if err != nil {
		return fmt.Errorf("mark referral imported: %w", err)
	}
	return nil
}

// ExportedParticipant is one line of a participants export.
type ExportedParticipant struct {
	ID         int64
	ExternalID string
	Email      string
	Name       string
	Plan       string
	Code       string
	ReferredBy string // the referrer's external id, or its code when it has none; "" for nobody
	ReferredAt sql.NullTime
	CreatedAt  time.Time
}

// ExportParticipants returns up to limit participants that are not
// deleted, in id order after afterID: the export reads them a page at a
// time.
func (q *Queries) ExportParticipants(ctx context.Context, afterID int64, limit int) ([]ExportedParticipant, error) {
	return queryList(ctx, q, "export participants", `/* ExportParticipants */ SELECT p.id, COALESCE(p.external_id, ''),
		COALESCE(p.email, u.email, ''), COALESCE(p.name, u.username, ''), p.plan, p.code,
		COALESCE(pr.external_id, pr.code, ''), r.created_at, p.created_at
		FROM participants p LEFT JOIN users u ON u.id = p.user_id
		LEFT JOIN referrals r ON r.referee_id = p.id LEFT JOIN participants pr ON pr.id = r.referrer_id
		WHERE p.id > $1 AND p.deleted_at IS NULL ORDER BY p.id LIMIT $2`, func(r rowScanner) (ExportedParticipant, error) {
		var e ExportedParticipant
		err := r.Scan(&e.ID, &e.ExternalID, &e.Email, &e.Name, &e.Plan, &e.Code, &e.ReferredBy, &e.ReferredAt, &e.CreatedAt)
		e.CreatedAt, e.ReferredAt.Time = e.CreatedAt.UTC(), e.ReferredAt.Time.UTC()
		return e, err
	}, afterID, limit)
}

// LimitMemory makes every connection read the SQLite file through its
// own bounded page cache instead of mapping it, and gives the writer a
// larger one, so a one-off bulk command keeps its resident memory well
// below the database's size. Call it before anything else uses the
// database. It does nothing on PostgreSQL.
func (db *DB) LimitMemory(ctx context.Context) error {
	if db.dialect.name() != "sqlite" {
		return nil
	}
	pragma := "/* LimitMemory */ PRAGMA mmap_size = 0"
	if _, err := db.write.ExecContext(ctx, pragma+"; PRAGMA cache_size = -32768"); err != nil {
		return fmt.Errorf("limit memory: %w", err)
	}
	conns := make([]*sql.Conn, 0, readConns) // hold them all, so each one is set
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range readConns {
		c, err := db.read.Conn(ctx)
		if err != nil {
			return fmt.Errorf("limit memory: %w", err)
		}
		conns = append(conns, c)
		if _, err := c.ExecContext(ctx, pragma); err != nil {
			return fmt.Errorf("limit memory: %w", err)
		}
	}
	return nil
}

// HasParticipants reports whether any participant exists: an import into
// an empty table need not look anyone up.
func (q *Queries) HasParticipants(ctx context.Context) (bool, error) {
	var found bool
	err := q.queryRow(ctx, `/* HasParticipants */ SELECT EXISTS (SELECT 1 FROM participants)`).Scan(&found)
	if err != nil {
		return false, fmt.Errorf("has participants: %w", err)
	}
	return found, nil
}
