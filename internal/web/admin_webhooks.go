package web

import (
	"net/http"
	"strconv"

	"github.com/referralhub/referralhub"
)

// handleAdminWebhooks lists the webhook endpoints, with a notice for each
// one disabled after failing, and the form for a new one.
func (s *Server) handleAdminWebhooks(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok {
		return
	}
	notice := ""
	if r.URL.Query().Get("deleted") != "" {
		notice = "The endpoint was deleted, with its delivery log."
	}
	s.renderWebhooks(w, r, v, http.StatusOK, newWebhookForm("", nil), notice)
}

// handleAdminWebhookCreate adds an endpoint (fields url, secret, events)
// and shows its page. A mistake re-renders the form as sent.
func (s *Server) handleAdminWebhookCreate(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	form := readWebhookForm(r.PostForm)
	e, err := s.svc.CreateWebhookEndpoint(r.Context(), v.User, form.input())
	if referralhub.ErrorCode(err) == referralhub.EINVALID {
		form.Errors, form.Message = referralhub.ErrorFields(err), referralhub.ErrorMessage(err)
		s.renderWebhooks(w, r, v, http.StatusUnprocessableEntity, form, "")
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, webhookPath(e.ID)+"?created=1", http.StatusSeeOther)
}

// renderWebhooks renders the webhooks page with form.
func (s *Server) renderWebhooks(w http.ResponseWriter, r *http.Request, v viewer, status int, form webhookForm, notice string) {
	endpoints, err := s.svc.WebhookEndpoints(r.Context(), v.User)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view := webhooksView{Endpoints: endpoints, Form: form, Notice: notice}
	for _, e := range endpoints {
		if !e.Enabled && e.DisabledByFailures {
			view.Failed = append(view.Failed, e)
		}
	}
	s.render(w, r, status, "admin_webhooks", pageData{Title: "Webhooks", User: &v.User, Data: view})
}

// handleAdminWebhook shows an endpoint, its delivery log and dead letters.
func (s *Server) handleAdminWebhook(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok {
		return
	}
	id, ok := s.webhookPathID(w, r)
	if !ok {
		return
	}
	s.renderWebhook(w, r, v, id, http.StatusOK, webhookForm{}, webhookNotice(r.URL.Query()))
}

// renderWebhook renders an endpoint's page; a zero form shows the
// endpoint's own settings.
func (s *Server) renderWebhook(w http.ResponseWriter, r *http.Request, v viewer, id int64, status int, form webhookForm, notice string) {
	page, err := s.svc.WebhookEndpointPage(r.Context(), v.User, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if form.Choices == nil {
		form = newWebhookForm(page.Endpoint.URL, page.Endpoint.Events)
	}
	form.Editing = true
	s.render(w, r, status, "admin_webhook", pageData{Title: "Webhook endpoint " + strconv.FormatInt(id, 10), User: &v.User,
		Data: newWebhookView(page, form, notice)})
}

// handleAdminWebhookUpdate acts on an endpoint by the field action:
// update (url, secret, events; a blank secret keeps it), enable, disable
// or delete.
func (s *Server) handleAdminWebhookUpdate(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	id, ok := s.webhookPathID(w, r)
	if !ok {
		return
	}
	ctx, action := r.Context(), r.PostForm.Get("action")
	var err error
	switch action {
	case "update":
		form := readWebhookForm(r.PostForm)
		err = s.svc.UpdateWebhookEndpoint(ctx, v.User, id, form.input())
		if referralhub.ErrorCode(err) == referralhub.EINVALID {
			form.Errors, form.Message = referralhub.ErrorFields(err), referralhub.ErrorMessage(err)
			s.renderWebhook(w, r, v, id, http.StatusUnprocessableEntity, form, "")
			return
		}
	case "enable", "disable":
		err = s.svc.SetWebhookEndpointEnabled(ctx, v.User, id, action == "enable")
	case "delete":
		if err = s.svc.DeleteWebhookEndpoint(ctx, v.User, id); err == nil {
			http.Redirect(w, r, "/admin/webhooks?deleted=1", http.StatusSeeOther)
			return
		}
	default:
		err = referralhub.Errorf(referralhub.EINVALID, "Choose update, enable, disable or delete.")
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, webhookPath(id)+"?done="+action, http.StatusSeeOther)
}

// handleAdminWebhookReplayDead replays every dead delivery of an endpoint.
func (s *Server) handleAdminWebhookReplayDead(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	id, ok := s.webhookPathID(w, r)
	if !ok {
		return
	}
	n, err := s.svc.ReplayDeadWebhookDeliveries(r.Context(), v.User, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, webhookPath(id)+"?replayed="+strconv.Itoa(n), http.StatusSeeOther)
}

// handleAdminWebhookReplay replays one delivery and goes back to its
// endpoint's page.
func (s *Server) handleAdminWebhookReplay(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	id, ok := s.webhookPathID(w, r)
	if !ok {
		return
	}
	d, err := s.svc.ReplayWebhookDelivery(r.Context(), v.User, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, webhookPath(d.EndpointID)+"?replayed_delivery="+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// webhookPathID reads the positive {id} of the path; anything else is a 404.
func (s *Server) webhookPathID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.renderError(w, r, referralhub.Errorf(referralhub.ENOTFOUND, "There is no page here."))
		return 0, false
	}
	return id, true
}

// webhookPath is an endpoint's page.
func webhookPath(id int64) string { return "/admin/webhooks/" + strconv.FormatInt(id, 10) }
