package core

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"strings"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// DeletedName stands in for a deleted user wherever their name was shown:
// referral lists, other people's ledger reasons, the export.
const DeletedName = "a deleted user"

// clickBatch is how many clicks one retention transaction reduces: small,
// so the click buffer's writes wait little for SQLite's single writer.
const clickBatch = 1000

// ReduceOldClicks reduces clicks older than the ClickRetention setting to
// daily counts per participant and deletes their raw rows (IP hash, user
// agent, referer). The upkeep runs it hourly; it returns how many it
// reduced.
func (s *Service) ReduceOldClicks(ctx context.Context) (int64, error) {
	if s.settings.ClickRetention <= 0 {
		return 0, nil
	}
	return s.db.ReduceClicks(ctx, s.now().Add(-s.settings.ClickRetention), clickBatch)
}

// EnsureClickPartitions makes the clicks tables of this UTC month and the
// next ones on PostgreSQL, whose clicks are split by month, so the click
// flush finds its month's table ready (a month without one still takes
// clicks, in a default table the next run empties into the month's). The
// upkeep runs it hourly; it returns how many tables it made.
func (s *Service) EnsureClickPartitions(ctx context.Context) (int64, error) {
	return s.db.EnsureClickPartitions(ctx, s.now())
}

// DeleteAccount deletes the account of a signed-in user who gave their
// password and ticked the confirmation: their user row goes, and with it
// their sessions and mail links. Their participant stays as an anonymous
// tombstone (no user, an unusable code), so the people they referred, the
// count of whoever referred them and everyone's ledger stay correct; other
// people's ledger reasons that named them name "a deleted user" instead.
func (s *Service) DeleteAccount(ctx context.Context, u referralhub.User, password string, confirmed bool) error {
	if !confirmed {
		msg := "Tick the box to confirm that your account should be deleted."
		return &referralhub.Error{Code: referralhub.EINVALID, Message: msg, Fields: map[string]string{"confirm": msg}}
	}
	if err := s.checkCurrentPassword(ctx, u.ID, password); err != nil {
		return err
	}
	var gone erased
	err := s.db.InTx(ctx, func(q *storage.Queries) error {
		var err error
		gone, err = s.erase(ctx, q, u.ID)
		return err
	})
	if err != nil {
		return err
	}
	for _, c := range gone.codes {
		s.codes.Forget(c)
	}
	s.forgetReferralPages(gone.referrer)
	s.log.InfoContext(ctx, "account deleted", "user_id", u.ID, "participant_id", gone.participantID)
	return nil
}

// erased is what an erasure leaves for the caches to forget.
type erased struct {
	participantID int64
	codes         []string                // the link's code and old codes
	referrer      referralhub.Participant // who referred them; zero when organic
}

// erase removes a user's personal data and anonymises their participant,
// inside q's transaction.
func (s *Service) erase(ctx context.Context, q *storage.Queries, userID int64) (erased, error) {
	to, err := q.RecipientByUser(ctx, userID)
	if err != nil {
		return erased{}, err
	}
	if err := q.LockParticipant(ctx, to.ParticipantID); err != nil {
		return erased{}, err
	}
	p, err := q.Participant(ctx, to.ParticipantID)
	if err != nil {
		return erased{}, err
	}
	_, old, err := q.CodeChoice(ctx, p.ID)
	if err != nil {
		return erased{}, err
	}
	gone := erased{participantID: p.ID, codes: append(old, p.Code)}
	if gone.referrer, err = s.forgetReferralClick(ctx, q, p.ID); err != nil {
		return gone, err
	}
	if err := s.anonymiseReasons(ctx, q, p.ID, to.Username); err != nil {
		return gone, err
	}
	if err := s.redactJobs(ctx, q, to.Email); err != nil {
		return gone, err
	}
	// Their sightings would tie a new account on the same device to this
	// one; the checks that need them ran long ago.
	if err := q.ForgetParticipantTraces(ctx, p.ID); err != nil {
		return gone, err
	}
	if err := s.forgetStripe(ctx, q, p.ID); err != nil {
		return gone, err
	}
	if err := q.ForgetInvitesOf(ctx, p.ID); err != nil {
		return gone, err
	}
	if err := q.AnonymiseParticipant(ctx, p.ID, tombstoneCode(), s.now()); err != nil {
		return gone, err
	}
	if err := q.BumpCacheVersion(ctx, storage.CacheCodes); err != nil { // other instances drop the old code
		return gone, err
	}
	if err := s.refreshBoardStanding(ctx, q, p.ID); err != nil {
		return gone, err
	}
	return gone, q.DeleteUser(ctx, userID)
}

