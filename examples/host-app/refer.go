package main

import (
	"encoding/json"
	"mime"
	"net/http"
)

// referScript is the "Refer a friend" page's own script: it asks the
// shop's backend for a token, then mounts ReferralHub's embedded referral
// page with it, and lists the page's events. It is a file of its own, so
// the page runs under a CSP without 'unsafe-inline'.
const referScript = `(function () {
  "use strict";
  var events = document.getElementById("events");
  fetch("/refer/token", {method: "POST", headers: {"Content-Type": "application/json"}, body: "{}"})
    .then(function (r) { if (!r.ok) throw new Error("token: " + r.status); return r.json(); })
    .then(function (t) {
      ReferralHub.mountReferrals(document.getElementById("referrals"), {
        token: t.token, theme: "system",
        onEvent: function (e) {
          var li = document.createElement("li");
          li.textContent = e.type + (e.channel ? " " + e.channel : "");
          events.appendChild(li);
        }
      });
    });
})();
`

// refer is the signed-in "Refer a friend" page: ReferralHub's embedded
// referral page in a frame, under a strict CSP that lets in ReferralHub's
// script and frame and nothing else of another origin.
func (a *App) refer(w http.ResponseWriter, r *http.Request) {
	if a.current(r) == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self' "+a.cfg.Base+"; frame-src "+a.cfg.Base)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	a.pages.ExecuteTemplate(w, "refer", a.cfg.Base)
}

func (a *App) referScript(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Write([]byte(referScript))
}

// referToken mints a token for the signed-in user through ReferralHub's
// API (which creates them there if they are new) and answers it as JSON.
// It takes only JSON, which a form on another site cannot send.
func (a *App) referToken(w http.ResponseWriter, r *http.Request) {
	u := a.current(r)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); u == nil || mt != "application/json" {
		http.Error(w, "sign in first", http.StatusUnauthorized)
		return
	}
	a.mu.Lock()
	id, email, name := u.ID, u.Email, u.Name
	a.mu.Unlock()
	t, err := a.api.MintEmbedToken(r.Context(), id, email, name)
	if err != nil {
		a.log.Error("mint embed token", "err", err) // the error, never a token
		http.Error(w, "the referral page is unavailable, try again", http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(map[string]string{"token": t.Token})
}
