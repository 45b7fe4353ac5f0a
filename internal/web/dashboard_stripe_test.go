package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/stripepay/stripemock"
)

// TestDashboardShowsThePromotionCode shows a participant's own Stripe
// promotion code once the program names a coupon: first that it is being
// made, then the code, made through stripe-mock.
func TestDashboardShowsThePromotionCode(t *testing.T) {
	mock := stripemock.Start(t)
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSiteWith(t, db, time.Now, siteOptions{stripeBase: mock})
		alice := s.browser(t)
		alice.signup("alice")
		if _, body := alice.get("/"); strings.Contains(body, `id="promotion"`) {
			t.Fatal("a promotion code without a coupon")
		}
		prog := programNow(t, s)
		prog.StripeCoupon = "FRIEND10"
		if _, err := s.svc.SaveProgram(context.Background(), referralhub.User{Username: "root", IsAdmin: true}, prog, "coupon"); err != nil {
			t.Fatal(err)
		}
		if _, body := alice.get("/"); !strings.Contains(body, "being prepared") {
			t.Fatalf("before the job:\n%s", body)
		}
		s.runJobs(t)
		_, body := alice.get("/")
		code := alice.link()[strings.LastIndex(alice.link(), "/")+1:]
		want := `<strong class="mono" id="promotion-code">` + strings.ToUpper(code) + `</strong>`
		if !strings.Contains(body, want) {
			t.Fatalf("the dashboard lacks %s:\n%s", want, body)
		}
	})
}
