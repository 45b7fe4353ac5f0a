package core

import (
	"context"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/referralhub/referralhub"
)

// Limits on account fields.
const (
	PasswordMin = 8
	PasswordMax = 128
	UsernameMin = 3
	UsernameMax = 30
	EmailMax    = 254
)

// NormalizeEmail trims surrounding space. Case is kept for display;
// uniqueness ignores it.
func NormalizeEmail(email string) string { return strings.TrimSpace(email) }

// NormalizeUsername trims space and lower-cases: usernames are a-z0-9_.
func NormalizeUsername(username string) string { return strings.ToLower(strings.TrimSpace(username)) }

func (s *Service) validateSignup(ctx context.Context, in SignupInput) error {
	fe := referralhub.FieldErrors{}
	if msg := checkEmail(in.Email); msg != "" {
		fe.Add("email", msg)
	}
	if msg := checkUsername(in.Username); msg != "" {
		fe.Add("username", msg)
	}
	if msg := checkPassword(in.Password); msg != "" {
		fe.Add("password", msg)
	}
	if len(fe) == 0 {
		emailTaken, usernameTaken, err := s.db.Read().TakenFields(ctx, in.Email, in.Username)
		if err != nil {
			return err
		}
		if emailTaken {
			fe.Add("email", MsgEmailTaken)
		}
		if usernameTaken {
			fe.Add("username", "That username is taken.")
		}
	}
	return fe.Err()
}

// MsgEmailTaken is the signup's message for an email that has an account
// already: the page offers to log in instead.
const MsgEmailTaken = "That email is already registered."

// IsText reports whether s is valid UTF-8 with no NUL byte: text that both
// engines store (PostgreSQL refuses anything else). Input failing it is
// refused or treated as matching nothing at the edge.
func IsText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

func checkEmail(email string) string {
	if email == "" {
		return "Enter your email address."
	}
	if !IsText(email) {
		return "Enter a valid email address, like name@example.com."
	}
	addr, err := mail.ParseAddress(email)
	at := strings.LastIndexByte(email, '@')
	if err != nil || addr.Address != email || len(email) > EmailMax || at < 1 || !strings.Contains(email[at:], ".") {
		return "Enter a valid email address, like name@example.com."
	}
	return ""
}

func checkUsername(username string) string {
	n := len(username)
	if n < UsernameMin || n > UsernameMax {
		return "Usernames are 3 to 30 characters long."
	}
	for i := 0; i < n; i++ {
		c := username[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return "Use only letters a-z, digits and underscores."
		}
	}
	return ""
}

func checkPassword(pw string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < PasswordMin:
		return "Passwords are at least 8 characters long."
	case n > PasswordMax:
		return "Passwords are at most 128 characters long."
	}
	return ""
}
