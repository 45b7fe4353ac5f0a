package api

import (
	"net/http"

	"github.com/referralhub/referralhub/internal/core"
)

// invitesRequest is the body of POST /participants/{id}/invites.
type invitesRequest struct {
	Emails []string `json:"emails"`
	Note   string   `json:"note"`
}

// inviteResultJSON is what became of one address.
type inviteResultJSON struct {
	Email    string `json:"email"`
	Status   string `json:"status"`    // "sent" or "refused"
	Refusal  string `json:"refusal"`   // "" when sent, else a code: invalid, duplicate, unsubscribed, participant, recent, limit
	Reason   string `json:"reason"`    // the refusal in words, "" when sent
	InviteID *int64 `json:"invite_id"` // null for addresses not kept (invalid, duplicate)
}

// invitesJSON is the answer of POST /participants/{id}/invites.
type invitesJSON struct {
	Sent    int                `json:"sent"`
	Results []inviteResultJSON `json:"results"`
}

func invitesView(rs []core.InviteResult) invitesJSON {
	out := invitesJSON{Results: make([]inviteResultJSON, len(rs))}
	for i, r := range rs {
		v := inviteResultJSON{Email: r.Email, Status: "sent", Refusal: r.Refused, Reason: r.Reason}
		if !r.Sent {
			v.Status = "refused"
		} else {
			out.Sent++
		}
		if r.InviteID != 0 {
			v.InviteID = &r.InviteID
		}
		out.Results[i] = v
	}
	return out
}

// invite is POST /participants/{id}/invites: the participant invites up to
// ten addresses by email, under the same rules as the dashboard's form.
// 200 with the outcome of each address, in the order given.
func (h *Handler) invite(w http.ResponseWriter, r *http.Request, body []byte) {
	var req invitesRequest
	if err := decode(body, &req, false); err != nil {
		h.writeError(w, r, err)
		return
	}
	rs, err := h.svc.InviteFor(r.Context(), r.PathValue("id"), core.InviteInput{Emails: req.Emails, Note: req.Note})
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, invitesView(rs))
}
