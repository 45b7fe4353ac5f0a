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

// TestEmbedShowsThePromotionCode shows the participant's Stripe promotion
// code on the embedded page too, with a Copy button, once it is made.
func TestEmbedShowsThePromotionCode(t *testing.T) {
	mock := stripemock.Start(t)
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newEmbedSite(t, db, time.Now, siteOptions{stripeBase: mock})
		ann := s.token(t, "ann", "")
		b := s.browser(t)
		if _, body := b.get(embedPage(ann.Token, "", hostOrigin)); strings.Contains(body, `id="promo-code"`) {
			t.Fatal("a promotion code without a coupon")
		}
		s.program(t, func(p *referralhub.Program) { p.StripeCoupon = "FRIEND10" })
		b.get(embedPage(ann.Token, "", hostOrigin)) // the first sight queues the code's job
		s.runJobs(t)
		_, body := b.get(embedPage(ann.Token, "", hostOrigin))
		code := strings.ToUpper(participantCode(t, s, ann.ParticipantID))
		if !strings.Contains(body, `id="promo-code" class="mono" value="`+code+`"`) || !strings.Contains(body, `data-copy="promo-code"`) {
			t.Fatalf("the embedded page lacks the promotion code %s with its Copy button:\n%s", code, body)
		}
	})
}
