package web

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// TestEveryTemplateRenders executes each page with representative data, so
// no template is left broken, including ones no handler test reaches.
func TestEveryTemplateRenders(t *testing.T) {
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	p, err := parsePages(a)
	if err != nil {
		t.Fatal(err)
	}
	user := &referralhub.User{Username: "alice", IsAdmin: true}
	d := core.Dashboard{Page: 2, Pages: 3, Referrals: []referralhub.ReferredUser{{Username: "bob", JoinedAt: time.Now()}}}
	data := map[string]pageData{
		"landing":     {Title: "x"},
		"signup":      {Title: "x", Data: signupView{Email: "a@b.c", Errors: map[string]string{"email": "bad"}, ReferredBy: "alice"}},
		"login":       {Title: "x", Data: loginView{Login: "alice", Message: "no"}},
		"dashboard":   {Title: "x", User: user, Data: dashboardView{Code: "abcdefgh", Link: "http://x/r/abcdefgh", Share: shareLinks("http://x/r/abcdefgh"), QR: qrSVG("http://x/r/abcdefgh"), Rows: referralRows(d), Dashboard: d}},
		"admin_users": {Title: "x", User: user, Data: core.UserList{Users: []referralhub.AdminUser{{User: *user, Code: "abcdefgh"}}, Page: 2, Pages: 3}},
		"error":       {Title: "x", Data: errorView{Status: 404, Message: "gone", RequestID: "id"}},
	}
	s := &Server{pages: p, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for name := range p.byName {
		pd, ok := data[name]
		if !ok {
			t.Errorf("template %s has no case here: add one", name)
			continue
		}
		rec := httptest.NewRecorder()
		s.render(rec, httptest.NewRequest("GET", "/", nil), 200, name, pd)
		if rec.Code != 200 || rec.Body.Len() < 500 {
			t.Errorf("%s: status %d, %d bytes", name, rec.Code, rec.Body.Len())
		}
	}
}
