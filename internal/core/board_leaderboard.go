package core

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// LeaderboardSize is how many people a leaderboard lists.
const LeaderboardSize = 50

// Leaderboard is one period's leaderboard and the viewer's place on it.
type Leaderboard struct {
	Period  string // referralhub.BoardWeek, BoardMonth or BoardAll
	Entries []referralhub.LeaderboardEntry
	You     BoardPlace
}

// BoardPlace is where the viewer stands on a leaderboard.
type BoardPlace struct {
	Referrals int64
	Rank      int64 // 0: not ranked
	Hidden    bool  // not shown, by choice or while under review
	ByChoice  bool  // hidden because they chose so
}

// Leaderboard returns the top LeaderboardSize of a period (qualified
// referrals only; banned, deleted and hidden participants never appear)
// and the viewer's own rank. Equal counts share a rank; among them, who got
// there first is listed first.
func (s *Service) Leaderboard(ctx context.Context, viewerID int64, period string) (Leaderboard, error) {
	switch period {
	case referralhub.BoardWeek, referralhub.BoardMonth, referralhub.BoardAll:
	default:
		period = referralhub.BoardMonth
	}
	key := referralhub.BoardPeriodKey(period, s.now())
	q := s.db.Replica(ctx)
	rows, err := s.topOfBoard(ctx, key)
	if err != nil {
		return Leaderboard{}, err
	}
	out := Leaderboard{Period: period, Entries: rankRows(rows)}
	if viewerID == 0 {
		return out, nil
	}
	pos, err := q.PositionOnBoard(ctx, key, viewerID)
	if err != nil {
		return out, err
	}
	out.You = BoardPlace{Referrals: pos.Referrals, Rank: pos.Rank, Hidden: pos.Hidden, ByChoice: pos.Show == referralhub.ShowNobody}
	return out, nil
}

// rankRows numbers rows sorted by referrals: equal counts share a rank
// (1, 2, 2, 4), which is 1 + everyone above, as the rank counts give it.
func rankRows(rows []storage.BoardRow) []referralhub.LeaderboardEntry {
	out := make([]referralhub.LeaderboardEntry, len(rows))
	for i, r := range rows {
		rank := int64(i + 1)
		if i > 0 && r.Referrals == rows[i-1].Referrals {
			rank = out[i-1].Rank
		}
		out[i] = referralhub.LeaderboardEntry{Rank: rank, ParticipantID: r.ParticipantID, Referrals: r.Referrals,
			Name: BoardName(r.Show, r.DisplayName, r.Username)}
	}
	return out
}

// BoardName is how a participant shows on the leaderboard: their display
// name if they chose it, or else initials ("A. L." for "Ada Lovelace" or
// "ada_lovelace"), from the words' letters only: digits make no initial
// ("J." for "jane_2", not "J. 2."), and a name without letters shows as
// "Anonymous".
func BoardName(show, displayName, username string) string {
	if show == referralhub.ShowName && displayName != "" {
		return displayName
	}
	source := displayName
	if source == "" {
		source = username
	}
	words := strings.FieldsFunc(source, func(r rune) bool { return !unicode.IsLetter(r) })
	var initials []string
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		initials = append(initials, string(unicode.ToUpper(r))+".")
		if len(initials) == 3 {
			break
		}
	}
	if len(initials) == 0 {
		return "Anonymous"
	}
	return strings.Join(initials, " ")
}

// BoardProfile is how a participant chose to show on the leaderboard.
type BoardProfile struct {
	DisplayName string
	Show        string // referralhub.ShowInitials, ShowName or ShowNobody
}

// maxDisplayName bounds display names, in characters.
const maxDisplayName = 40

// LeaderboardProfile returns how a participant shows on the leaderboard.
func (s *Service) LeaderboardProfile(ctx context.Context, participantID int64) (BoardProfile, error) {
	name, show, err := s.db.Read().BoardProfile(ctx, participantID)
	return BoardProfile{DisplayName: name, Show: show}, err
}

// SetLeaderboardProfile stores how a participant shows on the leaderboard
// (a display name, initials, or not at all) and applies it at once.
func (s *Service) SetLeaderboardProfile(ctx context.Context, participantID int64, p BoardProfile) error {
	p.DisplayName = strings.Join(strings.Fields(p.DisplayName), " ")
	fe := referralhub.FieldErrors{}
	if utf8.RuneCountInString(p.DisplayName) > maxDisplayName || !IsText(p.DisplayName) || !plainName(p.DisplayName) {
		fe.Add("display_name", "Use up to 40 characters, without control characters.")
	}
	switch p.Show {
	case referralhub.ShowInitials, referralhub.ShowNobody:
	case referralhub.ShowName:
		if p.DisplayName == "" {
			fe.Add("display_name", "Give a display name to show it on the leaderboard.")
		}
	default:
		fe.Add("leaderboard", "Choose initials, your display name, or not to be shown.")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(q *storage.Queries) error {
		if err := q.SetBoardProfile(ctx, participantID, p.DisplayName, p.Show); err != nil {
			return err
		}
		s.forgetBoards(s.now()) // a new display name shows at once
		return s.refreshBoardStanding(ctx, q, participantID)
	})
}

// topOfBoard returns a period's top LeaderboardSize rows, the same for
// every viewer, reused for Settings.LeaderboardTTL.
func (s *Service) topOfBoard(ctx context.Context, key string) ([]storage.BoardRow, error) {
	now, reuse := s.now(), s.settings.LeaderboardTTL > 0 // a zero TTL would never expire in the cache
	if rows, ok := s.boards.Get(key, now); ok && reuse {
		return rows, nil
	}
	rows, err := s.db.Read().TopOfBoard(ctx, key, LeaderboardSize)
	if err == nil && reuse {
		s.boards.Put(key, rows, now)
	}
	return rows, err
}

// forgetBoards drops the cached leaderboards of the periods containing
// each of times, after a change to them.
func (s *Service) forgetBoards(times ...time.Time) {
	for _, t := range times {
		for _, period := range boardPeriods() {
			s.boards.Forget(referralhub.BoardPeriodKey(period, t))
		}
	}
}

// plainName reports whether a name shown to others has no control or
// format characters (such as U+202E, which reverses the text after it, or
// zero-width ones).
func plainName(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}
