package web

import "net/http"

// handleLeaderboard is a stub, to be built (issue 6).
func (s *Server) handleLeaderboard(w http.ResponseWriter, r *http.Request) { s.handleNotFound(w, r) }
