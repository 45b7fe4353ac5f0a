// audit_log: who did what, when and why; append-only.

package storage

import (
	"context"
	"fmt"

	"github.com/referralhub/referralhub"
)

// AppendAudit adds a line to the audit log. There is no way to change or
// remove one.
func (q *Queries) AppendAudit(ctx context.Context, e referralhub.AuditEntry) error {
	_, err := q.exec(ctx, `/* AppendAudit */ INSERT INTO audit_log (actor_id, actor, action, subject, detail, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, nullID(e.ActorID), e.Actor, e.Action, e.Subject, e.Detail, q.ts(e.CreatedAt))
	if err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	return nil
}

// AuditLog lists audit entries newest first, optionally only actions
// starting with prefix.
func (q *Queries) AuditLog(ctx context.Context, prefix string, limit, offset int) ([]referralhub.AuditEntry, error) {
	return queryList(ctx, q, "audit log", `/* AuditLog */ SELECT id, COALESCE(actor_id, 0), actor, action, subject, detail, created_at
		FROM audit_log WHERE $1 = '' OR substr(action, 1, length($2)) = $2 ORDER BY id DESC LIMIT $3 OFFSET $4`,
		func(r rowScanner) (referralhub.AuditEntry, error) {
			var e referralhub.AuditEntry
			err := r.Scan(&e.ID, &e.ActorID, &e.Actor, &e.Action, &e.Subject, &e.Detail, &e.CreatedAt)
			e.CreatedAt = e.CreatedAt.UTC()
			return e, err
		}, prefix, prefix, limit, offset)
}
