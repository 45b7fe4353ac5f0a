package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// eventRequest is the body of POST /events.
type eventRequest struct {
	Participant    json.RawMessage `json:"participant"` // an id, or "ext:" and an external id
	Type           string          `json:"type"`
	Amount         int64           `json:"amount"`
	Currency       string          `json:"currency"`
	Purchase       string          `json:"purchase"` // refunds: the idempotency_key of the purchase
	IdempotencyKey string          `json:"idempotency_key"`
	OccurredAt     *string         `json:"occurred_at"`
	Metadata       json.RawMessage `json:"metadata"`
}

// eventField names a core event field as the request body does.
func eventField(name string) string {
	switch name {
	case "name":
		return "type"
	case "key":
		return "idempotency_key"
	}
	return name
}

type eventJSON struct {
	ID             int64           `json:"id"`
	ParticipantID  int64           `json:"participant_id"`
	Type           string          `json:"type"`
	Amount         *int64          `json:"amount"`
	Currency       *string         `json:"currency"`
	Purchase       *string         `json:"purchase"`
	IdempotencyKey string          `json:"idempotency_key"`
	OccurredAt     *time.Time      `json:"occurred_at"`
	Metadata       json.RawMessage `json:"metadata"`
	ReferralID     *int64          `json:"referral_id"`
	CreatedAt      time.Time       `json:"created_at"`
	Rewards        []rewardJSON    `json:"rewards"`
}

// recordEvent is POST /events: 201 with the event and the ledger entries
// it caused, or 200 with the first event when its idempotency_key was
// recorded before for the participant (nothing changes).
func (h *Handler) recordEvent(w http.ResponseWriter, r *http.Request, body []byte) {
	ref, in, err := eventInput(body)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	in.ParticipantRef = ref // looked up in the event's transaction
	ev, recorded, err := h.svc.RecordEvent(r.Context(), in)
	if err != nil {
		h.writeError(w, r, renameFields(err, eventField))
		return
	}
	status := http.StatusOK
	if recorded {
		status = http.StatusCreated
	}
	writeJSON(w, status, eventView(ev))
}

// eventInput decodes and translates the body of POST /events: the
// participant's reference, and the event.
func eventInput(body []byte) (string, core.EventInput, error) {
	var req eventRequest
	if err := decode(body, &req, false); err != nil {
		return "", core.EventInput{}, err
	}
	in := core.EventInput{Name: req.Type, Key: req.IdempotencyKey, Amount: req.Amount, Currency: req.Currency,
		PurchaseKey: req.Purchase}
	ref, err := participantRef(req.Participant)
	if err != nil {
		return ref, in, err
	}
	if req.OccurredAt != nil {
		if in.OccurredAt, err = time.Parse(time.RFC3339Nano, *req.OccurredAt); err != nil {
			return ref, in, invalidParam("occurred_at", "occurred_at is a time in RFC 3339, like 2026-11-01T12:00:00Z.")
		}
	}
	in.Metadata, err = metadataText(req.Metadata)
	return ref, in, err
}

// participantRef reads the participant field: a whole number, or a string
// holding an id or "ext:" and an external id.
func participantRef(raw json.RawMessage) (string, error) {
	var ref string
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", invalidParam("participant", "Name the participant: its id, or ext: and its external id.")
	case raw[0] == '"':
		if err := json.Unmarshal(raw, &ref); err != nil {
			return "", badRequest(CodeMalformedJSON, "participant", "participant is not a valid JSON string.")
		}
		return ref, nil
	}
	if id, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
		return strconv.FormatInt(id, 10), nil
	}
	return "", badRequest(CodeInvalidType, "participant", "participant must be an id (a whole number) or a string, not "+jsonKind(raw)+".")
}

// metadataText returns the metadata object as compact JSON, "" for none.
func metadataText(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	if raw[0] != '{' {
		return "", badRequest(CodeInvalidType, "metadata", "metadata must be a JSON object, not "+jsonKind(raw)+".")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return "", badRequest(CodeMalformedJSON, "metadata", "metadata is not valid JSON.")
	}
	return buf.String(), nil
}

// jsonKind names the JSON type of a raw value that the decoder accepted.
func jsonKind(raw json.RawMessage) string {
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	}
	return string(raw) // a number, but not a whole one within 64 bits
}

func eventView(ev core.RecordedEvent) eventJSON {
	out := eventJSON{ID: ev.ID, ParticipantID: ev.ParticipantID, Type: ev.Name, Currency: optString(ev.Currency),
		Purchase: optString(ev.PurchaseKey), IdempotencyKey: ev.Key, OccurredAt: optTime(ev.OccurredAt),
		ReferralID: optInt(ev.ReferralID), CreatedAt: ev.CreatedAt, Rewards: rewardsView(ev.Rewards)}
	if ev.Amount != 0 || ev.Name == referralhub.EventPurchase || ev.Name == referralhub.EventRefund {
		out.Amount = &ev.Amount
	}
	if ev.Metadata != "" {
		out.Metadata = json.RawMessage(ev.Metadata)
	}
	return out
}
