package web

import "net/http"

// STUB: replaced by the real handlers.

func (s *Server) handleAdminAPIKeys(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }

func (s *Server) handleAdminAPIKeyCreate(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }

func (s *Server) handleAdminAPIKeyRevoke(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }
