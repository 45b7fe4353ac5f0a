package referralhub

import "time"

// WebhookAttempt is one HTTP request of a delivery: its answer's status (0
// when none came), the error or the start of the answer, and its time.
type WebhookAttempt struct {
	ID          int64
	DeliveryID  int64
	EndpointID  int64
	EventID     string // read with the attempt, for listings
	EventType   string
	AttemptedAt time.Time
	StatusCode  int
	Error       string
	Response    string
	Duration    time.Duration // kept in milliseconds
	Succeeded   bool
}

// Webhook delivery states.
const (
	WebhookWaiting   = "waiting"   // behind an earlier undelivered delivery for the same endpoint and participant
	WebhookPending   = "pending"   // its job is queued or running
	WebhookSucceeded = "succeeded" // the endpoint answered 2xx
	WebhookDead      = "dead"      // given up: waits in the dead-letter view for a replay
)

// WebhookDelivery is one event on its way to one endpoint.
type WebhookDelivery struct {
	ID             int64
	EndpointID     int64
	EventID        string
	EventType      string // read with the delivery, for listings
	ParticipantID  int64
	State          string
	Sends          int // 1 + the replays
	Attempts       int // every attempt, over all sends
	LastStatus     int // the last attempt's HTTP status, 0 for none
	LastError      string
	FirstAttemptAt time.Time // of the current send; zero before it
	CreatedAt      time.Time
	DeliveredAt    time.Time
	DeadAt         time.Time
}

// WebhookEndpoint is a URL that receives signed events of the types in
// Events. A long run of failed attempts disables it.
type WebhookEndpoint struct {
	ID     int64
	URL    string
	Secret string // the shared signing secret, shown to admins
	Events []string
	// Enabled endpoints get deliveries; a disabled one gets none until an
	// admin enables it again.
	Enabled             bool
	ConsecutiveFailures int
	FailingSince        time.Time // when the current run of failures began; zero after a success
	DisabledAt          time.Time
	DisabledReason      string
	DisabledByFailures  bool // disabled by the system after failing, not by an admin
	CreatedAt           time.Time
}
