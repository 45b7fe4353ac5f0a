package api

import (
	"net/http"

	"github.com/referralhub/referralhub/internal/core"
)

// participantRequest is the body of POST /participants. Null or absent
// optional fields leave an existing participant's values as they are.
type participantRequest struct {
	ExternalID   string  `json:"external_id"`
	Email        *string `json:"email"`
	Name         *string `json:"name"`
	Plan         *string `json:"plan"`
	ReferralCode *string `json:"referral_code"`
	ClickID      *string `json:"click_id"`
	Campaign     *string `json:"campaign"`
}

// upsertParticipant is POST /participants: 201 with the participant when
// it was created, 200 when it existed and was updated.
func (h *Handler) upsertParticipant(w http.ResponseWriter, r *http.Request, body []byte) {
	var req participantRequest
	if err := decode(body, &req, false); err != nil {
		h.writeError(w, r, err)
		return
	}
	p, created, err := h.svc.UpsertParticipant(r.Context(), core.ParticipantInput{ExternalID: req.ExternalID,
		Email: req.Email, Name: req.Name, Plan: req.Plan, ReferralCode: deref(req.ReferralCode), ClickID: deref(req.ClickID),
		Campaign: req.Campaign})
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, participantView(p))
}

// getParticipant is GET /participants/{id}, by id or ext:{external_id}.
func (h *Handler) getParticipant(w http.ResponseWriter, r *http.Request) {
	p, err := h.svc.Participant(r.Context(), r.PathValue("id"))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, participantView(p))
}

// listReferrals is GET /participants/{id}/referrals: the people the
// participant referred, oldest first, a page at a time.
func (h *Handler) listReferrals(w http.ResponseWriter, r *http.Request) {
	after, limit, err := pageParams(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	page, err := h.svc.ParticipantReferrals(r.Context(), r.PathValue("id"), after, limit)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, pageOf(page.Referrals, page.Next, referralView))
}

// listRewards is GET /participants/{id}/rewards: the participant's ledger
// entries, oldest first, a page at a time.
func (h *Handler) listRewards(w http.ResponseWriter, r *http.Request) {
	after, limit, err := pageParams(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	page, err := h.svc.ParticipantRewards(r.Context(), r.PathValue("id"), after, limit)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, pageOf(page.Rewards, page.Next, rewardView))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
