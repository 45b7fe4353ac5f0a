package referralhub

import "time"

// NetworkMember is one person in a referral tree, as the network page
// lists them under the person who referred them.
type NetworkMember struct {
	ReferralID    int64  // the referral that brought them: the page's cursor
	ParticipantID int64  // whose children expanding them shows
	Name          string // the username, or an API participant's name; "" for none
	Deleted       bool   // the account was deleted (Name is then "")
	Referrals     int64  // their own direct referrals (participants.referral_count)
	JoinedAt      time.Time
	Show          string // how they chose to show to strangers (the leaderboard's choice)
	DisplayName   string // the display name they chose, if any
}
