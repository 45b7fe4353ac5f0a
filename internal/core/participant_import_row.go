package core

import (
	"fmt"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
)

// importRecord is a row that reads as a participant: trimmed, checked on
// its own, its code normalised. The has* fields say whether the input
// gave that column at all: an update leaves the others as they are.
type importRecord struct {
	line                     int
	ext, email, name, plan   string
	code, referredBy         string
	campaign                 string // a campaign's slug, "" to leave it
	hasEmail, hasName        bool
	hasPlan                  bool
	referredAt, createdAt    time.Time
	hosted                   bool // no external id but a code: maybe a participant who signed up here
	hasReferredAt, hasCreate bool
}

// parseRecord checks a row on its own and returns it as a record, or
// why it is rejected.
func parseRecord(row rawRow, now time.Time) (importRecord, string) {
	r := importRecord{line: row.line}
	if row.bad != "" {
		return r, row.bad
	}
	f := func(c int) string { return strings.TrimSpace(row.fields[c]) }
	r.ext, r.email, r.name, r.plan = f(colExternalID), f(colEmail), f(colName), f(colPlan)
	r.hasEmail, r.hasName, r.hasPlan = row.has[colEmail], row.has[colName], row.has[colPlan] && r.plan != ""
	r.referredBy, r.campaign = f(colReferredBy), f(colCampaign)
	if code := f(colCode); code != "" {
		checked, err := CheckVanityCode(code, nil)
		if err != nil { // the form codes have today, or a chosen code's rules
			return r, fmt.Sprintf("invalid code %q: %s", code, referralhub.ErrorMessage(err))
		}
		r.code = checked
	}
	if r.ext == "" && r.code != "" {
		r.hosted = true // told apart once the code is looked up
		return r, ""
	}
	if reason := checkRecordFields(r); reason != "" {
		return r, reason
	}
	var reason string
	if r.createdAt, r.hasCreate, reason = importTime("created_at", f(colCreatedAt), now); reason != "" {
		return r, reason
	}
	if r.referredAt, r.hasReferredAt, reason = importTime("referred_at", f(colReferredAt), now); reason != "" {
		return r, reason
	}
	if r.referredBy != "" && (r.referredBy == r.ext || (r.code != "" && NormalizeCode(r.referredBy) == r.code)) {
		return r, "self-referral: a participant cannot refer themselves"
	}
	return r, ""
}

// checkRecordFields checks the external id, email, name and plan.
func checkRecordFields(r importRecord) string {
	switch {
	case r.ext == "":
		return "external_id is missing"
	case !validExternalID(r.ext):
		return fmt.Sprintf("invalid external_id: 1 to %d characters on one line", maxExternalID)
	case r.email != "" && checkEmail(r.email) != "":
		return fmt.Sprintf("bad email %q", r.email)
	case len(r.name) > maxNameLen || !isLine(r.name):
		return fmt.Sprintf("bad name: up to %d characters on one line", maxNameLen)
	case r.plan != "" && r.plan != referralhub.PlanFree && r.plan != referralhub.PlanPaid:
		return fmt.Sprintf("unknown plan %q: the plan is free or paid", r.plan)
	case len(r.referredBy) > maxExternalID || !isLine(r.referredBy):
		return "invalid referred_by: give the referrer's external id or code"
	}
	return ""
}

// importTimeLayouts are the forms a time may take in an import.
func importTimeLayouts() []string {
	return []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"}
}

// importTime reads an optional time column (UTC when it names no zone);
// a time in the future is refused.
func importTime(column, text string, now time.Time) (time.Time, bool, string) {
	if text == "" {
		return time.Time{}, false, ""
	}
	for _, layout := range importTimeLayouts() {
		if t, err := time.Parse(layout, text); err == nil {
			if t.After(now) {
				return t, false, fmt.Sprintf("%s %q is in the future", column, text)
			}
			return t.UTC().Truncate(time.Microsecond), true, ""
		}
	}
	return time.Time{}, false, fmt.Sprintf("bad %s %q: use a date (2024-05-01) or an RFC 3339 time", column, text)
}
