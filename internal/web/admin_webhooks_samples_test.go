package web

import (
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/webhook"
)

// webhookSamples are an enabled endpoint and one disabled after failing,
// for TestEveryTemplateRenders.
func webhookSamples() []referralhub.WebhookEndpoint {
	now := time.Now()
	return []referralhub.WebhookEndpoint{
		{ID: 1, URL: "https://shop.example/hooks", Secret: "whsec_x", Events: webhook.EventTypes(), Enabled: true, CreatedAt: now},
		{ID: 2, URL: "http://old.example/hooks?k=1", Secret: "whsec_y", Events: []string{"reward.created"}, ConsecutiveFailures: 81,
			FailingSince: now.Add(-72 * time.Hour), DisabledAt: now, DisabledReason: "No delivery attempt succeeded for 3 days.",
			DisabledByFailures: true, CreatedAt: now},
	}
}

// webhookFormSample is a refused endpoint form.
func webhookFormSample(editing bool) webhookForm {
	f := newWebhookForm("ftp://x", []string{"reward.created"})
	f.Editing, f.Message = editing, "Please correct the highlighted fields."
	f.Errors = map[string]string{"url": "bad", "secret": "short", "events": "none"}
	return f
}

// webhookPageSample is a disabled endpoint's page with a delivered, a
// waiting and a dead delivery and their attempts.
func webhookPageSample() core.WebhookEndpointPage {
	now := time.Now()
	d := referralhub.WebhookDelivery{ID: 3, EndpointID: 2, EventID: "evt_1", EventType: "reward.created", ParticipantID: 7,
		State: "succeeded", Sends: 2, Attempts: 3, LastStatus: 200, CreatedAt: now}
	dead := d
	dead.ID, dead.State, dead.LastError, dead.Sends = 4, "dead", "the endpoint answered 500", 1
	waiting := d
	waiting.ID, waiting.State = 5, "waiting"
	return core.WebhookEndpointPage{Endpoint: webhookSamples()[1], Counts: map[string]int64{"succeeded": 1, "dead": 1, "waiting": 1},
		Deliveries: []referralhub.WebhookDelivery{waiting, dead, d}, Dead: []referralhub.WebhookDelivery{dead},
		Attempts: []referralhub.WebhookAttempt{
			{ID: 9, DeliveryID: 3, EventID: "evt_1", EventType: "reward.created", AttemptedAt: now, StatusCode: 200, Response: "ok", Duration: 120 * time.Millisecond, Succeeded: true},
			{ID: 8, DeliveryID: 4, EventID: "evt_2", EventType: "reward.created", AttemptedAt: now, Error: "dial tcp: connection refused", Duration: time.Second}}}
}
