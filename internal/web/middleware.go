package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/referralhub/referralhub/internal/reqid"
)

// withRequestID gives every request an id, echoed in X-Request-Id and in
// every log line about it.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [8]byte
		rand.Read(b[:])
		ctx := reqid.With(r.Context(), hex.EncodeToString(b[:]))
		w.Header()["X-Request-Id"] = reqid.HeaderValues(ctx)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the first status written.
func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests writes one structured line per request. It reads the status
// from measure's recorder when there is one, rather than wrap the writer
// again.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec, ok := w.(*statusRecorder)
		if !ok {
			rec = &statusRecorder{ResponseWriter: w}
		}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		if rec.status == http.StatusFound && r.Pattern == clickPattern {
			return // every click is recorded in the clicks table; a log line per click would double the hot path's I/O
		}
		s.log.LogAttrs(r.Context(), levelFor(rec.status), "request", slog.String("method", r.Method),
			slog.String("path", r.URL.Path), slog.Int("status", rec.status),
			slog.Duration("duration", time.Since(start)))
	})
}

// levelFor logs server errors as errors and everything else as info.
func levelFor(status int) slog.Level {
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelInfo
}

// recoverPanics turns a panic into a logged 500 instead of a dropped
// connection.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.renderError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// cspSources allows only this origin's scripts and styles, and no inline
// scripts; contentSecurityPolicy adds that no site may frame the page. The
// embedded referral page alone names the sites that may (embedCSP).
const (
	cspSources = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"object-src 'none'; base-uri 'none'; form-action 'self'; "
	contentSecurityPolicy = cspSources + "frame-ancestors 'none'"
)

// strictTransportSecurity tells browsers to reach the site over https
// only, for two years. It leaves subdomains alone: they may be other
// people's sites.
const strictTransportSecurity = "max-age=63072000"

// securityHeaders sets the headers every response carries, with
// Strict-Transport-Security when the config asks for it.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	// Built once and shared by every response, as clickHeaders are: a
	// handler that changes one replaces it with Set.
	csp, nosniff, referrer, frames, hsts := []string{contentSecurityPolicy}, []string{"nosniff"},
		[]string{"strict-origin-when-cross-origin"}, []string{"DENY"}, []string{strictTransportSecurity}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Security-Policy"] = csp
		h["X-Content-Type-Options"] = nosniff
		h["Referrer-Policy"] = referrer
		h["X-Frame-Options"] = frames
		if s.cfg.HSTS {
			h["Strict-Transport-Security"] = hsts
		}
		next.ServeHTTP(w, r)
	})
}
