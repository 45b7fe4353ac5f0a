package web

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// embedView is what the embedded referral page shows a participant: the
// dashboard's link, sharing, counts, tier and badges, and the rewards
// page's balances, rules and rewards, from the same core calls.
type embedView struct {
	Code       string
	Link       string
	Share      []shareLink
	ShareTitle string // the phone's share sheet's title
	QR         template.HTML
	core.Overview
	Qualified int64
	Rewards   rewardsView
	// Extras are more things to show the participant beside their rewards,
	// each a label and a value they may copy: the place for what other
	// parts of the program give them (a billing system's promotion code).
	Extras []embedExtra
}

// embedExtra is one more item the embedded page shows its participant.
type embedExtra struct {
	ID    string // the element id of the value, "extra-..."
	Label string
	Value string
	Copy  bool // offer a Copy button
}

// OnSite tells the shared referral pieces that they are in a frame on
// another site: they link none of the site's pages.
func (embedView) OnSite() bool { return false }

// handleEmbed serves the embedded referral page, GET /embed/referrals?token=
// with the token a host's backend minted (POST /api/v1/embed-tokens). It
// reads no cookie and sets none.
func (s *Server) handleEmbed(w http.ResponseWriter, r *http.Request) {
	f := s.embedFrame(w, r, r.URL.Query())
	v, err := s.svc.CheckEmbedToken(r.Context(), f.Token)
	if err != nil {
		s.renderEmbedError(w, r, f, err)
		return
	}
	s.renderEmbedPage(w, r, f, v, http.StatusOK, "")
}

// renderEmbedPage renders the embedded page of v, with an optional message
// about the form just refused, under status.
func (s *Server) renderEmbedPage(w http.ResponseWriter, r *http.Request, f frameView, v core.EmbedViewer, status int, message string) {
	ctx := r.Context()
	o, err := s.svc.Overview(ctx, v.Participant)
	if err != nil {
		s.renderEmbedError(w, r, f, err)
		return
	}
	page, err := s.svc.Rewards(ctx, v.Participant.ID)
	if err != nil {
		s.renderEmbedError(w, r, f, err)
		return
	}
	standing, err := s.svc.Standing(ctx, v.Participant.ID)
	if err != nil {
		s.renderEmbedError(w, r, f, err)
		return
	}
	brand := s.svc.BrandingOrDefault(ctx)
	link := s.cfg.BaseURL + "/r/" + v.Participant.Code
	view := embedView{Code: v.Participant.Code, Link: link, Share: shareLinks(link, v.Name, brand), QR: s.qrFor(withChannel(link, "qr")),
		ShareTitle: shareTitle(brand),
		Overview:   o, Qualified: v.Participant.QualifiedCount, Rewards: rewardsViewOf(page, message, f.forms())}
	if promo, err := s.svc.PromotionCodeOf(ctx, v.Participant); err != nil {
		s.renderEmbedError(w, r, f, err)
		return
	} else if promo.Code != "" {
		view.Extras = append(view.Extras, embedExtra{ID: "promo-code", Label: "Your promotion code for friends: they get a discount at checkout, and you get the credit",
			Value: promo.Code, Copy: true})
	}
	if standing.Rejected {
		view.Rewards.Standing = "Rewards for joining through a friend's link aren't available on this account."
	}
	s.renderEmbed(w, r, status, "embed", pageData{Title: "Refer a friend", Data: view, Frame: f})
}

// handleEmbedRedeem redeems one of the participant's rewards from the
// embedded page. The token comes in the form's body: a form on another
// site cannot know it, and the cross-origin check refuses such a form
// anyway. It opens only its own participant's rewards.
func (s *Server) handleEmbedRedeem(w http.ResponseWriter, r *http.Request) {
	f, v, ok := s.embedPost(w, r)
	if !ok {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.embedFailed(w, r, f, v, referralhub.Errorf(referralhub.ENOTFOUND, "That reward does not exist."))
		return
	}
	if _, err := s.svc.Redeem(r.Context(), v.Participant, id); err != nil {
		s.embedFailed(w, r, f, v, err)
		return
	}
	http.Redirect(w, r, f.pageURL()+"#reward-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// handleEmbedCoupon spends points on a coupon from the embedded page; the
// form's one-time key makes a double submit buy once.
func (s *Server) handleEmbedCoupon(w http.ResponseWriter, r *http.Request) {
	f, v, ok := s.embedPost(w, r)
	if !ok {
		return
	}
	if _, err := s.svc.BuyCoupon(r.Context(), v.Participant, r.PostForm.Get("key")); err != nil {
		s.embedFailed(w, r, f, v, err)
		return
	}
	http.Redirect(w, r, f.pageURL()+"#rewards", http.StatusSeeOther)
}

// embedPost reads a form the embedded page posted and checks its token;
// ok is false when the answer is already written.
func (s *Server) embedPost(w http.ResponseWriter, r *http.Request) (frameView, core.EmbedViewer, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	err := r.ParseForm()
	f := s.embedFrame(w, r, r.PostForm)
	if err != nil {
		s.renderEmbedError(w, r, f, referralhub.Errorf(referralhub.EINVALID, "The form could not be read. Please try again."))
		return f, core.EmbedViewer{}, false
	}
	v, err := s.svc.CheckEmbedToken(r.Context(), f.Token)
	if err != nil {
		s.renderEmbedError(w, r, f, err)
		return f, v, false
	}
	return f, v, true
}

// embedFailed shows a refused redeem or purchase as a message on the
// embedded page, under its status; an internal error gets the error page.
func (s *Server) embedFailed(w http.ResponseWriter, r *http.Request, f frameView, v core.EmbedViewer, err error) {
	code := referralhub.ErrorCode(err)
	if code == referralhub.EINTERNAL {
		s.renderEmbedError(w, r, f, err)
		return
	}
	s.renderEmbedPage(w, r, f, v, statusFor(code), referralhub.ErrorMessage(err))
}
