package core

import "testing"

// TestAnonymiseReason replaces a deleted user's name in each shape of
// reason the rules write, and only their name, even when it is a word
// the reason uses.
func TestAnonymiseReason(t *testing.T) {
	cases := []struct{ name, reason, want string }{
		{"bob", "bob signed up", "a deleted user signed up"},
		{"bob", "bob verified their email", "a deleted user verified their email"},
		{"bob", "bob's first purchase", "a deleted user's first purchase"},
		{"bob", "bob: level_up", "a deleted user: level_up"},
		{"bob", "Reversed: bob's purchase (refunded)", "Reversed: a deleted user's purchase (refunded)"},
		{"bob", "You signed up through bob's link", "You signed up through a deleted user's link"},
		{"bob", "bobby signed up", "bobby signed up"},
		{"bob", "You signed up through alice's link", "You signed up through alice's link"},
		{"you", "You signed up through you's link", "You signed up through a deleted user's link"},
		{"you", "you signed up", "a deleted user signed up"},
		{"purchase", "purchase's purchase", "a deleted user's purchase"},
		{"signed", "Reversed: signed's first purchase (refunded)", "Reversed: a deleted user's first purchase (refunded)"},
		{"bob", "Bonus for bob, and bob_2 and bob.", "Bonus for a deleted user, and bob_2 and a deleted user."},
		{"", "bob signed up", "bob signed up"},
	}
	for _, tc := range cases {
		if got := anonymiseReason(tc.reason, tc.name); got != tc.want {
			t.Errorf("anonymiseReason(%q, %q) = %q, want %q", tc.reason, tc.name, got, tc.want)
		}
	}
}
