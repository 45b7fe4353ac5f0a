package core

import (
	"context"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// audit appends a line to the audit log in q's transaction.
func (s *Service) audit(ctx context.Context, q *storage.Queries, actor referralhub.User, action, subject, detail string, now time.Time) error {
	return q.AppendAudit(ctx, referralhub.AuditEntry{ActorID: actor.ID, Actor: actor.Username, Action: action,
		Subject: subject, Detail: detail, CreatedAt: now})
}

// AuditLog lists the audit log, newest first; prefix filters by action
// ("review.", "program.", "admin.").
func (s *Service) AuditLog(ctx context.Context, admin referralhub.User, prefix string, page int) ([]referralhub.AuditEntry, error) {
	if !admin.IsAdmin {
		return nil, referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can read the audit log.")
	}
	if len(prefix) > 40 || !IsText(prefix) {
		return nil, referralhub.Errorf(referralhub.EINVALID, "That filter is not valid.")
	}
	page = max(page, 1)
	return s.db.Read().AuditLog(ctx, prefix, auditPerPage, (page-1)*auditPerPage)
}

// auditPerPage is how many audit entries a page lists.
const auditPerPage = 100
