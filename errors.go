// Package referralhub holds the domain types and error codes shared by the
// core, the storage layer and every face (web, API, worker).
package referralhub

import (
	"errors"
	"fmt"
)

// Error codes. Each face maps a code to its own status (HTTP 422, 404, ...)
// in exactly one place.
const (
	ECONFLICT     = "conflict"     // a unique value is already taken
	EINTERNAL     = "internal"     // a bug or an outage; never shown to users
	EINVALID      = "invalid"      // the input failed validation
	ENOTFOUND     = "not_found"    // the thing does not exist (or is hidden)
	EUNAUTHORIZED = "unauthorized" // no valid credentials
	EFORBIDDEN    = "forbidden"    // valid credentials, not allowed
	ETOOMANY      = "too_many"     // throttled: try again later
	EUNAVAILABLE  = "unavailable"  // the database cannot be reached just now: try again shortly
)

// Error is an application error with a code and a message that is safe to
// show to the person who caused it. Fields holds per-field messages for
// validation errors, keyed by form field name.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
	cause   error // what happened underneath, for the log; never shown
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("%s: %v", e.Code, e.cause)
	}
	return fmt.Sprintf("referralhub error: code=%s message=%s", e.Code, e.Message)
}

// Unwrap returns the cause of an error made by Unavailable.
func (e *Error) Unwrap() error { return e.cause }

// Unavailable returns an EUNAVAILABLE error for cause, an outage of the
// database (a refused, reset or timed-out connection, a closed pool): the
// request was fine and may succeed if sent again shortly. The storage
// layer makes these; each face answers them 503 with Retry-After.
func Unavailable(cause error) *Error {
	return &Error{Code: EUNAVAILABLE, cause: cause,
		Message: "ReferralHub cannot reach its database just now. Please try again in a moment."}
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrors collects per-field validation messages and turns them into a
// single EINVALID error.
type FieldErrors map[string]string

// Add records msg for field unless the field already has a message.
func (f FieldErrors) Add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// Err returns nil when no field failed, else an EINVALID *Error.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "Please correct the highlighted fields.", Fields: f}
}

// ErrorCode returns the code of an application error, EINTERNAL for any
// other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the safe message of an application error, or a generic
// message for anything else so internal details never leak.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. Please try again."
}

// ErrorFields returns the per-field messages of a validation error, if any.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
