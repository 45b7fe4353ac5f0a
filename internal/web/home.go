package web

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// dashboardView is everything the dashboard template shows.
type dashboardView struct {
	Code       string
	Link       string
	Share      []shareLink
	ShareTitle string // the phone's share sheet's title
	QR         template.HTML
	Rows       []referralRow // filled only to render ReferralList
	core.Dashboard
	// ShareCard and ReferralList are rendered once and reused while what
	// they show stays the same (fragments.go).
	ShareCard    template.HTML
	ReferralList template.HTML
	Promotion    core.PromotionCode // their Stripe promotion code, when the program gives them one
	Invites      inviteView         // the "Invite by email" card
	Channels     []channelRow       // their figures by share channel
}

// channelRow is one share channel's line on the dashboard.
type channelRow struct {
	Name                         string
	Clicks, Signups, Conversions int64
}

// channelRows names the channels of a participant's figures.
func channelRows(channels []referralhub.ChannelTotals) []channelRow {
	rows := make([]channelRow, 0, len(channels))
	for _, c := range channels {
		rows = append(rows, channelRow{Name: channelNames[c.Channel], Clicks: c.Clicks, Signups: c.Signups, Conversions: c.Conversions})
	}
	return rows
}

// OnSite tells the shared referral pieces that they are on the hosted
// site, which links its other pages.
func (dashboardView) OnSite() bool { return true }

// handleHome shows the dashboard to a signed-in user and the landing page
// to anyone else. With htmx, a page change swaps only the referral list.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	v, ok, err := s.currentViewer(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !ok {
		s.render(w, r, http.StatusOK, "landing", pageData{Title: "Refer friends, earn rewards",
			Data: landingOf(s.svc.BrandingOrDefault(r.Context()))})
		return
	}
	s.renderDashboard(w, r, v, http.StatusOK, inviteView{})
}

// heldOut reports whether v is held out of an experiment (their arm is
// recorded now if this is their first exposure).
func (s *Server) heldOut(r *http.Request, v viewer) (bool, error) {
	e, err := s.svc.ParticipantExposure(r.Context(), v.Participant.ID)
	return e.Holdout(), err
}

// renderDashboard renders viewer v's dashboard with status, the invite
// card filled around invites (the form's state).
func (s *Server) renderDashboard(w http.ResponseWriter, r *http.Request, v viewer, status int, invites inviteView) {
	if held, err := s.heldOut(r, v); err != nil || held {
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		// A neutral page: no link, share tools or rewards talk, so the
		// holdout measures people who were never asked to refer.
		s.render(w, r, status, "dashboard_holdout", pageData{Title: "Your account", User: &v.User})
		return
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	d, err := s.svc.Dashboard(r.Context(), v.Participant, page)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	promo, err := s.svc.PromotionCodeOf(r.Context(), v.Participant)
	if err != nil { // the rest of the dashboard still shows
		s.log.ErrorContext(r.Context(), "promotion code", "participant_id", v.Participant.ID, "err", err)
	}
	partial := r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Target") == "referrals"
	if !partial { // a page of referrals swapped in needs no invites
		if invites, err = s.invitesOf(r, v, invites); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	link := s.cfg.BaseURL + "/r/" + v.Participant.Code
	brand := s.svc.BrandingOrDefault(r.Context())
	view := dashboardView{Code: v.Participant.Code, Link: link, Dashboard: d, Promotion: promo, Invites: invites,
		Channels: channelRows(d.Channels)}
	if view.ReferralList, err = s.referralList(view); err == nil && !partial {
		view.ShareCard, err = s.shareCard(view, v.User.Username, brand)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	data := pageData{Title: "Your dashboard", User: &v.User, Data: view}
	if partial {
		s.renderPartial(w, r, "dashboard", "referrals", data)
		return
	}
	s.render(w, r, status, "dashboard", data)
}
