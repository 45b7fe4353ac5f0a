package core_test

import (
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// TestBoardNameInitials: initials come from the letters of each word, so
// digits in a username make none.
func TestBoardNameInitials(t *testing.T) {
	for _, c := range []struct{ show, display, username, want string }{
		{referralhub.ShowInitials, "", "ada_lovelace", "A. L."},
		{referralhub.ShowInitials, "Ada Lovelace", "x", "A. L."},
		{referralhub.ShowInitials, "", "jane_2", "J."},
		{referralhub.ShowInitials, "", "john2smith", "J. S."},
		{referralhub.ShowInitials, "", "12345", "Anonymous"},
		{referralhub.ShowInitials, "", "élodie_ünal", "É. Ü."},
		{referralhub.ShowName, "Ada L.", "ada", "Ada L."},
		{referralhub.ShowName, "", "bob_1", "B."},
	} {
		if got := core.BoardName(c.show, c.display, c.username); got != c.want {
			t.Errorf("BoardName(%q, %q, %q) = %q, want %q", c.show, c.display, c.username, got, c.want)
		}
	}
}