// forgetReferralClick reduces the click that brought a participant (their
// user agent, referer and IP hash) to its day's count, and returns who
// referred them.
func (s *Service) forgetReferralClick(ctx context.Context, q *storage.Queries, participantID int64) (referralhub.Participant, error) {
	ref, err := q.ReferralOf(ctx, participantID)
	if referralhub.ErrorCode(err) == referralhub.ENOTFOUND {
		return referralhub.Participant{}, nil
	}
	if err != nil {
		return referralhub.Participant{}, err
	}
	if ref.ClickID != "" {
		if err := q.ReduceClick(ctx, ref.ClickID); err != nil {
			return referralhub.Participant{}, err
		}
	}
	return q.Participant(ctx, ref.ReferrerID)
}

// anonymiseReasons rewrites other people's ledger reasons that name the
// deleted user.
func (s *Service) anonymiseReasons(ctx context.Context, q *storage.Queries, participantID int64, name string) error {
	reasons, err := q.ReasonsAbout(ctx, participantID)
	if err != nil {
		return err
	}
	for _, r := range reasons {
		if anon := anonymiseReason(r.Reason, name); anon != r.Reason {
			if err := q.SetRewardReason(ctx, r.ID, anon); err != nil {
				return err
			}
		}
	}
	return nil
}

// redactJobs removes the address from password-reset jobs asked for it
// (their payload and dedupe key hold it) and from job errors that quote it.
func (s *Service) redactJobs(ctx context.Context, q *storage.Queries, email string) error {
	payload, err := json.Marshal(jobPayload{Mail: mailReset})
	if err != nil {
		return err
	}
	if err := q.RedactJobs(ctx, resetKeyPrefix(email), string(payload)); err != nil {
		return err
	}
	return q.RedactJobErrors(ctx, email)
}

// resetKeyPrefix starts the dedupe key of every reset mail asked for email
// (see RequestPasswordReset).
func resetKeyPrefix(email string) string {
	return "mail:" + mailReset + ":" + storage.EmailKey(email) + ":"
}

// tombstoneCode is a deleted participant's code: unique, and never a valid
// code (too long, with a dash), so the old link answers like an unknown
// one and no link can ever resolve to the tombstone.
func tombstoneCode() string { return "deleted-" + strings.ToLower(rand.Text()) }

// forgetReferralPages drops the cached pages of a referrer's referral list,
// which showed the deleted user's name, on this instance. Other instances
// show it until their page cache expires (10 minutes).
func (s *Service) forgetReferralPages(referrer referralhub.Participant) {
	if referrer.ID == 0 {
		return
	}
	pages := int((referrer.ReferralCount + ReferralsPerPage - 1) / ReferralsPerPage)
	for page := 1; page <= pages; page++ {
		s.pages.Forget(pageKey{participantID: referrer.ID, count: referrer.ReferralCount, page: page})
	}
}

// anonymiseReason replaces name in a ledger reason by DeletedName. The
// reasons the rules write ("bob signed up", "bob's first purchase", "You
// signed up through bob's link", each perhaps as "Reversed: … (refunded)")
// are matched by their shape, so a username that is also an English word
// ("you", "purchase") replaces only itself; any other reason has name
// replaced wherever it stands as a whole word.
func anonymiseReason(reason, name string) string {
	if name == "" {
		return reason
	}
	const reversed, refunded = "Reversed: ", " (refunded)"
	if inner, ok := strings.CutPrefix(reason, reversed); ok && strings.HasSuffix(inner, refunded) {
		return reversed + anonymiseReason(strings.TrimSuffix(inner, refunded), name) + refunded
	}
	const through = "You signed up through "
	if rest, ok := strings.CutPrefix(reason, through); ok && strings.HasPrefix(rest, name+"'s ") {
		return through + DeletedName + rest[len(name):]
	}
	for _, sep := range []string{" ", "'s ", ": "} {
		if strings.HasPrefix(reason, name+sep) {
			return DeletedName + reason[len(name):]
		}
	}
	return replaceWord(reason, name)
}

// replaceWord replaces every whole-word occurrence of word in s (a word
// being a run of ASCII letters, digits and underscores, as usernames are).
func replaceWord(s, word string) string {
	var b strings.Builder
	last := 0
	for i := 0; i+len(word) <= len(s); {
		if s[i:i+len(word)] == word && (i == 0 || !isWordByte(s[i-1])) &&
			(i+len(word) == len(s) || !isWordByte(s[i+len(word)])) {
			b.WriteString(s[last:i])
			b.WriteString(DeletedName)
			i += len(word)
			last = i
			continue
		}
		i++
	}
	b.WriteString(s[last:])
	return b.String()
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}
