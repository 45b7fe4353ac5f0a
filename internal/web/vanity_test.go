package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// reserveCodes adds codes to the program's own reserved list.
func reserveCodes(t *testing.T, s *site, codes ...string) {
	t.Helper()
	ctx := context.Background()
	prog, err := s.svc.Program(ctx)
	if err != nil {
		t.Fatal(err)
	}
	prog.ReservedCodes = codes
	admin, err := s.svc.CreateUser(ctx, core.SignupInput{Email: "boss@example.com", Username: "boss", Password: "admin-password", IsAdmin: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.SaveProgram(ctx, admin, prog, "tests: reserved codes"); err != nil {
		t.Fatal(err)
	}
}

// TestChooseCode: each rule a chosen code breaks is named inline on the
// settings form (never a 500); a good one becomes the link, case
// folded, once; the old link and a cached miss of the new one both lead
// to the participant afterwards.
func TestChooseCode(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice, bob := s.browser(t), s.browser(t)
		alice.signup("alice")
		bob.signup("bob")
		reserveCodes(t, s, "vip-club")
		oldLink, bobCode := alice.link(), strings.TrimPrefix(bob.link(), s.srv.URL+"/r/")
		// A click on the code before anyone has it is remembered as unknown.
		if resp, _ := s.browser(t).get("/r/alice-doe"); resp.Header.Get("Location") != "/signup?link=unknown" {
			t.Fatalf("unknown code: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		refused := map[string]string{
			"":          "Type the code you want.",
			"abc":       "A code has 4 to 20 characters.",
			"alice_doe": "Use only the letters a to z, the digits 0 to 9 and hyphens (-).",
			"-alice":    "A code cannot start or end with a hyphen.",
			"Admin":     "&#34;admin&#34; is reserved. Choose another code.",
			"signup":    "&#34;signup&#34; is reserved. Choose another code.",
			"vip-club":  "&#34;vip-club&#34; is reserved. Choose another code.",
			"shit-deal": "That code contains a word we do not allow. Choose another code.",
			bobCode:     "&#34;" + bobCode + "&#34; is taken. Choose another code.",
		}
		for typed, want := range refused {
			resp, body := alice.post("/settings/code", url.Values{"code": {typed}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `<p class="field-error" id="code-error">`+want+`</p>`) {
				t.Fatalf("code %q: %d, want 422 with %q\n%s", typed, resp.StatusCode, want, body)
			}
		}
		resp, _ := alice.post("/settings/code", url.Values{"code": {" Alice-Doe "}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/settings?saved=code#link-code" {
			t.Fatalf("good code: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if link := alice.link(); link != s.srv.URL+"/r/alice-doe" {
			t.Fatalf("dashboard link = %s", link)
		}
		_, body := alice.get("/settings?saved=code")
		if !strings.Contains(body, `id="code-chosen"`) || !strings.Contains(body, "/r/"+strings.TrimPrefix(oldLink, s.srv.URL+"/r/")) {
			t.Fatalf("settings after the choice:\n%s", body)
		}
		resp, body = alice.post("/settings/code", url.Values{"code": {"alice-two"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "it can be chosen only once") {
			t.Fatalf("second choice: %d", resp.StatusCode)
		}
		for i, link := range []string{oldLink, s.srv.URL + "/r/ALICE-DOE"} {
			friend := s.browser(t)
			resp, _ := friend.get(strings.TrimPrefix(link, s.srv.URL))
			if resp.Header.Get("Location") != "/signup" || friend.cookie("rh_ref") == nil {
				t.Fatalf("%s: %d %s, want attributed", link, resp.StatusCode, resp.Header.Get("Location"))
			}
			friend.signup("friend" + string(rune('a'+i)))
		}
		if _, body := alice.get("/"); stat(t, body, "stat-referrals") != "2" {
			t.Errorf("alice's referrals = %s, want 2 (old and new link)", stat(t, body, "stat-referrals"))
		}
	})
}

// TestAdminSetsACode: an admin gives any user a code from the user list,
// as often as needed, under the same rules (named on the row), and the
// change is in the audit log; others cannot.
func TestAdminSetsACode(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		oldLink := alice.link()
		admin := adminBrowser(t, s)
		_, list := admin.get("/admin?q=alice")
		i := strings.Index(list, `action="/admin/users/`)
		if i < 0 {
			t.Fatalf("no code form on the user list:\n%s", list)
		}
		action := list[i+len(`action="`):]
		action = action[:strings.IndexByte(action, '"')]
		if resp, _ := alice.post(action, url.Values{"code": {"alice-own"}}); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("a participant used the admin form: %d", resp.StatusCode)
		}
		resp, body := admin.post(action, url.Values{"code": {"login"}, "q": {"alice"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "&#34;login&#34; is reserved.") ||
			!strings.Contains(body, `aria-invalid="true"`) {
			t.Fatalf("reserved code from the admin: %d\n%s", resp.StatusCode, body)
		}
		for _, code := range []string{"alice-shop", "alice-store"} {
			resp, _ = admin.post(action, url.Values{"code": {code}, "q": {"alice"}})
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin?") {
				t.Fatalf("admin sets %s: %d %s", code, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		if alice.link() != s.srv.URL+"/r/alice-store" {
			t.Fatalf("link after the admin's change = %s", alice.link())
		}
		for _, link := range []string{oldLink, s.srv.URL + "/r/alice-shop"} {
			if resp, _ := s.browser(t).get(strings.TrimPrefix(link, s.srv.URL)); resp.Header.Get("Location") != "/signup" {
				t.Fatalf("old link %s: %s", link, resp.Header.Get("Location"))
			}
		}
		_, audit := admin.get("/admin/audit")
		if !strings.Contains(audit, "participant.code") || !strings.Contains(audit, "alice-shop → alice-store") {
			t.Fatalf("audit log:\n%s", audit)
		}
		// The admin's changes did not use up alice's own choice.
		if resp, _ := alice.post("/settings/code", url.Values{"code": {"alice-doe"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("alice's own choice after the admin's: %d", resp.StatusCode)
		}
	})
}
