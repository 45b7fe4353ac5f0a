package web

import "net/http"

// STUB: replaced by the real handlers.

func (s *Server) handleAdminWebhooks(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }

func (s *Server) handleAdminWebhookCreate(w http.ResponseWriter, r *http.Request) {
	http.NotFound(w, r)
}

func (s *Server) handleAdminWebhook(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }

func (s *Server) handleAdminWebhookUpdate(w http.ResponseWriter, r *http.Request) {
	http.NotFound(w, r)
}

func (s *Server) handleAdminWebhookReplayDead(w http.ResponseWriter, r *http.Request) {
	http.NotFound(w, r)
}

func (s *Server) handleAdminWebhookReplay(w http.ResponseWriter, r *http.Request) {
	http.NotFound(w, r)
}
