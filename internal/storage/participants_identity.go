// participants: the identity email that invites compare.

package storage

import (
	"context"
	"fmt"
)

// SetIdentityEmail sets a participant's identity email (core.IdentityEmail
// of their address; "" for none).
func (q *Queries) SetIdentityEmail(ctx context.Context, participantID int64, identity string) error {
	_, err := q.exec(ctx, `/* SetIdentityEmail */ UPDATE participants SET identity_email = $2 WHERE id = $1`, participantID, identity)
	if err != nil {
		return fmt.Errorf("set identity email: %w", err)
	}
	return nil
}

// IsParticipantEmail reports whether a participant has the identity email
// identity, or (for rows whose identity is not filled in yet) the address
// whose email key is emailKey.
func (q *Queries) IsParticipantEmail(ctx context.Context, identity, emailKey string) (bool, error) {
	var ok bool
	err := q.queryRow(ctx, `/* IsParticipantEmail */ SELECT
		EXISTS (SELECT 1 FROM participants WHERE identity_email = $1)
		OR EXISTS (SELECT 1 FROM users WHERE email_key = $2)
		OR EXISTS (SELECT 1 FROM participants WHERE user_id IS NULL AND lower(email) = $2)`, identity, emailKey).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("is participant email: %w", err)
	}
	return ok, nil
}

// ParticipantAddress is a participant's address, for filling in its
// identity email.
type ParticipantAddress struct {
	ID    int64
	Email string // "" when it has none
}

// ParticipantsWithoutIdentity lists up to limit participants whose
// identity email was never filled in, with their address.
func (q *Queries) ParticipantsWithoutIdentity(ctx context.Context, limit int) ([]ParticipantAddress, error) {
	return queryList(ctx, q, "participants without identity", `/* ParticipantsWithoutIdentity */ SELECT p.id, COALESCE(u.email, p.email, '')
		FROM participants p LEFT JOIN users u ON u.id = p.user_id WHERE p.identity_email IS NULL ORDER BY p.id LIMIT $1`,
		func(r rowScanner) (ParticipantAddress, error) {
			var a ParticipantAddress
			return a, r.Scan(&a.ID, &a.Email)
		}, limit)
}
