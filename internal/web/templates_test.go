package web

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/stats"
	"github.com/referralhub/referralhub/internal/storage"
)

// TestEveryTemplateRenders executes each page with representative data, so
// no template is left broken, including ones no handler test reaches.
func TestEveryTemplateRenders(t *testing.T) {
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	p, err := parsePages(a)
	if err != nil {
		t.Fatal(err)
	}
	user := &referralhub.User{Username: "alice", IsAdmin: true}
	d := core.Dashboard{Page: 2, Pages: 3, Referrals: []referralhub.ReferredUser{{Username: "bob", JoinedAt: time.Now()}}}
	data := map[string]pageData{
		"landing":     {Title: "x", Data: landingOf(referralhub.DefaultBranding())},
		"signup":      {Title: "x", Data: signupView{Campaign: &referralhub.Campaign{Slug: "spring", Headline: "h", Description: "d"}, Email: "a@b.c", Errors: map[string]string{"email": "bad"}, Invite: invitationView{InvitedBy: "alice", Product: "P", Offer: "Sign up and you both get $10.", LinkUnknown: true}}},
		"login":       {Title: "x", Data: loginView{Login: "alice", Message: "no"}},
		"dashboard":   {Title: "x", User: user, Data: dashboardView{Code: "abcdefgh", Link: "http://x/r/abcdefgh", Share: shareLinks("http://x/r/abcdefgh", "alice", referralhub.DefaultBranding()), QR: qrSVG("http://x/r/abcdefgh"), Rows: referralRows(d), Dashboard: d}},
		"admin_users": {Title: "x", User: user, Data: adminUsersView{UserList: core.UserList{Users: []referralhub.AdminUser{{User: *user, Code: "abcdefgh"}}, Page: 2, Pages: 3}, CodeUser: user.ID, CodeError: "taken"}},
		"preview":     {Title: "x", Description: "d", Preview: &previewMeta{Title: "t", Description: "d", URL: "http://x/r/abcd", Image: "http://x/r/abcd/preview.png?v=1"}, Data: previewView{Title: "t", Offer: "o"}},
		"error":       {Title: "x", Data: errorView{Status: 404, Message: "gone", RequestID: "id"}},
		"rewards": {Title: "x", User: user, Data: rewardsView{Balances: []balanceCard{{ID: "balance-points", Label: "Points", Value: "10", Pending: "5 on hold"}},
			Earn: []string{"Invite a friend: you get 10 points when they sign up."}, Message: "no",
			Rows:   []rewardRow{{ID: 1, What: "10 points", Status: "Available", Dates: []string{"Credited 1 Mar 2026"}, CanRedeem: true}, {ID: 2, PromoCode: "FALL20"}},
			Coupon: couponOffer{CanBuy: true, Points: 10, Value: "$5.00", Key: "k"}, Form: formTarget{Prefix: "/rewards"}}},
		"settings":               {Title: "x", User: user, Banner: "Saved.", Data: settingsView{Email: "a@b.c", NewEmail: "x@y.z", EmailErrors: map[string]string{"email": "bad"}, PasswordErrors: map[string]string{"current_password": "no"}}},
		"verify_email":           {Title: "x", User: user, Data: verifyView{CanResend: true, SignedIn: true}},
		"password_reset":         {Title: "x", Data: resetView{Email: "a@b.c", Errors: map[string]string{"email": "bad"}}},
		"password_reset_confirm": {Title: "x", Data: resetConfirmView{Token: "t", Errors: map[string]string{"password": "weak"}}},
		"unsubscribe":            {Title: "x", Data: unsubscribeView{UserID: "1", Kind: "new_referral", Sig: "s", What: "emails about new referrals"}},
		"admin_program":          {Title: "x", User: user, Data: programView{Form: programFormFrom(core.DefaultProgram(core.DefaultSettings())), Choices: programChoices(), Presets: presetViews()}},
		"admin_jobs":             {Title: "x", User: user, Data: jobsView{Filters: jobFilters("", nil), Jobs: []referralhub.Job{{ID: 1, Kind: "mail", State: "failed"}}}},
		"settings_delete":        {Title: "x", User: user, Data: deleteView{Message: "locked", Errors: map[string]string{"password": "no", "confirm": "tick"}}},
		"admin_fraud":            {Title: "x", User: user, Data: fraudView{Form: fraudForm{Errors: map[string]string{"review_threshold": "bad", "device_window": "bad"}, Message: "no"}, Notice: "Saved."}},
		"admin_review":           {Title: "x", User: user, Data: reviewView{State: "held", Tabs: reviewTabs("held"), Full: true, Notice: "ok", Problem: "no", Cases: reviewCaseSamples()}},
		"admin_audit":            {Title: "x", User: user, Data: auditView{Filters: auditFilters(""), Entries: []referralhub.AuditEntry{{ID: 1, Actor: "root", Action: "review.approve", Subject: "referral 1", Detail: "known customer"}}, Page: 2, Newer: "/admin/audit", Older: "/admin/audit?page=3"}},
		"admin_webhooks":         {Title: "x", User: user, Data: webhooksView{Endpoints: webhookSamples(), Failed: webhookSamples()[1:], Form: webhookFormSample(false), Notice: "Deleted."}},
		"admin_webhook":          {Title: "x", User: user, Data: newWebhookView(webhookPageSample(), webhookFormSample(true), "Saved.")},
		"admin_branding":         {Title: "x", User: user, Data: brandingView{Form: brandingForm{Share: core.ShareChannels(referralhub.ShareMessages{X: "x"}), Errors: map[string]string{"logo": "bad", "share_x": "bad"}, Message: "no"}, LogoURL: "/brand/logo?v=1", LogoWidth: 2, LogoHeight: 1, UpdatedBy: "root", UpdatedAt: "1 Mar 2026", Notice: "Saved."}},
		"admin_api_keys":         {Title: "x", User: user, Data: apiKeysView{Keys: []referralhub.APIKey{{ID: 1, Name: "shop", Scope: "write", Hint: "rhk_ABCDEFGH", CreatedBy: "root", LastUsedAt: time.Now()}, {ID: 2, Name: "old", Scope: "read", RevokedAt: time.Now()}}, Created: &core.NewAPIKey{APIKey: referralhub.APIKey{Name: "shop", Scope: "write"}, Secret: "rhk_secret"}, Errors: map[string]string{"name": "bad", "scope": "bad"}, Notice: "Revoked."}},
		"network":                {Title: "x", User: user, Data: networkView{Levels: levelRows([]int64{2, 1}), Total: 3, Depth: core.NetworkDepth, Page: networkPageFor(core.NetworkPage{NodeID: 1, Depth: 2, Next: 9, People: []referralhub.NetworkMember{{ParticipantID: 2, Name: "bob", Referrals: 1, JoinedAt: time.Now()}, {ParticipantID: 3, Deleted: true}}})}},
	}
	data["admin_user"] = pageData{Title: "x", User: user, Data: adminUserView{UserAccount: core.UserAccount{
		UserAccount: storage.UserAccount{User: *user, Banned: true}, Referrer: "carol",
		Risk:  &referralhub.ReviewItem{Referral: referralhub.Referral{RiskScore: 40, Review: "held", Signals: []referralhub.Signal{{Code: "fast_signup", Reason: "fast", Weight: 40}}}},
		Audit: []referralhub.AuditEntry{{Actor: "root", Action: "participant.ban", Detail: "farm"}}},
		Referrals: referralRows(d), Rewards: []rewardRow{{ID: 1, What: "10 points", Status: "Adjusted"}}, Notice: "Done.", Form: "points", Error: "bad", Typed: "x", Key: "k"}}
	data["admin_analytics"] = pageData{Title: "x", User: user, Data: analyticsViewSample()}
	spring := core.CampaignRow{Campaign: referralhub.Campaign{ID: 2, Slug: "spring", Name: "Spring", Status: referralhub.CampaignEnded,
		StartsAt: time.Now(), Headline: "h", Program: &referralhub.Program{Rules: []referralhub.Rule{{ID: 2000001, Trigger: "signup",
			Referrer: &referralhub.RewardSpec{Kind: referralhub.KindPoints, Amount: 5}, CapCount: 3, CapPeriod: "life"}}}},
		Figures: referralhub.CampaignFigures{Participants: 3, Rewards: []referralhub.RewardTotal{{Kind: "credit", Currency: "usd", Rewards: 2, Amount: 2000}}},
		Link:    "http://x/c/spring"}
	campaignForm := withChoices(campaignForm{Slug: "spring", Errors: map[string]string{"slug": "bad", "name": "bad"}, Message: "no"})
	data["admin_campaigns"] = pageData{Title: "x", User: user, Data: campaignsView{Rows: []core.CampaignRow{spring}, Form: campaignForm, Notice: "Ended."}}
	data["admin_campaign"] = pageData{Title: "x", User: user, Data: campaignView{Row: spring, Form: campaignForm, Participant: "x",
		Errors: map[string]string{"participant": "bad", "backtest_days": "bad"}, Backtest: &backtestView{Values: []backtestLine{{Label: "Points"}}}, Notice: "Saved."}}
	data["invites_unsubscribe"] = pageData{Title: "x", Data: inviteUnsubscribeView{Token: "t", Email: "a@b.c"}}
	withInvites := data["dashboard"].Data.(dashboardView)
	withInvites.Invites = inviteView{Emails: "x", Errors: map[string]string{"emails": "bad", "note": "long"}, Sent: 1, DailyLimit: 20,
		Results: []core.InviteResult{{Email: "a@b.c", Sent: true}, {Email: "b@c.d", Refused: "recent", Reason: "Invited lately."}},
		Rows:    []inviteRow{{Email: "a@b.c", State: "sent", Sent: "1 Mar 2026"}, {Email: "b@c.d", State: "not sent", Why: "Invited lately."}}}
	data["dashboard"] = pageData{Title: "x", User: user, Data: withInvites}
	data["leaderboard"] = pageData{Title: "x", User: user, Data: leaderboardView{YouID: 2, YouNote: "Refer a friend.",
		Tabs:  []boardTab{{Period: "week", Label: "This week", Current: true}},
		Board: core.Leaderboard{Entries: []referralhub.LeaderboardEntry{{Rank: 1, ParticipantID: 2, Name: "A. L.", Referrals: 3}}}}}
	data["admin_stripe"] = pageData{Title: "x", User: user, Data: stripeView{EndpointURL: "https://x/integrations/stripe/webhook",
		Retried: "evt_1", StripeSync: core.StripeSync{Types: core.StripeEventTypes(), APIVersion: "2026-03-25.dahlia",
			Events: []referralhub.StripeEvent{{ID: "evt_1", Type: "invoice.paid", Outcome: referralhub.StripeFailed, Detail: "boom", Retries: 1},
				{ID: "evt_2", Type: "charge.refunded", Outcome: referralhub.StripeRecorded, ParticipantID: 3, EventID: 9}}}}}
	frame := frameView{Token: "rhe_x", Theme: "dark", ParentOrigin: "https://shop.example"}
	data["embed"] = pageData{Title: "x", Frame: frame, Data: embedView{Code: "abcdefgh", Link: "http://x/r/abcdefgh",
		Share: shareLinks("http://x/r/abcdefgh", "Ann", referralhub.DefaultBranding()), QR: qrSVG("http://x/r/abcdefgh"),
		Overview: d.Overview, Qualified: 2, Extras: []embedExtra{{ID: "extra-promo", Label: "Your promotion code", Value: "ANN10", Copy: true}},
		Rewards: rewardsView{Balances: []balanceCard{{ID: "balance-points", Label: "Points", Value: "10"}}, Earn: []string{"Invite a friend."},
			Message: "no", Standing: "no", Rows: []rewardRow{{ID: 1, What: "14 trial days", CanRedeem: true}}, Form: frame.forms(),
			Coupon: couponOffer{CanBuy: true, Points: 10, Value: "$5.00", Key: "k"}}}}
	data["embed_error"] = pageData{Title: "x", Frame: frame, Data: embedErrorView{Status: 401, Message: "This page has expired.", Hint: "Reload.", RequestID: "id"}}
	data["dashboard_holdout"] = pageData{Title: "x", User: user}
	exp := referralhub.Experiment{ID: 1, Name: "five or ten", Status: referralhub.ExperimentRunning, HoldoutPercent: 10, Promoted: "",
		Variants: []referralhub.Variant{{Key: "A", Name: "Five", Weight: 50}, {Key: "B", Name: "Ten", Weight: 50}}}
	data["admin_experiments"] = pageData{Title: "x", User: user, Data: experimentsView{Campaign: referralhub.Campaign{ID: 1, Slug: "default", Name: "Default"},
		Experiments: []referralhub.Experiment{exp}, Errors: map[string]string{"name": "bad", "variant.1.rule.0.trigger": "bad"},
		Variants: variantRows(experimentForm{}, map[string]string{"variant.1.rule.0.trigger": "bad"})}}
	iv := stats.Interval{Estimate: 0.2, Low: 0.1, High: 0.3, OK: true}
	data["admin_experiment"] = pageData{Title: "x", User: user, Data: experimentViewOf(core.ExperimentReport{Experiment: exp,
		Arms: []core.ArmFigures{{Arm: "A", Participants: 40}, {Arm: "B", Participants: 40}, {Arm: referralhub.ArmHoldout, Participants: 9}},
		Metrics: []core.MetricRow{{Metric: core.MetricCostPerConv, Currency: "usd", Cells: []core.MetricCell{{Arm: "A", Value: iv},
			{Arm: "B", Value: iv, Diff: iv, Verdict: core.Verdict{Kind: core.VerdictAhead, Text: "Variant B is ahead of variant A."}}, {Arm: referralhub.ArmHoldout}}}},
		Incremental: iv, IncrementalVerdict: core.Verdict{Kind: core.VerdictTooEarly, Text: "Not enough data yet."}})}
	s := &Server{pages: p, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for name := range p.byName {
		pd, ok := data[name]
		if !ok {
			t.Errorf("template %s has no case here: add one", name)
			continue
		}
		rec := httptest.NewRecorder()
		if strings.HasPrefix(name, "embed") {
			s.renderEmbed(rec, httptest.NewRequest("GET", "/", nil), 200, name, pd)
		} else {
			s.render(rec, httptest.NewRequest("GET", "/", nil), 200, name, pd)
		}
		if rec.Code != 200 || rec.Body.Len() < 500 {
			t.Errorf("%s: status %d, %d bytes", name, rec.Code, rec.Body.Len())
		}
	}
}

// reviewCaseSamples are a held and a rejected referral for the review
// page: signals, histories, linked accounts, a reviewer's note, and a
// refused decision's error.
func reviewCaseSamples() []reviewCaseView {
	item := referralhub.ReviewItem{Referral: referralhub.Referral{ID: 7, ReferrerID: 1, RefereeID: 2, CreatedAt: time.Now(), RiskScore: 40,
		Review: referralhub.ReviewHeld, Signals: []referralhub.Signal{{Code: "fast_signup", Reason: "Too fast.", Weight: 40}}},
		ReferrerName: "alice", RefereeName: "bob", ReferrerEmail: "alice@example.com", RefereeEmail: "bob@example.com"}
	held := reviewCaseFrom(core.ReviewCase{ReviewItem: item, Referrer: referralhub.ParticipantHistory{ParticipantID: 1, Username: "alice", Verified: true, Held: 1},
		Referee:        referralhub.ParticipantHistory{ParticipantID: 2, Banned: true},
		ReferrerLinked: []referralhub.LinkedAccount{{ParticipantID: 2, Username: "bob", Kind: "ip"}, {ParticipantID: 2, Username: "bob", Kind: "device"}}})
	held.Decisions[0].Reason, held.Decisions[0].Error = "x", "too long"
	item.ID, item.Review, item.ReviewedBy, item.ReviewNote, item.Signals = 8, referralhub.ReviewRejected, "root", "a farm", nil
	return []reviewCaseView{held, reviewCaseFrom(core.ReviewCase{ReviewItem: item})}
}
