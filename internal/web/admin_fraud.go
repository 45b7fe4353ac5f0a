package web

import "net/http"

// STUB: replaced by the real handlers.

func (s *Server) handleAdminFraud(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }

func (s *Server) handleAdminFraudSave(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }
