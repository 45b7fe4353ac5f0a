package web

import "net/http"

// apiHandler is the JSON API, mounted at /api/v1/. STUB: it answers 404
// until the API face exists.
func (s *Server) apiHandler() http.Handler { return http.NotFoundHandler() }
