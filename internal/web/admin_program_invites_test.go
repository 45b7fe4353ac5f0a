package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

func TestAdminProgramInviteSettings(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		admin := adminBrowser(t, s)
		form := loadProgramForm(t, admin)
		if form.Get("invite_daily_limit") != "20" || form.Get("invite_reminder_days") != "3" {
			t.Fatalf("defaults shown: %q, %q", form.Get("invite_daily_limit"), form.Get("invite_reminder_days"))
		}
		form.Set("invite_daily_limit", "5")
		form.Set("invite_reminder_days", "0")
		saveProgramForm(t, admin, form)
		if got := programNow(t, s).InvitesOrDefault(); got != (referralhub.InviteSettings{DailyLimit: 5, ReminderDays: 0}) {
			t.Fatalf("saved %+v", got)
		}
		_, body := admin.get("/admin/program")
		if !strings.Contains(body, "Changed the invitation settings.") {
			t.Error("the history does not say the invitation settings changed")
		}
		_, body = admin.get("/")
		if !strings.Contains(body, "You can send 5 invitations a day.") {
			t.Error("the dashboard does not show the new limit")
		}
		form = loadProgramForm(t, admin)
		form.Set("invite_daily_limit", "0")
		form.Set("invite_reminder_days", "x")
		resp, body := admin.post("/admin/program", form)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="invite_daily_limit-error"`) ||
			!strings.Contains(body, `id="invite_reminder_days-error"`) {
			t.Fatalf("bad settings: %d", resp.StatusCode)
		}
	})
}
