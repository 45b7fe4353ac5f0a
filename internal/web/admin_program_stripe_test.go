package web_test

import (
	"strings"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestProgramFormSegmentsByBeneficiaryAndNamesTheStripeCoupon saves a
// rule segmented by each beneficiary's own plan and the Stripe coupon for
// friends, shows them back, and keeps a rule segmented as before meaning
// the friend's plan.
func TestProgramFormSegmentsByBeneficiaryAndNamesTheStripeCoupon(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		admin := adminBrowser(t, s)
		form := loadProgramForm(t, admin)
		if form.Get("rule.0.segment_of") != referralhub.SegmentFriend || form.Get("stripe_coupon") != "" {
			t.Fatalf("the default form: %v", form)
		}
		form.Set("stripe_coupon", " FRIEND10 ")
		form.Set("rule.0.segment", "free")
		form.Set("rule.0.segment_of", "beneficiary")
		form.Set("rule.1.trigger", "purchase")
		form.Set("rule.1.segment", "paid")
		form.Set("rule.1.referee_kind", "points")
		form.Set("rule.1.referee_amount", "5")
		saveProgramForm(t, admin, form)
		p := programNow(t, s)
		if p.StripeCoupon != "FRIEND10" || p.Rules[0].Segment != "free" || p.Rules[0].SegmentOf != referralhub.SegmentBeneficiary ||
			p.Rules[1].Segment != "paid" || p.Rules[1].SegmentOf != "" {
			t.Fatalf("saved = %+v", p)
		}
		form = loadProgramForm(t, admin)
		if form.Get("stripe_coupon") != "FRIEND10" || form.Get("rule.0.segment_of") != "beneficiary" || form.Get("rule.1.segment_of") != "friend" {
			t.Fatalf("shown back: %v", form)
		}
		_, body := admin.get("/admin/program")
		if !strings.Contains(body, "Changed the Stripe coupon for friends; edited rule #1; added a rule.") {
			t.Errorf("the history does not say what changed")
		}
		form.Set("stripe_coupon", "two words")
		form.Set("rule.0.segment_of", "everyone")
		resp, body := admin.post("/admin/program", form)
		if resp.StatusCode != 422 || !strings.Contains(body, `id="stripe_coupon-error"`) || !strings.Contains(body, `id="rule-0-segment-error"`) {
			t.Fatalf("bad values: %d\n%s", resp.StatusCode, body)
		}
	})
}
