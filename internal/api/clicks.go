package api

import (
	"net/http"
	"time"
)

type clickJSON struct {
	ID            string    `json:"id"`
	Code          string    `json:"code"`
	ParticipantID int64     `json:"participant_id"`
	Bot           bool      `json:"bot"`
	CreatedAt     time.Time `json:"created_at"`
	ExpiresAt     time.Time `json:"expires_at"`
}

// getClick is GET /clicks/{click_id}: a click on a referral link, so a
// host's landing page can resolve the click id it was handed.
func (h *Handler) getClick(w http.ResponseWriter, r *http.Request) {
	c, err := h.svc.ClickByID(r.Context(), r.PathValue("click_id"))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, clickJSON{ID: c.ID, Code: c.Code, ParticipantID: c.ParticipantID, Bot: c.Bot,
		CreatedAt: c.CreatedAt, ExpiresAt: c.ExpiresAt.UTC()})
}
