package web

import (
	"net/http"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// brandingView is the admin's branding page.
type brandingView struct {
	Form                  brandingForm
	LogoURL               string // the current logo, "" for none
	LogoWidth, LogoHeight int
	UpdatedBy             string
	UpdatedAt             string
	Notice                string // what the last post did, after its redirect
	MaxLogoSide           int
}

// Preview is the landing page's headline and text as the form holds them,
// for the preview beside it (static/branding-preview.js updates it as the
// admin types; without script it shows what was last saved or submitted).
func (v brandingView) Preview() landingView {
	return landingOf(referralhub.Branding{Headline: v.Form.Headline, LandingText: v.Form.LandingText})
}

// handleAdminBranding shows the branding form filled with the current
// branding.
func (s *Server) handleAdminBranding(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok {
		return
	}
	b, err := s.svc.Branding(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	notice := ""
	if r.URL.Query().Get("saved") != "" {
		notice = "The branding was saved."
	}
	s.renderBranding(w, r, v, http.StatusOK, b, brandingFormFrom(b), notice)
}

// handleAdminBrandingSave saves the posted branding. A mistake, such as a
// logo that is not a PNG, JPEG or GIF image or is too large, re-renders the
// form as sent with each message beside its field, and saves nothing.
func (s *Server) handleAdminBrandingSave(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok {
		return
	}
	cur, err := s.svc.Branding(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	form, ok := s.readBrandingForm(w, r, cur)
	if !ok {
		return
	}
	if form.logoTooLarge {
		err = logoTooLarge(form)
	} else {
		_, err = s.svc.SaveBranding(r.Context(), v.User, form.change())
	}
	if referralhub.ErrorCode(err) == referralhub.EINVALID {
		form.Errors, form.Message = referralhub.ErrorFields(err), referralhub.ErrorMessage(err)
		s.renderBranding(w, r, v, http.StatusUnprocessableEntity, cur, form, "")
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/branding?saved=1", http.StatusSeeOther)
}

// logoTooLarge refuses a form whose logo was cut off, with the core's
// objections to the rest of it, so the admin sees every mistake at once.
func logoTooLarge(form brandingForm) error {
	fe := referralhub.FieldErrors{"logo": msgLogoTooLarge}
	for name, msg := range referralhub.ErrorFields(core.ValidateBranding(core.NormalizeBranding(form.change().Branding))) {
		fe.Add(name, msg)
	}
	return fe.Err()
}

// renderBranding renders the branding page with status: 200, or 422 for a
// refused form. cur is the saved branding, for its logo and history.
func (s *Server) renderBranding(w http.ResponseWriter, r *http.Request, v viewer, status int, cur referralhub.Branding, form brandingForm, notice string) {
	view := brandingView{Form: form, LogoURL: core.LogoPath(cur.Logo), LogoWidth: cur.Logo.Width, LogoHeight: cur.Logo.Height,
		UpdatedBy: cur.UpdatedBy, Notice: notice, MaxLogoSide: core.MaxLogoSide}
	if !cur.UpdatedAt.IsZero() {
		view.UpdatedAt = formatDate(cur.UpdatedAt)
	}
	s.render(w, r, status, "admin_branding", pageData{Title: "Branding", User: &v.User, Data: view})
}
