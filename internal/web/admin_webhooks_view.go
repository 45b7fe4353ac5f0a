package web

import (
	"net/url"
	"slices"
	"strconv"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/webhook"
)

// webhooksView is the admin's webhooks page: the endpoints, the ones the
// system disabled after failing (the notice), and the form for a new one.
type webhooksView struct {
	Endpoints []referralhub.WebhookEndpoint
	Failed    []referralhub.WebhookEndpoint // disabled after failing
	Form      webhookForm
	Notice    string
}

// webhookView is one endpoint's page: its settings and delivery log.
type webhookView struct {
	core.WebhookEndpointPage
	States      []webhookStateCount
	DeadTable   deliveryTable
	LatestTable deliveryTable
	Form        webhookForm
	Notice      string
}

// deliveryTable is a list of deliveries, with a replay button each while
// the endpoint is enabled.
type deliveryTable struct {
	Rows    []referralhub.WebhookDelivery
	Enabled bool
	Empty   string // what an empty list says
}

// newWebhookView arranges an endpoint's page.
func newWebhookView(page core.WebhookEndpointPage, form webhookForm, notice string) webhookView {
	on := page.Endpoint.Enabled
	return webhookView{WebhookEndpointPage: page, States: webhookStates(page.Counts), Form: form, Notice: notice,
		DeadTable:   deliveryTable{Rows: page.Dead, Enabled: on, Empty: "No dead deliveries."},
		LatestTable: deliveryTable{Rows: page.Deliveries, Enabled: on, Empty: "Nothing sent yet."}}
}

// webhookStateCount is how many of an endpoint's deliveries are in State.
type webhookStateCount struct {
	State string
	Count int64
}

// webhookForm is an endpoint's form as sent, with its errors.
type webhookForm struct {
	URL     string
	Secret  string
	Events  map[string]bool
	Choices []string // every event type, in order
	Editing bool     // an existing endpoint's form: a blank secret keeps it
	Errors  map[string]string
	Message string
}

// newWebhookForm is a form with the event types to choose from, checked
// as in events.
func newWebhookForm(u string, events []string) webhookForm {
	f := webhookForm{URL: u, Events: map[string]bool{}, Choices: webhook.EventTypes()}
	for _, e := range events {
		f.Events[e] = true
	}
	return f
}

// readWebhookForm reads the posted fields url, secret and events (one
// value per checked box).
func readWebhookForm(form url.Values) webhookForm {
	f := newWebhookForm(form.Get("url"), form["events"])
	f.Secret = form.Get("secret")
	return f
}

// input is the form as the core takes it.
func (f webhookForm) input() core.WebhookInput {
	in := core.WebhookInput{URL: f.URL, Secret: f.Secret}
	for _, typ := range f.Choices {
		if f.Events[typ] {
			in.Events = append(in.Events, typ)
		}
	}
	for typ := range f.Events { // unknown ones too, so the core refuses them
		if !slices.Contains(f.Choices, typ) {
			in.Events = append(in.Events, typ)
		}
	}
	return in
}

// webhookStates lists the delivery states in the order a delivery moves
// through them, with counts.
func webhookStates(counts map[string]int64) []webhookStateCount {
	var out []webhookStateCount
	for _, st := range []string{referralhub.WebhookWaiting, referralhub.WebhookPending, referralhub.WebhookSucceeded, referralhub.WebhookDead} {
		out = append(out, webhookStateCount{State: st, Count: counts[st]})
	}
	return out
}

// webhookNotice says what the last post on an endpoint's page did.
func webhookNotice(q url.Values) string {
	switch {
	case q.Get("created") != "":
		return "The endpoint was added. Give its secret to the receiving side, to check signatures."
	case q.Get("done") == "update":
		return "The endpoint was saved."
	case q.Get("done") == "enable":
		return "The endpoint is enabled. Deliveries given up while it was off wait below: replay them to send them."
	case q.Get("done") == "disable":
		return "The endpoint is disabled: nothing is sent to it, and its undelivered deliveries were given up."
	case q.Get("replayed") != "":
		n, _ := strconv.Atoi(q.Get("replayed"))
		return strconv.Itoa(n) + " dead deliveries are queued again."
	case q.Get("replayed_delivery") != "":
		id, _ := strconv.ParseInt(q.Get("replayed_delivery"), 10, 64)
		return "Delivery " + strconv.FormatInt(id, 10) + " is queued again."
	}
	return ""
}
