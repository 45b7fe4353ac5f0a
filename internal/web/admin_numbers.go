package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
)

// Messages for numbers in admin forms that do not parse.
const (
	msgWhole = "Write a whole number, such as 10."
	msgMoney = "Write an amount such as 10 or 10.50, with at most 2 decimals."
	msgDays  = "Write a number of days, such as 30 or 0.5."
)

// parseMoney reads an amount typed in major units ("10", "10.5", "10.50")
// as minor units. It is strict: no sign, no thousands separator, at most
// two decimals. A blank amount is 0.
func parseMoney(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	whole, frac, dot := strings.Cut(s, ".")
	if !isDigits(whole) || len(whole) > 12 || dot && (!isDigits(frac) || len(frac) > 2) {
		return 0, false
	}
	n, err := strconv.ParseInt(whole+(frac + "00")[:2], 10, 64)
	return n, err == nil
}

// parseWhole reads a whole number of at most 15 digits; blank is 0.
func parseWhole(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	if !isDigits(s) || len(s) > 15 {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// parseDays reads a number of days with up to 6 decimals ("30", "0.5") as
// a duration rounded to the minute, so that what formatDays writes reads
// back the same. A blank is 0.
func parseDays(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	whole, frac, dot := strings.Cut(s, ".")
	if !isDigits(whole) || len(whole) > 5 || dot && (!isDigits(frac) || len(frac) > 6) {
		return 0, false
	}
	micro, err := strconv.ParseInt(whole+(frac + "000000")[:6], 10, 64) // millionths of a day
	if err != nil {
		return 0, false
	}
	return (time.Duration(micro) * (24 * time.Hour / 1e6)).Round(time.Minute), true
}

func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// formatMoneyInput writes minor units as a form value: "10.50", and ""
// for 0 so that an unused amount stays blank.
func formatMoneyInput(minor int64) string {
	if minor == 0 {
		return ""
	}
	return strconv.FormatInt(minor/100, 10) + "." + strconv.FormatInt(100+minor%100, 10)[1:]
}

// formatWholeInput writes a count as a form value, "" for 0.
func formatWholeInput(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// formatDays writes a duration as days for a form: "30", "0.5".
func formatDays(d time.Duration) string {
	s := strconv.FormatFloat(d.Hours()/24, 'f', 6, 64)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

// Field readers: each parses one value and records a field error when it
// does not parse, returning 0 so the rest of the form can still be read.

func wholeField(fe referralhub.FieldErrors, field, s string) int64 {
	n, ok := parseWhole(s)
	if !ok {
		fe.Add(field, msgWhole)
	}
	return n
}

func moneyField(fe referralhub.FieldErrors, field, s string) int64 {
	n, ok := parseMoney(s)
	if !ok {
		fe.Add(field, msgMoney)
	}
	return n
}

func daysField(fe referralhub.FieldErrors, field, s string) time.Duration {
	d, ok := parseDays(s)
	if !ok {
		fe.Add(field, msgDays)
	}
	return d
}

// currencyCode normalises a typed currency code; the core checks it.
func currencyCode(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
