package web

import (
	"net/http"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// inviteView is the dashboard's "Invite by email" card: the form (kept as
// typed when the whole request was refused), the outcome per address of
// the request just sent, and the participant's invites.
type inviteView struct {
	Emails, Note string
	Errors       map[string]string // "emails", "note"
	Results      []core.InviteResult
	Sent         int // of Results
	Rows         []inviteRow
	DailyLimit   int
	MaxEmails    int
	MaxNote      int
}

// inviteRow is one invite as the list shows it.
type inviteRow struct {
	Email, State, Why, Sent string
}

// inviteRows turns invites into rows, with why those not sent were not.
func inviteRows(invites []referralhub.Invite, prog referralhub.InviteSettings) []inviteRow {
	rows := make([]inviteRow, len(invites))
	for i, inv := range invites {
		rows[i] = inviteRow{Email: inv.Email, State: inv.State(), Sent: formatDate(inv.CreatedAt),
			Why: core.InviteRefusalReason(inv.Refused, prog)}
	}
	return rows
}

// invitesOf fills the invite card for viewer v around form.
func (s *Server) invitesOf(r *http.Request, v viewer, form inviteView) (inviteView, error) {
	prog := s.svc.InviteSettings(r.Context())
	invites, err := s.svc.Invites(r.Context(), v.Participant)
	if err != nil {
		return form, err
	}
	form.Rows, form.DailyLimit = inviteRows(invites, prog), prog.DailyLimit
	form.MaxEmails, form.MaxNote = core.MaxInvitesPerRequest, core.MaxInviteNote
	return form, nil
}

// handleInvites is POST /invites: the dashboard's invite form. The
// dashboard comes back with the outcome beside each address, or, when the
// request as a whole is refused (no address, too many, a long note), with
// the form as typed and its errors (422).
func (s *Server) handleInvites(w http.ResponseWriter, r *http.Request) {
	v, ok := s.signedIn(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	form := inviteView{Emails: r.PostForm.Get("emails"), Note: r.PostForm.Get("note")}
	results, err := s.svc.Invite(r.Context(), v.Participant, core.InviteInput{Emails: core.SplitInviteEmails(form.Emails), Note: form.Note})
	if referralhub.ErrorCode(err) == referralhub.EINVALID {
		form.Errors = referralhub.ErrorFields(err)
		s.renderDashboard(w, r, v, http.StatusUnprocessableEntity, form)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view := inviteView{Results: results}
	for _, res := range results {
		if res.Sent {
			view.Sent++
		}
		if res.Refused == core.InviteRefusedInvalid {
			view.Emails += res.Email + "\n" // kept, so a typo can be fixed and sent again
		}
	}
	s.renderDashboard(w, r, v, http.StatusOK, view)
}
