package core

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// CodeChoice is what the settings page shows about a participant's code:
// the current one, whether they may still choose one, and the old codes
// that keep leading to them.
type CodeChoice struct {
	Code      string
	ChosenAt  time.Time // zero: they have not chosen one yet, and may
	OldCodes  []string
	CanChoose bool
}

// CodeChoiceOf returns a participant's code and what they may do with it.
func (s *Service) CodeChoiceOf(ctx context.Context, p referralhub.Participant) (CodeChoice, error) {
	chosen, old, err := s.db.Read().CodeChoice(ctx, p.ID)
	if err != nil {
		return CodeChoice{}, err
	}
	return CodeChoice{Code: p.Code, ChosenAt: chosen, OldCodes: old, CanChoose: chosen.IsZero()}, nil
}

// ChooseCode gives a participant the code they chose (a vanity code),
// once: their old code keeps leading to them. Errors are on the field
// "code" and say which rule the code broke.
func (s *Service) ChooseCode(ctx context.Context, participantID int64, raw string) (string, error) {
	return s.changeCode(ctx, participantID, raw, nil)
}

// AdminSetCode gives any participant, the one of the user userID, a new
// code under the same rules, as often as needed, and records it in the
// audit log. It does not use up the participant's own choice.
func (s *Service) AdminSetCode(ctx context.Context, admin referralhub.User, userID int64, raw string) (string, error) {
	if !admin.IsAdmin {
		return "", referralhub.Errorf(referralhub.ENOTFOUND, "Page not found.")
	}
	to, err := s.db.Read().RecipientByUser(ctx, userID)
	if err != nil {
		return "", err
	}
	return s.changeCode(ctx, to.ParticipantID, raw, &admin)
}

// changeCode checks raw and makes it the participant's code; admin is nil
// for the participant's own choice.
func (s *Service) changeCode(ctx context.Context, participantID int64, raw string, admin *referralhub.User) (string, error) {
	prog, err := s.Program(ctx)
	if err != nil {
		return "", err
	}
	code, err := CheckVanityCode(raw, prog.ReservedCodes)
	if err != nil {
		return "", err
	}
	var old string
	err = s.db.InTx(ctx, func(q *storage.Queries) error {
		var err error
		old, err = s.moveCode(ctx, q, participantID, code, admin)
		return err
	})
	if err != nil {
		return "", err
	}
	s.codes.Forget(old)
	s.codes.Forget(code) // an unknown code is remembered for a while
	s.log.InfoContext(ctx, "code changed", "participant_id", participantID, "by_admin", admin != nil)
	return code, nil
}

// moveCode gives the participant code in q's transaction and returns the
// code it replaced.
func (s *Service) moveCode(ctx context.Context, q *storage.Queries, participantID int64, code string, admin *referralhub.User) (string, error) {
	if err := q.LockParticipant(ctx, participantID); err != nil {
		return "", err
	}
	p, err := q.Participant(ctx, participantID)
	if err != nil {
		return "", err
	}
	if err := s.checkCodeFree(ctx, q, p, code, admin == nil); err != nil {
		return "", err
	}
	now := s.now()
	if err := q.ChangeCode(ctx, p.ID, p.Code, code, admin == nil, now); errors.Is(err, storage.ErrCodeTaken) {
		return "", codeTaken(code)
	} else if err != nil {
		return "", err
	}
	if err := q.BumpCacheVersion(ctx, storage.CacheCodes); err != nil { // other instances forget both codes
		return "", err
	}
	if admin != nil {
		detail := fmt.Sprintf("%s → %s", p.Code, code)
		if err := s.audit(ctx, q, *admin, "participant.code", fmt.Sprintf("participant %d", p.ID), detail, now); err != nil {
			return "", err
		}
	}
	return p.Code, nil
}

// checkCodeFree refuses a second choice of one's own (once), the code one
// has, and a code someone else holds or held.
func (s *Service) checkCodeFree(ctx context.Context, q *storage.Queries, p referralhub.Participant, code string, once bool) error {
	if once {
		chosen, _, err := q.CodeChoice(ctx, p.ID)
		if err != nil {
			return err
		}
		if !chosen.IsZero() {
			return codeError("You have chosen your code already: it can be chosen only once.")
		}
	}
	if code == p.Code {
		return codeError(fmt.Sprintf("%q is your code already.", code))
	}
	holder, err := q.CodeHolder(ctx, code)
	switch {
	case referralhub.ErrorCode(err) == referralhub.ENOTFOUND:
		return nil
	case err != nil:
		return err
	case holder != p.ID:
		return codeTaken(code)
	}
	return nil // one of their own old codes: it becomes their code again
}

// CheckVanityCode checks a code someone chose and returns it lower-cased,
// or an error on the field "code" that says which rule it broke: 4 to 20
// characters of a-z, 0-9 and "-", not starting or ending with "-", not
// reserved (built in, or in the program's list), no offensive word.
func CheckVanityCode(raw string, reserved []string) (string, error) {
	code := strings.ToLower(strings.TrimSpace(raw))
	switch {
	case code == "":
		return "", codeError("Type the code you want.")
	case len(code) < MinCodeLength || len(code) > MaxCodeLength:
		return "", codeError(fmt.Sprintf("A code has %d to %d characters.", MinCodeLength, MaxCodeLength))
	case NormalizeCode(code) == "":
		return "", codeError("Use only the letters a to z, the digits 0 to 9 and hyphens (-).")
	case code[0] == '-' || code[len(code)-1] == '-':
		return "", codeError("A code cannot start or end with a hyphen.")
	case slices.Contains(reservedCodes, code) || slices.Contains(reserved, code):
		return "", codeError(fmt.Sprintf("%q is reserved. Choose another code.", code))
	case offensive(code):
		return "", codeError("That code contains a word we do not allow. Choose another code.")
	}
	return code, nil
}

// offensive reports whether code contains a blocked word, hyphens ignored.
func offensive(code string) bool {
	flat := strings.ReplaceAll(code, "-", "")
	for _, w := range blockedWords {
		if strings.Contains(flat, w) {
			return true
		}
	}
	return false
}

// drawCode draws a fresh code that is nobody's code or old code (an old
// code must keep leading to its participant), as far as q sees: the
// insert's unique index still settles a race for a current code.
func (s *Service) drawCode(ctx context.Context, q *storage.Queries) (string, error) {
	for range codeAttempts {
		code := s.newCode()
		_, err := q.CodeHolder(ctx, code)
		if referralhub.ErrorCode(err) == referralhub.ENOTFOUND {
			return code, nil
		}
		if err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("no free referral code after %d draws", codeAttempts)
}

func codeError(msg string) error { return invalidField("code", msg) }

func codeTaken(code string) error {
	return codeError(fmt.Sprintf("%q is taken. Choose another code.", code))
}
