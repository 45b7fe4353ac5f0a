package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// InsertInvite stores an invite, mailed or refused, under the identity
// email it is compared by, and sets its ID.
func (q *Queries) InsertInvite(ctx context.Context, inv *referralhub.Invite, identity string) error {
	err := q.queryRow(ctx, `/* InsertInvite */ INSERT INTO invites (participant_id, email, identity_email, token, note, refused, burst, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		inv.ParticipantID, inv.Email, identity, inv.Token, inv.Note, inv.Refused, inv.Burst, q.ts(inv.CreatedAt)).Scan(&inv.ID)
	if err != nil {
		return fmt.Errorf("insert invite: %w", err)
	}
	return nil
}

const inviteQuery = `SELECT id, participant_id, email, token, note, refused, burst, created_at, clicked_at, joined_at, reminded_at FROM invites `

func scanInvite(row rowScanner) (referralhub.Invite, error) {
	var (
		inv                       referralhub.Invite
		clicked, joined, reminded sql.NullTime
	)
	err := row.Scan(&inv.ID, &inv.ParticipantID, &inv.Email, &inv.Token, &inv.Note, &inv.Refused, &inv.Burst,
		&inv.CreatedAt, &clicked, &joined, &reminded)
	inv.CreatedAt, inv.ClickedAt, inv.JoinedAt, inv.RemindedAt = inv.CreatedAt.UTC(), utc(clicked), utc(joined), utc(reminded)
	return inv, err
}

// Invite returns an invite by id, or ENOTFOUND.
func (q *Queries) Invite(ctx context.Context, id int64) (referralhub.Invite, error) {
	inv, err := scanInvite(q.queryRow(ctx, `/* Invite */ `+inviteQuery+`WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return inv, referralhub.Errorf(referralhub.ENOTFOUND, "No such invite.")
	}
	if err != nil {
		return inv, fmt.Errorf("invite: %w", err)
	}
	return inv, nil
}

// InvitesOf lists a participant's newest invites, up to limit.
func (q *Queries) InvitesOf(ctx context.Context, participantID int64, limit int) ([]referralhub.Invite, error) {
	return queryList(ctx, q, "invites of", `/* InvitesOf */ `+inviteQuery+`WHERE participant_id = $1
		ORDER BY created_at DESC, id DESC LIMIT $2`, scanInvite, participantID, limit)
}

// InvitesSentSince counts the invites a participant had mailed since since.
func (q *Queries) InvitesSentSince(ctx context.Context, participantID int64, since time.Time) (int64, error) {
	var n int64
	err := q.queryRow(ctx, `/* InvitesSentSince */ SELECT COUNT(*) FROM invites
		WHERE participant_id = $1 AND refused = '' AND created_at >= $2`, participantID, q.ts(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("invites sent since: %w", err)
	}
	return n, nil
}

// InvitedSince reports whether anyone had an invite mailed to identity
// since since.
func (q *Queries) InvitedSince(ctx context.Context, identity string, since time.Time) (bool, error) {
	var ok bool
	err := q.queryRow(ctx, `/* InvitedSince */ SELECT EXISTS (SELECT 1 FROM invites
		WHERE identity_email = $1 AND refused = '' AND created_at >= $2)`, identity, q.ts(since)).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("invited since: %w", err)
	}
	return ok, nil
}

// InviteBurstSince reports whether a participant sent an invite flagged
// as part of a burst since since.
func (q *Queries) InviteBurstSince(ctx context.Context, participantID int64, since time.Time) (bool, error) {
	var ok bool
	err := q.queryRow(ctx, `/* InviteBurstSince */ SELECT EXISTS (SELECT 1 FROM invites
		WHERE participant_id = $1 AND burst AND created_at >= $2)`, participantID, q.ts(since)).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("invite burst since: %w", err)
	}
	return ok, nil
}

// MarkInviteClicked records the first click on the invite whose link
// carries token; an unknown token changes nothing.
func (q *Queries) MarkInviteClicked(ctx context.Context, token string, now time.Time) error {
	_, err := q.exec(ctx, `/* MarkInviteClicked */ UPDATE invites SET clicked_at = $2
		WHERE token = $1 AND refused = '' AND clicked_at IS NULL`, token, q.ts(now))
	if err != nil {
		return fmt.Errorf("mark invite clicked: %w", err)
	}
	return nil
}

// MarkInvitesJoined records that identity signed up: every invite mailed
// to it that had not joined has now.
func (q *Queries) MarkInvitesJoined(ctx context.Context, identity string, now time.Time) error {
	_, err := q.exec(ctx, `/* MarkInvitesJoined */ UPDATE invites SET joined_at = $2
		WHERE identity_email = $1 AND refused = '' AND joined_at IS NULL`, identity, q.ts(now))
	if err != nil {
		return fmt.Errorf("mark invites joined: %w", err)
	}
	return nil
}

// MarkInviteReminded records the reminder of an invite once; it reports
// false when it was reminded already.
func (q *Queries) MarkInviteReminded(ctx context.Context, id int64, now time.Time) (bool, error) {
	return q.setStatus(ctx, "MarkInviteReminded", `UPDATE invites SET reminded_at = $2 WHERE id = $1 AND reminded_at IS NULL`, id, q.ts(now))
}

// OptOutOfInvites records that identity wants no more invites; doing it
// twice changes nothing.
func (q *Queries) OptOutOfInvites(ctx context.Context, identity string, now time.Time) error {
	_, err := q.exec(ctx, `/* OptOutOfInvites */ INSERT INTO invite_optouts (identity_email, created_at) VALUES ($1, $2)
		ON CONFLICT (identity_email) DO NOTHING`, identity, q.ts(now))
	if err != nil {
		return fmt.Errorf("opt out of invites: %w", err)
	}
	return nil
}

// OptedOutOfInvites reports whether identity asked for no more invites.
func (q *Queries) OptedOutOfInvites(ctx context.Context, identity string) (bool, error) {
	var ok bool
	err := q.queryRow(ctx, `/* OptedOutOfInvites */ SELECT EXISTS (SELECT 1 FROM invite_optouts WHERE identity_email = $1)`,
		identity).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("opted out of invites: %w", err)
	}
	return ok, nil
}

// ForgetInvitesOf deletes a participant's invites and blanks their
// identity email, for account deletion: the addresses they invited are
// theirs and their friends' to forget.
func (q *Queries) ForgetInvitesOf(ctx context.Context, participantID int64) error {
	if _, err := q.exec(ctx, `/* ForgetInvitesOf */ DELETE FROM invites WHERE participant_id = $1`, participantID); err != nil {
		return fmt.Errorf("forget invites: %w", err)
	}
	return q.SetIdentityEmail(ctx, participantID, "")
}
