package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Client calls ReferralHub's JSON API with a write key.
type Client struct {
	base string
	key  string
	http *http.Client
}

// NewClient returns a client for the API at base (ReferralHub's base URL).
func NewClient(base, key string) *Client {
	return &Client{base: base, key: key, http: &http.Client{Timeout: 10 * time.Second}}
}

// APIError is an error answer of the API.
type APIError struct {
	Status  int
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
}

func (e *APIError) Error() string {
	return fmt.Sprintf("referralhub api: %d %s: %s (%s)", e.Status, e.Code, e.Message, e.Field)
}

// do sends a JSON request and decodes a JSON answer into out.
func (c *Client) do(ctx context.Context, method, path, idempotencyKey string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+"/api/v1"+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if idempotencyKey != "" {
		req.Header.Set("Idempotency-Key", idempotencyKey)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		var e struct {
			Error APIError `json:"error"`
		}
		json.NewDecoder(resp.Body).Decode(&e)
		e.Error.Status = resp.StatusCode
		return &e.Error
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// Participant is the part of ReferralHub's participant the shop uses.
type Participant struct {
	ID           int64  `json:"id"`
	ExternalID   string `json:"external_id"`
	Code         string `json:"code"`
	ReferralLink string `json:"referral_link"`
	Stats        struct {
		Referrals int64 `json:"referrals"`
		Points    int64 `json:"points"`
	} `json:"stats"`
}

// ParticipantInput creates or updates a participant.
type ParticipantInput struct {
	ExternalID   string  `json:"external_id"`
	Email        string  `json:"email,omitempty"`
	Name         string  `json:"name,omitempty"`
	ReferralCode *string `json:"referral_code,omitempty"`
	ClickID      *string `json:"click_id,omitempty"`
}

// UpsertParticipant creates the shop's user in ReferralHub (or updates it).
func (c *Client) UpsertParticipant(ctx context.Context, in ParticipantInput) (Participant, error) {
	var p Participant
	err := c.do(ctx, http.MethodPost, "/participants", "participant-"+in.ExternalID, in, &p)
	return p, err
}

// Participant reads a participant by the shop's id.
func (c *Client) Participant(ctx context.Context, externalID string) (Participant, error) {
	var p Participant
	err := c.do(ctx, http.MethodGet, "/participants/ext:"+externalID, "", nil, &p)
	return p, err
}

// EmbedToken opens a participant's embedded referral page.
type EmbedToken struct {
	Token     string `json:"token"`
	ExpiresAt string `json:"expires_at"`
	URL       string `json:"url"`
}

// MintEmbedToken asks for a token that opens the embedded referral page
// of the shop's user externalID, who is created in ReferralHub if new.
func (c *Client) MintEmbedToken(ctx context.Context, externalID, email, name string) (EmbedToken, error) {
	var t EmbedToken
	in := map[string]string{"external_id": externalID, "email": email, "name": name}
	err := c.do(ctx, http.MethodPost, "/embed-tokens", "", in, &t)
	return t, err
}

// EventInput reports something a participant did.
type EventInput struct {
	Participant    string `json:"participant"`
	Type           string `json:"type"`
	Amount         int64  `json:"amount,omitempty"`
	Currency       string `json:"currency,omitempty"`
	IdempotencyKey string `json:"idempotency_key"`
}

// RecordEvent reports an event (a verified email, a purchase).
func (c *Client) RecordEvent(ctx context.Context, in EventInput) error {
	return c.do(ctx, http.MethodPost, "/events", in.IdempotencyKey, in, nil)
}
