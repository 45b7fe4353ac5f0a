package core_test

import (
	"context"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestCheckVanityCode names the rule each refused code breaks.
func TestCheckVanityCode(t *testing.T) {
	cases := map[string]string{
		"Jane-Doe":              "",
		"a1b2":                  "",
		"twenty-characters-ok":  "",
		"abc":                   "A code has 4 to 20 characters.",
		"twenty-one-characters": "A code has 4 to 20 characters.",
		"jane.doe":              "Use only the letters a to z, the digits 0 to 9 and hyphens (-).",
		"jané-doe":              "Use only the letters a to z, the digits 0 to 9 and hyphens (-).",
		"jane-":                 "A code cannot start or end with a hyphen.",
		"LOGIN":                 `"login" is reserved. Choose another code.`,
		"our-ceo":               `"our-ceo" is reserved. Choose another code.`,
		"my-f-u-c-k":            "That code contains a word we do not allow. Choose another code.",
		"classic":               "", // "ass" is not on the list: innocent words pass
	}
	for typed, want := range cases {
		code, err := core.CheckVanityCode(typed, []string{"our-ceo"})
		got := referralhub.ErrorFields(err)["code"]
		if got != want || err == nil && code != core.NormalizeCode(typed) {
			t.Errorf("%q: %q (%v), want %q", typed, got, code, want)
		}
	}
}

// TestChosenCodeReachesAnotherInstance: instance B remembers alice's new
// code as unknown and her old code with her old code; once A changes it,
// B's next code check makes both lead to her.
func TestChosenCodeReachesAnotherInstance(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		a, b := newFixture(t, db), newFixture(t, db)
		ctx := context.Background()
		alice, _ := a.upsert(t, core.ParticipantInput{ExternalID: "alice"})
		if _, err := b.svc.CheckCodes(ctx); err != nil {
			t.Fatal(err)
		}
		visit := core.Visit{IP: "192.0.2.1", UserAgent: "test"}
		if res, _ := b.svc.Click(ctx, "alice-doe", visit); res.Attributed {
			t.Fatal("a code nobody has was attributed")
		}
		if _, err := a.svc.ChooseCode(ctx, alice.ID, "alice-doe"); err != nil {
			t.Fatal(err)
		}
		if res, _ := b.svc.Click(ctx, "alice-doe", visit); res.Attributed {
			t.Fatal("B did not remember the unknown code: the test proves nothing")
		}
		if purged, err := b.svc.CheckCodes(ctx); err != nil || !purged {
			t.Fatalf("check after the change: purged %v, %v", purged, err)
		}
		for _, code := range []string{"alice-doe", alice.Code} {
			res, err := b.svc.Click(ctx, code, visit)
			if err != nil || !res.Attributed || res.Attribution.Code != code {
				t.Fatalf("B, %s: %+v %v", code, res, err)
			}
			if owner, ok := b.svc.Referrer(ctx, res.Cookie); !ok || owner.ParticipantID != alice.ID {
				t.Fatalf("the attribution of %s names %+v", code, owner)
			}
		}
		if _, err := a.svc.ChooseCode(ctx, alice.ID, "alice-two"); referralhub.ErrorFields(err)["code"] == "" {
			t.Fatalf("second choice: %v", err)
		}
	})
}
