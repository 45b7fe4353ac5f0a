package api_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestEveryMalformedInputGetsItsError sends each kind of bad request and
// checks its status, code and field: never a 500, always the JSON error
// shape.
func TestEveryMalformedInputGetsItsError(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		e.participant(`{"external_id":"ann"}`, http.StatusCreated)
		const parts, events = "/api/v1/participants", "/api/v1/events"
		ev := func(fields string) string {
			return `{"participant":"ext:ann","type":"purchase","amount":100,"currency":"usd","idempotency_key":"k"` + fields + `}`
		}
		json := "application/json"
		cases := []struct {
			name, method, path, body string
			headers                  []string
			status                   int
			code, field              string
		}{
			{"no content type", "POST", parts, `{"external_id":"x"}`, []string{"Content-Type", ""}, 415, "unsupported_media_type", ""},
			{"form content type", "POST", parts, `{"external_id":"x"}`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "unsupported_media_type", ""},
			{"json with charset", "POST", parts, `{"external_id":"cs"}`, []string{"Content-Type", json + "; charset=utf-8"}, 201, "", ""},
			{"over 1 MiB", "POST", parts, `{"external_id":"` + strings.Repeat("x", 1<<20) + `"}`, nil, 413, "payload_too_large", ""},
			{"empty body", "POST", parts, ``, []string{"Content-Type", json}, 400, "malformed_json", ""},
			{"blank body", "POST", parts, `   `, nil, 400, "malformed_json", ""},
			{"not json", "POST", parts, `{external_id: x}`, nil, 400, "malformed_json", ""},
			{"cut short", "POST", parts, `{"external_id":`, nil, 400, "malformed_json", ""},
			{"two values", "POST", parts, `{"external_id":"a"} {"external_id":"b"}`, nil, 400, "malformed_json", ""},
			{"an array", "POST", parts, `[{"external_id":"a"}]`, nil, 400, "invalid_type", ""},
			{"a string", "POST", parts, `"a"`, nil, 400, "invalid_type", ""},
			{"unknown field", "POST", parts, `{"external_id":"a","nickname":"x"}`, nil, 400, "unknown_field", "nickname"},
			{"number for string", "POST", parts, `{"external_id":42}`, nil, 400, "invalid_type", "external_id"},
			{"object for string", "POST", parts, `{"external_id":"a","email":{}}`, nil, 400, "invalid_type", "email"},
			{"missing external id", "POST", parts, `{"email":"a@example.com"}`, nil, 422, "invalid", "external_id"},
			{"null external id", "POST", parts, `{"external_id":null}`, nil, 422, "invalid", "external_id"},
			{"bad email", "POST", parts, `{"external_id":"a","email":"nope"}`, nil, 422, "invalid", "email"},
			{"bad plan", "POST", parts, `{"external_id":"a","plan":"gold"}`, nil, 422, "invalid", "plan"},
			{"bad code", "POST", parts, `{"external_id":"a","referral_code":"!"}`, nil, 422, "invalid", "referral_code"},
			{"unknown code", "POST", parts, `{"external_id":"a","referral_code":"zzzzzzzz"}`, nil, 422, "invalid", "referral_code"},
			{"unknown click", "POST", parts, `{"external_id":"a","click_id":"06h33c6cg0jmqfdvyq647zq6s8"}`, nil, 422, "invalid", "click_id"},
			{"bad idempotency key", "POST", parts, `{"external_id":"a"}`, []string{"Idempotency-Key", "has space"}, 422, "invalid", "Idempotency-Key"},
			{"participant true", "POST", events, `{"participant":true,"type":"visit","idempotency_key":"k"}`, nil, 400, "invalid_type", "participant"},
			{"participant float", "POST", events, `{"participant":1.5,"type":"visit","idempotency_key":"k"}`, nil, 400, "invalid_type", "participant"},
			{"participant missing", "POST", events, `{"type":"visit","idempotency_key":"k"}`, nil, 422, "invalid", "participant"},
			{"participant unknown", "POST", events, `{"participant":"ext:nobody","type":"visit","idempotency_key":"k"}`, nil, 404, "not_found", ""},
			{"participant id unknown", "POST", events, `{"participant":999,"type":"visit","idempotency_key":"k"}`, nil, 404, "not_found", ""},
			{"amount fraction", "POST", events, ev(`,"amount":10.5`), nil, 400, "invalid_type", "amount"},
			{"amount string", "POST", events, ev(`,"amount":"10"`), nil, 400, "invalid_type", "amount"},
			{"amount huge", "POST", events, ev(`,"amount":99999999999999999999`), nil, 400, "invalid_type", "amount"},
			{"amount zero", "POST", events, ev(`,"amount":0`), nil, 422, "invalid", "amount"},
			{"bad currency", "POST", events, ev(`,"currency":"dollars"`), nil, 422, "invalid", "currency"},
			{"bad type", "POST", events, ev(`,"type":"Big Purchase"`), nil, 422, "invalid", "type"},
			{"signup type", "POST", events, ev(`,"type":"signup"`), nil, 422, "invalid", "type"},
			{"no key", "POST", events, ev(`,"idempotency_key":""`), nil, 422, "invalid", "idempotency_key"},
			{"internal key", "POST", events, ev(`,"idempotency_key":"rh:x"`), nil, 422, "invalid", "idempotency_key"},
			{"refund of nothing", "POST", events, ev(`,"type":"refund","purchase":"none"`), nil, 422, "invalid", "purchase"},
			{"occurred_at words", "POST", events, ev(`,"occurred_at":"yesterday"`), nil, 422, "invalid", "occurred_at"},
			{"occurred_at number", "POST", events, ev(`,"occurred_at":1700000000`), nil, 400, "invalid_type", "occurred_at"},
			{"occurred_at future", "POST", events, ev(`,"occurred_at":"2999-01-01T00:00:00Z"`), nil, 422, "invalid", "occurred_at"},
			{"metadata array", "POST", events, ev(`,"metadata":[1]`), nil, 400, "invalid_type", "metadata"},
			{"metadata string", "POST", events, ev(`,"metadata":"x"`), nil, 400, "invalid_type", "metadata"},
			{"metadata too big", "POST", events, ev(`,"metadata":{"a":"` + strings.Repeat("x", 17<<10) + `"}`), nil, 422, "invalid", "metadata"},
			{"redeem bad id", "POST", "/api/v1/rewards/abc/redeem", ``, nil, 404, "not_found", ""},
			{"redeem missing", "POST", "/api/v1/rewards/999/redeem", `{}`, nil, 404, "not_found", ""},
			{"redeem with fields", "POST", "/api/v1/rewards/1/redeem", `{"reward":1}`, nil, 400, "unknown_field", "reward"},
			{"participant by word", "GET", parts + "/abc", ``, nil, 404, "not_found", ""},
			{"participant by bad ext", "GET", parts + "/ext:%00", ``, nil, 404, "not_found", ""},
			{"participant huge id", "GET", parts + "/99999999999999999999", ``, nil, 404, "not_found", ""},
			{"limit zero", "GET", parts + "/ext:ann/referrals?limit=0", ``, nil, 422, "invalid", "limit"},
			{"limit too big", "GET", parts + "/ext:ann/rewards?limit=101", ``, nil, 422, "invalid", "limit"},
			{"limit word", "GET", parts + "/ext:ann/rewards?limit=ten", ``, nil, 422, "invalid", "limit"},
			{"cursor junk", "GET", parts + "/ext:ann/referrals?cursor=!!", ``, nil, 422, "invalid", "cursor"},
			{"cursor negative", "GET", parts + "/ext:ann/referrals?cursor=" + base64.RawURLEncoding.EncodeToString([]byte("-5")), ``, nil, 422, "invalid", "cursor"},
			{"list of nobody", "GET", parts + "/ext:nobody/rewards", ``, nil, 404, "not_found", ""},
			{"click unknown", "GET", "/api/v1/clicks/nope", ``, nil, 404, "not_found", ""},
			{"unknown route", "GET", "/api/v1/nope", ``, nil, 404, "not_found", ""},
			{"trailing slash", "GET", parts + "/", ``, nil, 404, "not_found", ""},
			{"wrong method", "DELETE", parts + "/1", ``, nil, 405, "method_not_allowed", ""},
			{"GET a POST route", "GET", events, ``, nil, 405, "method_not_allowed", ""},
			{"POST a GET route", "POST", "/api/v1/stats", `{}`, nil, 405, "method_not_allowed", ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := e.request(c.method, c.path, e.write, c.body, c.headers...)
				if c.code == "" {
					if r.StatusCode != c.status {
						t.Fatalf("status %d, want %d: %s", r.StatusCode, c.status, r.body)
					}
					return
				}
				r.wantError(t, c.status, c.code, c.field)
				if c.status == 405 && r.Header.Get("Allow") == "" {
					t.Error("405 without Allow")
				}
			})
		}
	})
}
