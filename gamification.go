package referralhub

import (
	"strconv"
	"strings"
	"time"
)

// Tier is a level participants reach by their qualified referrals. A tier's
// MultiplierPercent scales the points and credit its members earn as
// referrers: 150 pays one and a half times the rule's amount.
type Tier struct {
	Name              string
	Threshold         int64 // qualified referrals needed
	MultiplierPercent int64 // 100 pays the rule's amount as it is
}

// Badge is a milestone: earned once, at Threshold qualified referrals.
type Badge struct {
	Name      string
	Threshold int64
}

// EarnedBadge is a badge a participant holds, with when they earned it.
type EarnedBadge struct {
	Name      string
	Threshold int64
	EarnedAt  time.Time
}

// DefaultTiers are the tiers of a program that has not set its own.
func DefaultTiers() []Tier {
	return []Tier{{"Bronze", 0, 100}, {"Silver", 10, 100}, {"Gold", 50, 100}, {"Diamond", 100, 100}}
}

// DefaultBadges are the milestone badges of a program that has not set its
// own.
func DefaultBadges() []Badge {
	return []Badge{{"First referral", 1}, {"Connector", 10}, {"Influencer", 50}, {"Legend", 100}}
}

// TiersOrDefault is the program's tiers, lowest first, or the defaults.
func (p Program) TiersOrDefault() []Tier {
	if p.Tiers == nil {
		return DefaultTiers()
	}
	return p.Tiers
}

// BadgesOrDefault is the program's badges, lowest first, or the defaults.
func (p Program) BadgesOrDefault() []Badge {
	if p.Badges == nil {
		return DefaultBadges()
	}
	return p.Badges
}

// Achievement events: a participant reaching a tier or earning a badge is
// an event named "tier.<slug of the tier's name>" or "badge.<threshold>",
// which rules can use as their trigger to reward the participant.
const (
	TierEventPrefix  = "tier."
	BadgeEventPrefix = "badge."
)

// TierEvent is the event name for reaching a tier: "tier.gold".
func TierEvent(tierName string) string {
	return TierEventPrefix + Slug(tierName)
}

// BadgeEvent is the event name for earning a badge: "badge.10".
func BadgeEvent(b Badge) string {
	return BadgeEventPrefix + strconv.FormatInt(b.Threshold, 10)
}

// IsAchievementEvent reports whether an event name is a tier or a badge.
func IsAchievementEvent(name string) bool {
	return strings.HasPrefix(name, TierEventPrefix) || strings.HasPrefix(name, BadgeEventPrefix)
}

// Slug lower-cases s and turns every run of other characters than a-z and
// 0-9 into one "_": "Diamond Club" is "diamond_club".
func Slug(s string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			gap = false
			continue
		}
		gap = true
	}
	return b.String()
}

// TierProgress is where a participant stands among the tiers.
type TierProgress struct {
	Qualified int64
	Current   Tier
	Next      *Tier // nil at the top tier
	Remaining int64 // referrals to the next tier
	Percent   int   // of the way from the current tier to the next, 0-100
}

// ProgressOf places qualified referrals among tiers (lowest first).
func ProgressOf(tiers []Tier, qualified int64) TierProgress {
	p := TierProgress{Qualified: qualified, Percent: 100}
	if len(tiers) == 0 {
		return p
	}
	p.Current = tiers[0]
	for i, t := range tiers {
		if qualified >= t.Threshold {
			p.Current = t
			continue
		}
		next := tiers[i]
		p.Next, p.Remaining = &next, next.Threshold-qualified
		span := next.Threshold - p.Current.Threshold
		p.Percent = int((qualified - p.Current.Threshold) * 100 / max(span, 1))
		break
	}
	return p
}

// Leaderboard display choices: how a participant's name shows on the
// leaderboard.
const (
	ShowInitials = "initials" // the default: "A. L."
	ShowName     = "name"     // the display name they chose
	ShowNobody   = "hidden"   // not on the leaderboard at all
)

// Leaderboard periods.
const (
	BoardWeek  = "week"
	BoardMonth = "month"
	BoardAll   = "all"
)

// BoardPeriodKey names the leaderboard period containing t: "all",
// "w:2026-11-16" (weeks start on Monday, UTC) or "m:2026-11".
func BoardPeriodKey(period string, t time.Time) string {
	t = t.UTC()
	switch period {
	case BoardWeek:
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		back := (int(day.Weekday()) + 6) % 7 // days since Monday
		return "w:" + day.AddDate(0, 0, -back).Format(time.DateOnly)
	case BoardMonth:
		return "m:" + t.Format("2006-01")
	}
	return BoardAll
}

// BoardPeriodStart is when the period containing t began (zero for "all").
func BoardPeriodStart(period string, t time.Time) time.Time {
	key := BoardPeriodKey(period, t)
	switch period {
	case BoardWeek:
		s, _ := time.Parse(time.DateOnly, key[2:])
		return s
	case BoardMonth:
		s, _ := time.Parse("2006-01", key[2:])
		return s
	}
	return time.Time{}
}

// LeaderboardEntry is one line of the leaderboard.
type LeaderboardEntry struct {
	Rank          int64
	ParticipantID int64
	Name          string // as the participant chose to be shown
	Referrals     int64
}
