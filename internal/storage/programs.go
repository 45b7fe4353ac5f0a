// program_versions: the program document, a new row per change.

package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// SaveProgram stores p as the program's newest version, changed by the user
// changedBy (0 for none).
func (q *Queries) SaveProgram(ctx context.Context, p referralhub.Program, changedBy int64, summary string, now time.Time) (int64, error) {
	doc, err := json.Marshal(p)
	if err != nil {
		return 0, fmt.Errorf("encode program: %w", err)
	}
	var id int64
	err = q.queryRow(ctx, `/* SaveProgram */ INSERT INTO program_versions (program, changed_by, summary, created_at)
		VALUES ($1, $2, $3, $4) RETURNING id`, string(doc), nullID(changedBy), summary, q.ts(now)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("save program: %w", err)
	}
	return id, nil
}

// CurrentProgram returns the newest saved version, or ENOTFOUND when the
// program was never changed from its default.
func (q *Queries) CurrentProgram(ctx context.Context) (referralhub.ProgramVersion, error) {
	vs, err := q.ProgramVersions(ctx, 1)
	if err != nil {
		return referralhub.ProgramVersion{}, err
	}
	if len(vs) == 0 {
		return referralhub.ProgramVersion{}, referralhub.Errorf(referralhub.ENOTFOUND, "The program has no saved version.")
	}
	return vs[0], nil
}

// ProgramVersions lists the program's versions, newest first.
func (q *Queries) ProgramVersions(ctx context.Context, limit int) ([]referralhub.ProgramVersion, error) {
	return queryList(ctx, q, "program versions", `/* ProgramVersions */ SELECT v.id, v.program, COALESCE(u.username, ''), v.summary, v.created_at
		FROM program_versions v LEFT JOIN users u ON u.id = v.changed_by ORDER BY v.id DESC LIMIT $1`, scanProgramVersion, limit)
}

func scanProgramVersion(r rowScanner) (referralhub.ProgramVersion, error) {
	var (
		v   referralhub.ProgramVersion
		doc string
	)
	if err := r.Scan(&v.ID, &doc, &v.ChangedBy, &v.Summary, &v.ChangedAt); err != nil {
		return v, err
	}
	if err := json.Unmarshal([]byte(doc), &v.Program); err != nil {
		return v, fmt.Errorf("decode program version %d: %w", v.ID, err)
	}
	v.ChangedAt = v.ChangedAt.UTC()
	return v, nil
}
