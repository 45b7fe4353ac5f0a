package web

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
)

// tooManyRequests answers a request over its rate limit: 429 with
// Retry-After in whole seconds (at least 1), and the error page, or a JSON
// error for a request that asks for JSON.
func (s *Server) tooManyRequests(w http.ResponseWriter, r *http.Request, retry time.Duration) {
	secs := setRetryAfter(w, retry)
	w.Header().Set("Cache-Control", "no-store")
	msg := "Too many requests. Please try again in " + waitText(secs) + "."
	if !wantsJSON(r) {
		s.renderError(w, r, referralhub.Errorf(referralhub.ETOOMANY, "%s", msg))
		return
	}
	var body struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	body.Error.Code, body.Error.Message = "too_many_requests", msg
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(statusFor(referralhub.ETOOMANY))
	json.NewEncoder(w).Encode(body)
}

// setRetryAfter sets Retry-After to retry in whole seconds (at least 1)
// and returns them.
func setRetryAfter(w http.ResponseWriter, retry time.Duration) int64 {
	secs := max(int64(math.Ceil(retry.Seconds())), 1)
	w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	return secs
}

// wantsJSON reports whether a request asks for JSON rather than a page:
// anything under /api/, or an Accept header that names application/json
// before (or without) text/html.
func wantsJSON(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		return true
	}
	accept := r.Header.Get("Accept")
	j := strings.Index(accept, "application/json")
	h := strings.Index(accept, "text/html")
	return j >= 0 && (h < 0 || j < h)
}

// waitText says how long to wait in words: "12 seconds", "3 minutes".
func waitText(secs int64) string {
	n, unit := secs, "second"
	switch {
	case secs >= 2*3600:
		n, unit = (secs+3599)/3600, "hour"
	case secs >= 120:
		n, unit = (secs+59)/60, "minute"
	}
	if n != 1 {
		unit += "s"
	}
	return strconv.FormatInt(n, 10) + " " + unit
}
