package web

import "net/http"

// STUB: replaced by the real handlers.

func (s *Server) handleSnippet(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }
