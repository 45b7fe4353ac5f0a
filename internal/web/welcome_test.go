package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// giveBoth saves a program whose one rule gives both sides $10 credit on
// signup.
func giveBoth(t *testing.T, s *site) {
	t.Helper()
	ctx := context.Background()
	prog, err := s.svc.Program(ctx)
	if err != nil {
		t.Fatal(err)
	}
	usd10 := &referralhub.RewardSpec{Kind: referralhub.KindCredit, Amount: 1000, Currency: "usd"}
	prog.Rules = []referralhub.Rule{{Trigger: referralhub.EventSignup, Referrer: usd10, Referee: usd10}}
	admin, err := s.svc.CreateUser(ctx, core.SignupInput{Email: "owner@example.com", Username: "owner", Password: "admin-password", IsAdmin: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.SaveProgram(ctx, admin, prog, "tests: $10 each"); err != nil {
		t.Fatal(err)
	}
}

// TestFriendWelcome: a friend who followed a link is told who invited them
// and what they get, in words from the program's rules, on the signup page
// and again when the form comes back with an error.
func TestFriendWelcome(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		giveBoth(t, s)
		alice := s.browser(t)
		alice.signup("alice")
		friend := s.browser(t)
		friend.get(strings.TrimPrefix(alice.link(), s.srv.URL))
		want := []string{`id="referred-by"><strong>alice</strong> invited you to ReferralHub.</p>`,
			`id="invitation-offer">Sign up and you both get $10.</p>`}
		_, body := friend.get("/signup")
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Fatalf("signup page lacks %s\n%s", w, body)
			}
		}
		if strings.Contains(body, `id="link-problem"`) {
			t.Error("a good link is said to have a problem")
		}
		_, body = friend.post("/signup", map[string][]string{"email": {"nope"}, "username": {"friend"}, "password": {"password123"}})
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Fatalf("refused signup form lacks %s", w)
			}
		}
		if _, body := s.browser(t).get("/signup"); strings.Contains(body, `id="invitation"`) {
			t.Error("a visitor who followed no link is welcomed as invited")
		}
	})
}
