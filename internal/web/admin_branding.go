package web

import "net/http"

// handleAdminBranding is a stub, to be built (issue 6).
func (s *Server) handleAdminBranding(w http.ResponseWriter, r *http.Request) { s.handleNotFound(w, r) }

// handleAdminBrandingSave is a stub, to be built (issue 6).
func (s *Server) handleAdminBrandingSave(w http.ResponseWriter, r *http.Request) { s.handleNotFound(w, r) }

// handleBrandLogo is a stub, to be built (issue 6).
func (s *Server) handleBrandLogo(w http.ResponseWriter, r *http.Request) { s.handleNotFound(w, r) }

// handleBrandCSS is a stub, to be built (issue 6).
func (s *Server) handleBrandCSS(w http.ResponseWriter, r *http.Request) { s.handleNotFound(w, r) }
