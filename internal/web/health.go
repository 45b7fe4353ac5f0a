package web

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// handleHealth answers while the process is up.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// handleReady answers 200 while the instance can serve: the database
// answers, its schema is up to date and every Config.ReadyChecks dependency
// it needs answers. Otherwise it answers 503 naming each problem on a line.
// A dependency it can do without is named after "ready" when down.
//
// With ?scope=clicks it answers for the referral links alone, which need
// no database (codes come from the cache, clicks wait in the spool): 200
// while the click buffer keeps what it takes, so a load balancer keeps
// sending /r/* to an instance whose database is down.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Query().Get("scope") {
	case "":
	case "clicks":
		s.handleClicksReady(w)
		return
	default:
		http.Error(w, "unknown scope: the scopes are clicks, or none for the whole instance", http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	problems, degraded := s.readyProblems(ctx)
	if len(problems) > 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(strings.Join(append(problems, degraded...), "\n") + "\n"))
		return
	}
	w.Write([]byte(strings.Join(append([]string{"ready"}, degraded...), "\n") + "\n"))
}

// handleClicksReady answers /readyz?scope=clicks: "ready" with 200, or
// 503 naming why clicks cannot be kept.
func (s *Server) handleClicksReady(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if s.cfg.ClicksReady != nil {
		if err := s.cfg.ClicksReady(); err != nil {
			s.log.Warn("not ready for clicks", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(err.Error() + "\n"))
			return
		}
	}
	w.Write([]byte("ready\n"))
}
