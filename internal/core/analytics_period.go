package core

import (
	"time"

	"github.com/referralhub/referralhub"
)

// Analytics periods.
const (
	DefaultPeriodDays = 30
	MaxPeriodDays     = 5 * 366 // longer periods are refused
	dayLayout         = "2006-01-02"
)

// PeriodPresets are the period lengths the analytics page offers, in days.
func PeriodPresets() []int { return []int{7, 30, 90} }

// Period is a range of whole UTC days, both ends included.
type Period struct {
	From, To time.Time // midnight UTC of the first and the last day
}

// FirstDay is the period's first day as YYYY-MM-DD.
func (p Period) FirstDay() string { return p.From.Format(dayLayout) }

// LastDay is the period's last day as YYYY-MM-DD.
func (p Period) LastDay() string { return p.To.Format(dayLayout) }

// End is the instant the period ends: midnight after its last day.
func (p Period) End() time.Time { return p.To.AddDate(0, 0, 1) }

// Days is how many days the period spans.
func (p Period) Days() int { return int(p.End().Sub(p.From).Hours()/24 + 0.5) }

// LastDays is the period of n days ending today (UTC).
func LastDays(now time.Time, n int) Period {
	today := midnight(now)
	return Period{From: today.AddDate(0, 0, 1-n), To: today}
}

// ParsePeriod reads a period from from and to (YYYY-MM-DD, either may be
// empty) and days (a length used when from is empty; 0 for the default).
// An empty to means today; an empty from means days before to.
func ParsePeriod(from, to string, days int, now time.Time) (Period, error) {
	p := LastDays(now, DefaultPeriodDays)
	if days < 0 || days > MaxPeriodDays {
		return p, periodError("days", "The number of days must be between 1 and %d.", MaxPeriodDays)
	}
	if days == 0 {
		days = DefaultPeriodDays
	}
	if to != "" {
		t, err := time.Parse(dayLayout, to)
		if err != nil {
			return p, periodError("to", "The end date must be a day like 2026-03-31.")
		}
		p.To = t
	} else {
		p.To = midnight(now)
	}
	p.From = p.To.AddDate(0, 0, 1-days)
	if from != "" {
		f, err := time.Parse(dayLayout, from)
		if err != nil {
			return p, periodError("from", "The start date must be a day like 2026-03-01.")
		}
		p.From = f
	}
	switch {
	case p.From.After(p.To):
		return p, periodError("from", "The start date must not be after the end date.")
	case p.Days() > MaxPeriodDays:
		return p, periodError("from", "A period can span at most %d days.", MaxPeriodDays)
	}
	return p, nil
}

func periodError(field, format string, args ...any) error {
	e := referralhub.Errorf(referralhub.EINVALID, format, args...)
	e.Fields = map[string]string{field: e.Message}
	return e
}

// midnight is the start of t's UTC day.
func midnight(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ParsePeriod is the package's ParsePeriod at the service's clock.
func (s *Service) ParsePeriod(from, to string, days int) (Period, error) {
	return ParsePeriod(from, to, days, s.now())
}
