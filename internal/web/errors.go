package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/reqid"
)

// statusFor maps an application error code to an HTTP status. This and
// renderError are the one place errors become responses.
func statusFor(code string) int {
	switch code {
	case referralhub.EINVALID:
		return http.StatusUnprocessableEntity
	case referralhub.ENOTFOUND:
		return http.StatusNotFound
	case referralhub.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case referralhub.EFORBIDDEN:
		return http.StatusForbidden
	case referralhub.ECONFLICT:
		return http.StatusConflict
	case referralhub.ETOOMANY:
		return http.StatusTooManyRequests
	case referralhub.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// statusClientGone is the status of a request whose client went away
// before the answer (nginx's 499): the work it began was rolled back.
const statusClientGone = 499

// retryAfterOutage is the Retry-After, in seconds, of an answer given while
// the database cannot be reached: the pool reconnects by itself.
const retryAfterOutage = "10"

// renderError shows err as an error page. Internal errors are logged with
// the request id and shown only as a generic message.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	code := referralhub.ErrorCode(err)
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		w.WriteHeader(statusClientGone) // for the access log and metrics: nobody reads it
		return
	}
	switch code {
	case referralhub.EINTERNAL:
		s.log.ErrorContext(r.Context(), "internal error", "path", r.URL.Path, "err", err)
	case referralhub.EUNAVAILABLE:
		s.log.WarnContext(r.Context(), "database unavailable", "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", retryAfterOutage)
	}
	status := statusFor(code)
	s.render(w, r, status, "error", pageData{Title: http.StatusText(status),
		Data: errorView{Status: status, Message: referralhub.ErrorMessage(err), RequestID: reqid.From(r.Context())}})
}

type errorView struct {
	Status    int
	Message   string
	RequestID string
}

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, referralhub.Errorf(referralhub.ENOTFOUND, "There is no page here."))
}

func (s *Server) handleCrossOrigin(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, referralhub.Errorf(referralhub.EFORBIDDEN,
		"This form was sent from another site, so it was refused. Please submit it again from this page."))
}
