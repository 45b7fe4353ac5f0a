package web

import "net/http"

// apiHandler is the JSON API mounted at /api/v1/: the one in Config, or,
// when none was wired, a JSON 404 for every path.
func (s *Server) apiHandler() http.Handler {
	if s.cfg.API != nil {
		return s.cfg.API
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error":{"code":"not_found","message":"The API is not enabled on this server."}}` + "\n"))
	})
}
