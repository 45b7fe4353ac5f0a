package api

import (
	"net/http"
	"time"

	"github.com/referralhub/referralhub/internal/core"
)

// embedTokenRequest is the body of POST /embed-tokens: the participant by
// participant_id, or by external_id with what creates them when they are
// new (as POST /participants would); and the token's lifetime.
type embedTokenRequest struct {
	ExternalID    *string `json:"external_id"`
	ParticipantID *int64  `json:"participant_id"`
	Email         *string `json:"email"`
	Name          *string `json:"name"`
	ReferralCode  *string `json:"referral_code"`
	ClickID       *string `json:"click_id"`
	TTLSeconds    *int64  `json:"ttl_seconds"`
}

// embedTokenJSON is a token just minted.
type embedTokenJSON struct {
	Token         string    `json:"token"`
	ExpiresAt     time.Time `json:"expires_at"`
	ParticipantID int64     `json:"participant_id"`
	URL           string    `json:"url"`
}

// mintEmbedToken is POST /embed-tokens: 201 with a token that opens the
// participant's embedded referral page, whether the participant was found
// or created.
func (h *Handler) mintEmbedToken(w http.ResponseWriter, r *http.Request, body []byte) {
	var req embedTokenRequest
	if err := decode(body, &req, false); err != nil {
		h.writeError(w, r, err)
		return
	}
	in := core.EmbedRequest{ParticipantID: req.ParticipantID, TTLSeconds: req.TTLSeconds}
	if req.ExternalID != nil || req.Email != nil || req.Name != nil || req.ReferralCode != nil || req.ClickID != nil {
		in.Participant = &core.ParticipantInput{ExternalID: deref(req.ExternalID), Email: req.Email, Name: req.Name,
			ReferralCode: deref(req.ReferralCode), ClickID: deref(req.ClickID)}
	}
	tok, err := h.svc.MintEmbedToken(r.Context(), keyOf(r), in)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, embedTokenJSON{Token: tok.Token, ExpiresAt: tok.ExpiresAt, ParticipantID: tok.ParticipantID, URL: tok.URL})
}
