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
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
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
