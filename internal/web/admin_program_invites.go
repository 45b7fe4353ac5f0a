package web

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/referralhub/referralhub"
)

// inviteSettingsForm is the program form's invitation settings, as typed.
type inviteSettingsForm struct {
	InviteDailyLimit, InviteReminderDays string
}

func readInviteSettingsForm(form url.Values) inviteSettingsForm {
	return inviteSettingsForm{InviteDailyLimit: form.Get("invite_daily_limit"), InviteReminderDays: form.Get("invite_reminder_days")}
}

func inviteSettingsFormFrom(p referralhub.Program) inviteSettingsForm {
	in := p.InvitesOrDefault()
	return inviteSettingsForm{InviteDailyLimit: strconv.Itoa(in.DailyLimit), InviteReminderDays: strconv.Itoa(in.ReminderDays)}
}

// settings parses the invitation settings; nil when the form has neither
// field, so a form that does not edit them keeps them. The core checks
// their ranges.
func (f inviteSettingsForm) settings(fe referralhub.FieldErrors) *referralhub.InviteSettings {
	limit, days := strings.TrimSpace(f.InviteDailyLimit), strings.TrimSpace(f.InviteReminderDays)
	if limit == "" && days == "" {
		return nil
	}
	return &referralhub.InviteSettings{DailyLimit: int(wholeField(fe, "invite_daily_limit", limit)),
		ReminderDays: int(wholeField(fe, "invite_reminder_days", days))}
}
