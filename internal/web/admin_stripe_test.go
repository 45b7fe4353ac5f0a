package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/stripepay"
	"github.com/referralhub/referralhub/internal/stripepay/stripetest"
)

// postStripe posts a payload to the Stripe webhook with a signature
// header, as Stripe does, and returns the answer.
func postStripe(t *testing.T, s *site, payload []byte, signature string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.srv.URL+"/integrations/stripe/webhook", strings.NewReader(string(payload)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if signature != "" {
		req.Header.Set("Stripe-Signature", signature)
	}
	resp, body := s.browser(t).do(req)
	return resp.StatusCode, body
}

// TestStripeWebhookChecksSignatures answers a signed event 200 at once and
// stores it once, whatever Stripe retries; a bad, missing or stale
// signature, or a payload that is not an event, gets 400 and stores
// nothing.
func TestStripeWebhookChecksSignatures(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSiteWith(t, db, time.Now, siteOptions{stripeSecret: stripetest.Secret})
		payload := stripetest.Event("evt_1", stripepay.InvoicePaid, time.Now(), stripetest.Invoice("in_1", "cus_1", "", 900, "pi_1"))
		for range 2 { // Stripe's retry of the same event
			if status, body := postStripe(t, s, payload, stripetest.Sign(payload, stripetest.Secret, time.Time{})); status != http.StatusOK ||
				!strings.Contains(body, `"received":true`) {
				t.Fatalf("signed event: %d %s", status, body)
			}
		}
		notEvent := []byte(`{"object":"invoice","id":"in_1"}`)
		for name, c := range map[string]struct {
			payload   []byte
			signature string
			says      string
		}{
			"missing":      {payload, "", "missing"},
			"other secret": {payload, stripetest.Sign(payload, "whsec_other", time.Time{}), "does not match"},
			"stale":        {payload, stripetest.Sign(payload, stripetest.Secret, time.Now().Add(-10*time.Minute)), "5 minutes"},
			"not an event": {notEvent, stripetest.Sign(notEvent, stripetest.Secret, time.Time{}), "not a Stripe event"},
		} {
			status, body := postStripe(t, s, c.payload, c.signature)
			if status != http.StatusBadRequest || !strings.Contains(body, c.says) {
				t.Errorf("%s: %d %s", name, status, body)
			}
		}
		s.runJobs(t)
		admin := adminBrowser(t, s)
		_, page := admin.get("/admin/integrations/stripe")
		if strings.Count(page, `<tr id="stripe-`) != 1 || !strings.Contains(page, `id="stripe-evt_1"`) {
			t.Fatalf("the admin page does not list the event once:\n%s", page)
		}
		if status, _ := postStripe(t, s, payload, stripetest.Sign(payload, stripetest.Secret, time.Time{})); status != http.StatusOK {
			t.Fatalf("a replay after it was applied: %d", status)
		}
	})
}

// TestStripeWebhookWithoutSecret answers 503 while no secret is set, and
// the admin page says what to set.
func TestStripeWebhookWithoutSecret(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		payload := stripetest.Event("evt_1", stripepay.InvoicePaid, time.Now(), stripetest.Object{})
		if status, body := postStripe(t, s, payload, stripetest.Sign(payload, stripetest.Secret, time.Time{})); status != http.StatusServiceUnavailable ||
			!strings.Contains(body, "REFERRALHUB_STRIPE_WEBHOOK_SECRET") {
			t.Fatalf("without a secret: %d %s", status, body)
		}
		_, page := adminBrowser(t, s).get("/admin/integrations/stripe")
		if !strings.Contains(page, `<dd id="stripe-secret"><span class="state state-failed">not set</span>`) {
			t.Fatalf("the page does not say the secret is missing:\n%s", page)
		}
	})
}

// TestAdminStripePageShowsSetupEventsAndRetries shows the endpoint URL,
// the events to send and the API version, lists events with their
// outcomes, and retries a failed one for an admin only.
func TestAdminStripePageShowsSetupEventsAndRetries(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSiteWith(t, db, time.Now, siteOptions{stripeSecret: stripetest.Secret})
		bob := s.browser(t)
		bob.signup("bob")
		send := func(payload []byte) {
			t.Helper()
			if status, body := postStripe(t, s, payload, stripetest.Sign(payload, stripetest.Secret, time.Time{})); status != http.StatusOK {
				t.Fatalf("%d %s", status, body)
			}
			s.runJobs(t)
		}
		checkout := stripetest.Checkout("cs_1", "cus_bob", 4900)
		checkout["customer_details"] = stripetest.Object{"email": "bob@example.com"}
		send(stripetest.Event("evt_paid", stripepay.CheckoutCompleted, time.Now(), checkout))
		send(stripetest.Event("evt_nobody", stripepay.CheckoutCompleted, time.Now(), stripetest.Checkout("cs_2", "cus_x", 100)))
		send(stripetest.EventIn("2024-06-20", "evt_old", stripepay.InvoicePaid, time.Now(), stripetest.Object{}))
		admin := adminBrowser(t, s)
		resp, page := admin.get("/admin/integrations/stripe")
		for _, want := range []string{
			`value="` + s.srv.URL + `/integrations/stripe/webhook"`, stripepay.APIVersion, "charge.dispute.created",
			"customer.subscription.deleted", `<dd id="stripe-secret"><span class="state state-done">set</span>`,
			`<span class="state state-recorded">recorded</span>`, "Purchase of $49.00 recorded",
			`<span class="state state-unmatched">unmatched</span>`, "No participant matched customer cus_x",
			`<span class="state state-failed">failed</span>`, "2024-06-20",
			`action="/admin/integrations/stripe/events/evt_old/retry"`,
		} {
			if !strings.Contains(page, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if resp.StatusCode != http.StatusOK || strings.Count(page, "/retry\"") != 1 {
			t.Fatalf("%d: one retry button expected:\n%s", resp.StatusCode, page)
		}
		if resp, _ := bob.post("/admin/integrations/stripe/events/evt_old/retry", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a participant's retry: %d", resp.StatusCode)
		}
		resp, _ = admin.post("/admin/integrations/stripe/events/evt_old/retry", nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/integrations/stripe?retried=evt_old" {
			t.Fatalf("retry: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := admin.post("/admin/integrations/stripe/events/evt_old/retry", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a second retry before it ran: %d", resp.StatusCode)
		}
		s.runJobs(t)
		_, page = admin.get("/admin/integrations/stripe?retried=evt_old")
		if !strings.Contains(page, "retried 1×") || !strings.Contains(page, `id="stripe-notice"`) {
			t.Errorf("the retry is not shown:\n%s", page)
		}
		if _, audit := admin.get("/admin/audit?action=stripe."); !strings.Contains(audit, "Stripe event evt_old") {
			t.Errorf("the retry is not in the audit log")
		}
	})
}
