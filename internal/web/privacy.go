package web

import "net/http"

// STUB: replaced by the real handlers.

func (s *Server) handleSettingsExport(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }

func (s *Server) handleSettingsDeleteForm(w http.ResponseWriter, r *http.Request) {
	http.NotFound(w, r)
}

func (s *Server) handleSettingsDelete(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }
