package web

import (
	"strconv"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// reviewView is the admin's review queue: referrals in one review state,
// each with what an admin needs to decide.
type reviewView struct {
	State   string // the tab shown: held, blocked, approved or rejected
	Tabs    []reviewTab
	Cases   []reviewCaseView
	Full    bool   // the queue has at least a page's worth; more may follow
	Notice  string // what the last decision did, after its redirect
	Problem string // why the decision just posted was not made
}

// reviewTab is one review state to filter by.
type reviewTab struct {
	State, Label string
	Current      bool
}

// reviewCaseView is one referral under review. Its signals are always shown
// with their reasons: the admin decides on them.
type reviewCaseView struct {
	ID         int64
	Score      int
	Review     string
	CreatedAt  time.Time
	Signals    []referralhub.Signal
	People     []personView // the referrer, then the friend
	ReviewedBy string
	ReviewNote string
	Decisions  []decisionForm
}

// personView is one side of a referral: their history and the accounts
// that share a device or an IP address with them.
type personView struct {
	Role  string // "Referrer" or "Friend"
	Name  string // the username, or a stand-in for a deleted account
	Email string
	referralhub.ParticipantHistory
	Linked []linkedView
}

// linkedView is another account seen on the same device or IP address.
type linkedView struct {
	ParticipantID int64
	Name          string
	How           []string // "same device", "same IP address and browser", ...
}

// decisionForm is one decision's form: its button, and the reason as
// typed when a post of it was refused.
type decisionForm struct {
	Decision, Label, Prompt string
	Reason, Error           string
}

// reviewStates lists the states the queue can show, the default first.
func reviewStates() []reviewTab {
	return []reviewTab{{State: referralhub.ReviewHeld, Label: "Held"}, {State: referralhub.ReviewBlocked, Label: "Blocked"},
		{State: referralhub.ReviewApproved, Label: "Approved"}, {State: referralhub.ReviewRejected, Label: "Rejected"}}
}

// reviewTabs marks the current state among the tabs.
func reviewTabs(current string) []reviewTab {
	tabs := reviewStates()
	for i := range tabs {
		tabs[i].Current = tabs[i].State == current
	}
	return tabs
}

// isReviewState reports whether state is one the queue can show.
func isReviewState(state string) bool {
	for _, t := range reviewStates() {
		if t.State == state {
			return true
		}
	}
	return false
}

// reviewCaseFrom turns a core case into what the page shows.
func reviewCaseFrom(c core.ReviewCase) reviewCaseView {
	return reviewCaseView{ID: c.ID, Score: c.RiskScore, Review: c.Review, CreatedAt: c.CreatedAt, Signals: c.Signals,
		People: []personView{
			personFrom("Referrer", c.ReferrerName, c.ReferrerEmail, c.Referrer, c.ReferrerLinked),
			personFrom("Friend", c.RefereeName, c.RefereeEmail, c.Referee, c.RefereeLinked),
		},
		ReviewedBy: c.ReviewedBy, ReviewNote: c.ReviewNote, Decisions: decisionsFor(c.Review)}
}

func personFrom(role, name, email string, h referralhub.ParticipantHistory, linked []referralhub.LinkedAccount) personView {
	return personView{Role: role, Name: displayName(name, h.ParticipantID), Email: email, ParticipantHistory: h, Linked: groupLinked(linked)}
}

// displayName is a username, or a stand-in once the account is deleted.
func displayName(username string, participantID int64) string {
	if username == "" {
		return "deleted account #" + strconv.FormatInt(participantID, 10)
	}
	return username
}

// groupLinked lists each linked account once, with every way it is linked.
func groupLinked(linked []referralhub.LinkedAccount) []linkedView {
	var out []linkedView
	at := map[int64]int{}
	for _, l := range linked {
		i, ok := at[l.ParticipantID]
		if !ok {
			i = len(out)
			at[l.ParticipantID] = i
			out = append(out, linkedView{ParticipantID: l.ParticipantID, Name: displayName(l.Username, l.ParticipantID)})
		}
		out[i].How = append(out[i].How, linkKind(l.Kind))
	}
	return out
}

// linkKind says in words what a linked account shares.
func linkKind(kind string) string {
	switch kind {
	case referralhub.SightDevice:
		return "same device"
	case referralhub.SightIPUA:
		return "same IP address and browser"
	case referralhub.SightIP:
		return "same IP address"
	}
	return kind
}

// decisionsFor lists the decisions a referral in review state can take:
// approve from held or blocked, reject (or ban) from anything not
// rejected yet.
func decisionsFor(state string) []decisionForm {
	approve := decisionForm{Decision: core.DecisionApprove, Label: "Approve", Prompt: "Why approve?"}
	reject := decisionForm{Decision: core.DecisionReject, Label: "Reject", Prompt: "Why reject?"}
	ban := decisionForm{Decision: core.DecisionBan, Label: "Reject and ban the referrer", Prompt: "Why ban?"}
	switch state {
	case referralhub.ReviewHeld, referralhub.ReviewBlocked:
		return []decisionForm{approve, reject, ban}
	case referralhub.ReviewRejected:
		return nil
	}
	return []decisionForm{reject, ban}
}

// decidedNotice confirms the decision that redirected here.
func decidedNotice(id, decision string) string {
	if _, err := strconv.ParseInt(id, 10, 64); err != nil {
		return ""
	}
	switch decision {
	case core.DecisionApprove:
		return "Referral " + id + " was approved."
	case core.DecisionReject:
		return "Referral " + id + " was rejected."
	case core.DecisionBan:
		return "Referral " + id + " was rejected and its referrer banned."
	}
	return ""
}
