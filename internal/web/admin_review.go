package web

import "net/http"

// STUB: replaced by the real handlers.

func (s *Server) handleAdminReview(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }

func (s *Server) handleAdminReviewDecide(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }
