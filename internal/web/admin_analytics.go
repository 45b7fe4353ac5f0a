package web

import "net/http"

// handleAdminAnalytics is a stub, to be built (issue 6).
func (s *Server) handleAdminAnalytics(w http.ResponseWriter, r *http.Request) { s.handleNotFound(w, r) }

// handleAdminAnalyticsExport is a stub, to be built (issue 6).
func (s *Server) handleAdminAnalyticsExport(w http.ResponseWriter, r *http.Request) { s.handleNotFound(w, r) }
