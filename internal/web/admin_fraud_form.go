package web

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// Messages for fraud settings that do not parse.
const (
	msgHours   = "Write a number of hours, such as 24 or 0.5."
	msgSeconds = "Write a number of seconds, such as 5 or 2.5."
)

// fraudForm is the fraud settings form as typed, kept as strings so that a
// rejected form comes back as it was sent. Errors are keyed by the core's
// field names (review_threshold, device_window, fast_signup, ...).
type fraudForm struct {
	ReviewThreshold, BlockThreshold                                     string
	RequireVerifiedEmail                                                bool
	DeviceWindowHours                                                   string
	MaxPerReferrerHour, MaxPerReferrerDay, MaxPerIPDay, MaxPerSubnetDay string
	FastSignupSeconds                                                   string
	Errors                                                              map[string]string
	Message                                                             string
}

// fraudFormFrom fills the form with saved settings.
func fraudFormFrom(f referralhub.FraudSettings) fraudForm {
	itoa := strconv.Itoa
	return fraudForm{ReviewThreshold: itoa(f.ReviewThreshold), BlockThreshold: itoa(f.BlockThreshold),
		RequireVerifiedEmail: f.RequireVerifiedEmail, DeviceWindowHours: formatHours(f.DeviceWindow),
		MaxPerReferrerHour: itoa(f.MaxPerReferrerHour), MaxPerReferrerDay: itoa(f.MaxPerReferrerDay),
		MaxPerIPDay: itoa(f.MaxPerIPDay), MaxPerSubnetDay: itoa(f.MaxPerSubnetDay),
		FastSignupSeconds: formatSeconds(f.FastSignup)}
}

// readFraudForm reads a posted fraud form. An unchecked box is not sent,
// so its absence means false.
func readFraudForm(form url.Values) fraudForm {
	return fraudForm{ReviewThreshold: form.Get("review_threshold"), BlockThreshold: form.Get("block_threshold"),
		RequireVerifiedEmail: form.Get("require_verified_email") != "", DeviceWindowHours: form.Get("device_window_hours"),
		MaxPerReferrerHour: form.Get("max_per_referrer_hour"), MaxPerReferrerDay: form.Get("max_per_referrer_day"),
		MaxPerIPDay: form.Get("max_per_ip_day"), MaxPerSubnetDay: form.Get("max_per_subnet_day"),
		FastSignupSeconds: form.Get("fast_signup_seconds")}
}

// settings turns the form into fraud settings. Values that do not parse
// are field errors; the core's objections to the rest are added, so the
// admin sees every mistake at once.
func (f fraudForm) settings() (referralhub.FraudSettings, error) {
	fe := referralhub.FieldErrors{}
	whole := func(field, s string) int { return int(wholeField(fe, field, s)) }
	out := referralhub.FraudSettings{ReviewThreshold: whole("review_threshold", f.ReviewThreshold),
		BlockThreshold: whole("block_threshold", f.BlockThreshold), RequireVerifiedEmail: f.RequireVerifiedEmail,
		MaxPerReferrerHour: whole("max_per_referrer_hour", f.MaxPerReferrerHour),
		MaxPerReferrerDay:  whole("max_per_referrer_day", f.MaxPerReferrerDay),
		MaxPerIPDay:        whole("max_per_ip_day", f.MaxPerIPDay), MaxPerSubnetDay: whole("max_per_subnet_day", f.MaxPerSubnetDay)}
	var ok bool
	if out.DeviceWindow, ok = parseDecimal(f.DeviceWindowHours, time.Hour, 6, time.Second); !ok {
		fe.Add("device_window", msgHours)
	}
	if out.FastSignup, ok = parseDecimal(f.FastSignupSeconds, time.Second, 3, time.Millisecond); !ok {
		fe.Add("fast_signup", msgSeconds)
	}
	if len(fe) == 0 {
		return out, nil
	}
	for name, msg := range referralhub.ErrorFields(core.ValidateFraud(out)) {
		fe.Add(name, msg)
	}
	return out, fe.Err()
}

// parseDecimal reads a count of unit with at most places decimals ("24",
// "0.5"), rounded to round so that what formatDecimal writes reads back
// the same. It is strict: no sign, no exponent, at most 5 whole digits. A
// blank is 0.
func parseDecimal(s string, unit time.Duration, places int, round time.Duration) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	whole, frac, dot := strings.Cut(s, ".")
	if !isDigits(whole) || len(whole) > 5 || dot && (!isDigits(frac) || len(frac) > places) {
		return 0, false
	}
	scale := strings.Repeat("0", places)
	n, err := strconv.ParseInt(whole+(frac + scale)[:places], 10, 64) // in units of unit/10^places
	if err != nil {
		return 0, false
	}
	step := unit
	for range places {
		step /= 10
	}
	return (time.Duration(n) * step).Round(round), true
}

// formatHours writes a duration as hours for a form: "24", "0.5".
func formatHours(d time.Duration) string { return formatDecimal(d.Hours(), 6) }

// formatSeconds writes a duration as seconds for a form: "5", "2.5".
func formatSeconds(d time.Duration) string { return formatDecimal(d.Seconds(), 3) }

// formatDecimal writes v with at most places decimals and no trailing
// zeros.
func formatDecimal(v float64, places int) string {
	s := strconv.FormatFloat(v, 'f', places, 64)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}
