package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/referralhub/referralhub"
)

// Error codes: error.code of every error response, each always with the
// same status.
const (
	CodeInvalid              = "invalid"                // 422: a value is not acceptable; error.field names it
	CodeNotFound             = "not_found"              // 404: no such route, or no such participant, reward or click
	CodeConflict             = "conflict"               // 409: the request clashes with what is stored (a reward already redeemed)
	CodeUnauthorized         = "unauthorized"           // 401: no API key, or an unknown or revoked one
	CodeForbidden            = "forbidden"              // 403: a read key on an endpoint that writes, or a banned participant redeeming
	CodeTooManyRequests      = "too_many_requests"      // 429: over the key's rate limit; see Retry-After
	CodeMalformedJSON        = "malformed_json"         // 400: the body is empty, not JSON, or more than one JSON value
	CodeUnknownField         = "unknown_field"          // 400: the body has a field the endpoint does not take; error.field names it
	CodeInvalidType          = "invalid_type"           // 400: a field (or the body) has the wrong JSON type; error.field names it
	CodeMethodNotAllowed     = "method_not_allowed"     // 405: see Allow
	CodePayloadTooLarge      = "payload_too_large"      // 413: the body is over 1 MiB (an import: 16 MiB, 64 KiB a line, 10,000 rows)
	CodeUnsupportedMediaType = "unsupported_media_type" // 415: a body without Content-Type: application/json
	CodeIdempotencyKeyReused = "idempotency_key_reused" // 409: the Idempotency-Key was used with another body
	CodeIdempotencyKeyInUse  = "idempotency_key_in_use" // 409: the first request with the Idempotency-Key is still running
	CodeInternal             = "internal"               // 500: our fault; logged, never detailed
	CodeUnavailable          = "unavailable"            // 503: the database cannot be reached just now; see Retry-After
)

// retryAfterOutage is the Retry-After, in seconds, of an answer given while
// the database cannot be reached: the pool reconnects by itself.
const retryAfterOutage = "10"

// statusClientGone is the status of a request whose client went away
// before the answer (nginx's 499): the work it began was rolled back.
const statusClientGone = 499

// requestError is a problem with the request itself, which only the API
// face sees: its body, route, method or rate. Application errors from the
// core are mapped in describe.
type requestError struct {
	status  int
	code    string
	message string
	field   string
	header  map[string]string // sent with the error: Allow, Retry-After
}

func (e *requestError) Error() string { return "api: " + e.code + ": " + e.message }

func badRequest(code, field, message string) *requestError {
	return &requestError{status: http.StatusBadRequest, code: code, field: field, message: message}
}

// tooManyRequests is the answer to a key over its rate limit.
func tooManyRequests(retry time.Duration) *requestError {
	secs := max(int64((retry+time.Second-1)/time.Second), 1)
	return &requestError{status: http.StatusTooManyRequests, code: CodeTooManyRequests,
		message: "Too many requests for this API key: retry in " + strconv.FormatInt(secs, 10) + " s.",
		header:  map[string]string{"Retry-After": strconv.FormatInt(secs, 10)}}
}

// errorBody is every error response: {"error":{"code","message","field"}}.
type errorBody struct {
	Error errorJSON `json:"error"`
}

type errorJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// writeError answers a request with err. This and describe are the one
// place errors become responses; internal errors are logged here and
// shown only as a generic message.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		w.WriteHeader(statusClientGone) // for the access log and metrics: nobody reads it
		return
	}
	e := h.describe(r, err)
	for k, v := range e.header {
		w.Header().Set(k, v)
	}
	if e.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="ReferralHub API"`)
	}
	writeJSON(w, e.status, errorBody{Error: errorJSON{Code: e.code, Message: e.message, Field: e.field}})
}

// describe turns any error into its status, code, message and field.
func (h *Handler) describe(r *http.Request, err error) *requestError {
	var re *requestError
	switch {
	case errors.As(err, &re):
		return re
	case errors.Is(err, errIdempotencyKeyReused):
		return &requestError{status: http.StatusConflict, code: CodeIdempotencyKeyReused, field: "Idempotency-Key", message: referralhub.ErrorMessage(err)}
	case errors.Is(err, errIdempotencyKeyInUse):
		return &requestError{status: http.StatusConflict, code: CodeIdempotencyKeyInUse, field: "Idempotency-Key", message: referralhub.ErrorMessage(err)}
	}
	e := &requestError{message: referralhub.ErrorMessage(err)}
	switch referralhub.ErrorCode(err) {
	case referralhub.EINVALID:
		e.status, e.code = http.StatusUnprocessableEntity, CodeInvalid
	case referralhub.ENOTFOUND:
		e.status, e.code = http.StatusNotFound, CodeNotFound
	case referralhub.ECONFLICT:
		e.status, e.code = http.StatusConflict, CodeConflict
	case referralhub.EUNAUTHORIZED:
		e.status, e.code = http.StatusUnauthorized, CodeUnauthorized
	case referralhub.EFORBIDDEN:
		e.status, e.code = http.StatusForbidden, CodeForbidden
	case referralhub.ETOOMANY:
		e.status, e.code = http.StatusTooManyRequests, CodeTooManyRequests
	case referralhub.EUNAVAILABLE:
		h.log.WarnContext(r.Context(), "api: database unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
		e.status, e.code = http.StatusServiceUnavailable, CodeUnavailable
		e.header = map[string]string{"Retry-After": retryAfterOutage}
	default:
		h.log.ErrorContext(r.Context(), "api internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		e.status, e.code = http.StatusInternalServerError, CodeInternal
	}
	if fields := referralhub.ErrorFields(err); len(fields) > 0 {
		names := make([]string, 0, len(fields))
		for name := range fields {
			names = append(names, name)
		}
		slices.Sort(names)
		e.field, e.message = names[0], fields[names[0]]
	}
	return e
}

// renameFields returns err with its field names translated by rename:
// from the core's names for a field to the request body's.
func renameFields(err error, rename func(string) string) error {
	var e *referralhub.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	out := &referralhub.Error{Code: e.Code, Message: e.Message, Fields: map[string]string{}}
	for k, v := range e.Fields {
		out.Fields[rename(k)] = v
	}
	return out
}

// writeJSON sends v as the response body with status. Nothing the API
// answers may be cached.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":{"code":"internal","message":"The response could not be encoded."}}`)
	}
	writeBody(w, status, append(body, '\n'))
}

// writeBody sends a JSON body that is already encoded.
func writeBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
}
