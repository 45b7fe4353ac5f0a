package web

import "net/http"

// handleNetwork is a stub, to be built (issue 6).
func (s *Server) handleNetwork(w http.ResponseWriter, r *http.Request) { s.handleNotFound(w, r) }
