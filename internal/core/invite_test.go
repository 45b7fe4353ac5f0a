package core_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/mail/mailtest"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// invite sends m's invites to emails and returns the results by address.
func (f *fixture) invite(t *testing.T, m member, emails ...string) map[string]core.InviteResult {
	t.Helper()
	rs, err := f.svc.Invite(context.Background(), m.p, core.InviteInput{Emails: emails, Note: "Come and see!"})
	if err != nil {
		t.Fatalf("invite %v: %v", emails, err)
	}
	out := map[string]core.InviteResult{}
	for _, r := range rs {
		out[r.Email] = r
	}
	return out
}

// wantRefused checks each address's outcome: "" sent, else its refusal.
func wantRefused(t *testing.T, got map[string]core.InviteResult, want map[string]string) {
	t.Helper()
	for email, code := range want {
		r, ok := got[email]
		switch {
		case !ok:
			t.Errorf("%s: no result in %+v", email, got)
		case r.Refused != code || r.Sent != (code == ""):
			t.Errorf("%s: sent %v refused %q, want %q", email, r.Sent, r.Refused, code)
		case code != "" && r.Reason == "":
			t.Errorf("%s: refused without a reason", email)
		}
	}
}

// mailsTo returns the messages received for address, or whose subject
// has it ("invited you").
func mailsTo(s *mailtest.Server, address string) []mailtest.Received {
	var out []mailtest.Received
	for _, m := range s.Messages() {
		if strings.Contains(strings.ToLower(m.To), strings.ToLower(address)) || strings.Contains(m.Subject, address) {
			out = append(out, m)
		}
	}
	return out
}

func TestInviteRefusesEachRuleAndMailsTheRest(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		alice, mallory := f.join(t, "alice", nil), f.join(t, "mallory", nil)
		f.join(t, "bob", nil)
		f.apiParticipant(t, core.ParticipantInput{ExternalID: "u1", Email: ptr("Host.User@gmail.com")})
		wantRefused(t, f.invite(t, mallory, "dave@example.com"), map[string]string{"dave@example.com": ""})
		got := f.invite(t, alice, "not-an-email", "Bob+promo@example.com", "hostuser@googlemail.com", "dave@example.com",
			"new@example.com", "NEW+again@example.com")
		wantRefused(t, got, map[string]string{
			"not-an-email":            core.InviteRefusedInvalid,
			"Bob+promo@example.com":   referralhub.InviteRefusedParticipant,
			"hostuser@googlemail.com": referralhub.InviteRefusedParticipant,
			"dave@example.com":        referralhub.InviteRefusedRecent,
			"new@example.com":         "",
			"NEW+again@example.com":   core.InviteRefusedDuplicate,
		})
		f.runJobs(t)
		got2 := mailsTo(f.smtp, "new@example.com")
		if n := len(mailsTo(f.smtp, "invited you")); n != 2 || len(got2) != 1 {
			t.Fatalf("invites mailed: %d in all, %d to new@example.com", n, len(got2))
		}
		m := got2[0]
		link := "http://refer.example.com/r/" + alice.p.Code + "?i=" + f.inviteOf(t, alice, "new@example.com").Token + "&s=invite"
		for _, want := range []string{"alice", "Come and see!", link, "/invites/unsubscribe?token="} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("invite mail lacks %q:\n%s", want, m.Text)
			}
		}
		if !strings.Contains(m.Subject, "alice invited you") || !strings.Contains(m.Headers["List-Unsubscribe"], "/invites/unsubscribe?token=") {
			t.Errorf("subject %q, headers %v", m.Subject, m.Headers)
		}
		invites, err := f.svc.Invites(context.Background(), alice.p)
		if err != nil || len(invites) != 4 { // invalid and repeated addresses are not kept
			t.Fatalf("alice's invites: %d, %v", len(invites), err)
		}
	})
}

func TestInviteRequestLimits(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		alice := f.join(t, "alice", nil)
		eleven := make([]string, 11)
		for i := range eleven {
			eleven[i] = fmt.Sprintf("f%d@example.com", i)
		}
		for _, in := range []core.InviteInput{{}, {Emails: eleven}, {Emails: []string{"a@example.com"}, Note: strings.Repeat("é", 281)}} {
			_, err := f.svc.Invite(context.Background(), alice.p, in)
			if referralhub.ErrorCode(err) != referralhub.EINVALID || len(referralhub.ErrorFields(err)) == 0 {
				t.Errorf("%d addresses, note of %d bytes: %v", len(in.Emails), len(in.Note), err)
			}
		}
		if err := f.svc.Ban(context.Background(), f.admin(t), alice.p.ID, "spam"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Invite(context.Background(), alice.p, core.InviteInput{Emails: []string{"a@example.com"}}); referralhub.ErrorCode(err) != referralhub.EFORBIDDEN {
			t.Fatalf("a banned participant invites: %v", err)
		}
	})
}

func TestInviteDailyLimit(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.setProgram(t, func(p *referralhub.Program) { p.Invites = &referralhub.InviteSettings{DailyLimit: 3, ReminderDays: 3} })
		alice := f.join(t, "alice", nil)
		wantRefused(t, f.invite(t, alice, "a@example.com", "b@example.com"), map[string]string{"a@example.com": "", "b@example.com": ""})
		f.clock.Advance(12 * time.Hour)
		got := f.invite(t, alice, "c@example.com", "d@example.com", "e@example.com")
		wantRefused(t, got, map[string]string{"c@example.com": "", "d@example.com": referralhub.InviteRefusedLimit,
			"e@example.com": referralhub.InviteRefusedLimit})
		if !strings.Contains(got["d@example.com"].Reason, "3 invitations a day") {
			t.Errorf("reason %q", got["d@example.com"].Reason)
		}
		f.clock.Advance(12*time.Hour + time.Second) // a and b are more than a day old
		wantRefused(t, f.invite(t, alice, "d@example.com", "e@example.com", "g@example.com"),
			map[string]string{"d@example.com": "", "e@example.com": "", "g@example.com": referralhub.InviteRefusedLimit})
	})
}

func TestInviteThirtyDayRule(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		alice, bob := f.join(t, "alice", nil), f.join(t, "bob", nil)
		wantRefused(t, f.invite(t, alice, "x.y@gmail.com"), map[string]string{"x.y@gmail.com": ""})
		f.clock.Advance(29 * 24 * time.Hour)
		wantRefused(t, f.invite(t, bob, "xy+hi@gmail.com"), map[string]string{"xy+hi@gmail.com": referralhub.InviteRefusedRecent})
		f.clock.Advance(24*time.Hour + time.Second)
		wantRefused(t, f.invite(t, bob, "xy@gmail.com"), map[string]string{"xy@gmail.com": ""})
	})
}

func TestInviteUnsubscribeThenRefused(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		alice, bob := f.join(t, "alice", nil), f.join(t, "bob", nil)
		f.invite(t, alice, "carol@example.com")
		f.runJobs(t)
		m := mailsTo(f.smtp, "carol@example.com")[0]
		u, err := url.Parse(strings.Trim(m.Headers["List-Unsubscribe"], "<>"))
		if err != nil {
			t.Fatal(err)
		}
		token := u.Query().Get("token")
		if addr, err := f.svc.InviteOptOutAddress(token); err != nil || addr != "carol@example.com" {
			t.Fatalf("token names %q, %v", addr, err)
		}
		if err := f.svc.UnsubscribeInvites(ctx, token+"x"); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("forged token: %v", err)
		}
		for range 2 { // twice changes nothing
			if err := f.svc.UnsubscribeInvites(ctx, token); err != nil {
				t.Fatal(err)
			}
		}
		f.clock.Advance(31 * 24 * time.Hour)
		wantRefused(t, f.invite(t, bob, "Carol+x@example.com"), map[string]string{"Carol+x@example.com": referralhub.InviteRefusedUnsubscribed})
		f.runJobs(t)
		if n := len(mailsTo(f.smtp, "carol@example.com")); n != 1 { // nor is alice's reminder sent
			t.Fatalf("%d mails to carol", n)
		}
	})
}

// inviteOf returns the participant's invite to email.
func (f *fixture) inviteOf(t *testing.T, m member, email string) referralhub.Invite {
	t.Helper()
	invites, err := f.svc.Invites(context.Background(), m.p)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(invites, func(inv referralhub.Invite) bool { return inv.Email == email })
	if i < 0 {
		t.Fatalf("no invite to %s in %+v", email, invites)
	}
	return invites[i]
}

func TestInviteStateSentClickedJoined(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		alice := f.join(t, "alice", nil)
		f.invite(t, alice, "Friend@example.com")
		f.runJobs(t)
		inv := f.inviteOf(t, alice, "Friend@example.com")
		if inv.State() != referralhub.InviteSent {
			t.Fatalf("state %q", inv.State())
		}
		for _, bad := range []string{"", "nope", strings.ToUpper(inv.Token)} {
			if err := f.svc.NoteInviteClick(ctx, bad); err != nil {
				t.Fatal(err)
			}
		}
		if got := f.inviteOf(t, alice, "Friend@example.com").State(); got != referralhub.InviteSent {
			t.Fatalf("a bad token moved the state to %q", got)
		}
		if err := f.svc.NoteInviteClick(ctx, inv.Token); err != nil {
			t.Fatal(err)
		}
		if got := f.inviteOf(t, alice, "Friend@example.com").State(); got != referralhub.InviteClicked {
			t.Fatalf("after the click: %q", got)
		}
		res, err := f.svc.Click(ctx, alice.p.Code, core.Visit{IP: "192.0.2.7", UserAgent: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.Signup(ctx, core.SignupInput{Email: "friend+signup@example.com", Username: "friend",
			Password: "password123", Attribution: res.Cookie}); err != nil {
			t.Fatal(err)
		}
		if got := f.inviteOf(t, alice, "Friend@example.com"); got.State() != referralhub.InviteJoined || got.JoinedAt.IsZero() {
			t.Fatalf("after the signup: %+v", got)
		}
		f.clock.Advance(4 * 24 * time.Hour)
		f.runJobs(t)
		if n := len(mailsTo(f.smtp, "Friend@example.com")); n != 1 { // the invite, and no reminder
			t.Fatalf("%d mails to the friend who joined", n)
		}
	})
}

func TestInviteOneReminder(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		alice := f.join(t, "alice", nil)
		f.invite(t, alice, "slow@example.com")
		f.runJobs(t)
		f.clock.Advance(3*24*time.Hour - time.Minute)
		f.runJobs(t)
		if n := len(mailsTo(f.smtp, "slow@example.com")); n != 1 {
			t.Fatalf("%d mails before the reminder is due", n)
		}
		f.clock.Advance(2 * time.Minute)
		f.runJobs(t)
		f.invite(t, alice, "slow@example.com") // refused: invited lately, so no second reminder either
		for range 3 {
			f.clock.Advance(10 * 24 * time.Hour)
			f.runJobs(t)
		}
		msgs := mailsTo(f.smtp, "slow@example.com")
		if len(msgs) != 2 || !strings.HasPrefix(msgs[1].Subject, "Reminder:") {
			t.Fatalf("%d mails: %v", len(msgs), msgs)
		}
		invites, err := f.svc.Invites(context.Background(), alice.p)
		if err != nil || len(invites) != 2 || invites[1].RemindedAt.IsZero() || !invites[0].RemindedAt.IsZero() {
			t.Fatal("the reminder is not recorded")
		}
	})
}

func TestInviteRemindersOff(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		alice := f.join(t, "alice", nil)
		f.invite(t, alice, "one@example.com") // queued while reminders were on
		f.setProgram(t, func(p *referralhub.Program) { p.Invites = &referralhub.InviteSettings{DailyLimit: 20, ReminderDays: 0} })
		f.invite(t, alice, "two@example.com")
		for range 3 {
			f.runJobs(t)
			f.clock.Advance(5 * 24 * time.Hour)
		}
		if n := len(mailsTo(f.smtp, "invited you")); n != 2 {
			t.Fatalf("%d mails, want the two invites alone", n)
		}
	})
}

func TestInviteBurstIsAFraudSignal(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		alice, bob := f.owner(t, "alice", browserSeen(1)), f.owner(t, "bob", browserSeen(2))
		batch := func(prefix string, n int) []string {
			out := make([]string, n)
			for i := range out {
				out[i] = fmt.Sprintf("%s%d@example.com", prefix, i)
			}
			return out
		}
		f.invite(t, bob, batch("b", 10)...) // ten at once is no burst
		f.invite(t, alice, batch("a", 10)...)
		f.clock.Advance(30 * time.Minute)
		f.invite(t, alice, batch("c", 2)...)
		f.clock.Advance(24 * time.Hour)
		_, fromAlice := f.refer(t, alice, "friend1", "friend1@example.com", browserSeen(3))
		_, fromBob := f.refer(t, bob, "friend2", "friend2@example.com", browserSeen(4))
		if !slices.Contains(signalCodes(fromAlice), core.SignalInviteBurst) {
			t.Errorf("alice's referral: signals %v", signalCodes(fromAlice))
		}
		if slices.Contains(signalCodes(fromBob), core.SignalInviteBurst) {
			t.Errorf("bob's referral: signals %v", signalCodes(fromBob))
		}
	})
}

func TestInviteSeesParticipantsMadeBeforeIdentities(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		alice := f.join(t, "alice", nil)
		// Bulk loads (the demo) write no identity email, as rows made before
		// it was kept have none.
		users := []referralhub.User{{Email: "Old.Timer@gmail.com", Username: "oldtimer", CreatedAt: f.clock.Now()}}
		err := db.InTx(ctx, func(q *storage.Queries) error {
			if err := q.BulkUsers(ctx, users, "x"); err != nil {
				return err
			}
			return q.BulkParticipants(ctx, []referralhub.Participant{{UserID: users[0].ID, Code: "oldtimer",
				CreatedAt: f.clock.Now(), LastSeenAt: f.clock.Now()}})
		})
		if err != nil {
			t.Fatal(err)
		}
		// Before the upkeep fills it in, only the exact address is known.
		wantRefused(t, f.invite(t, alice, "old.timer@gmail.com"), map[string]string{"old.timer@gmail.com": referralhub.InviteRefusedParticipant})
		n, err := f.svc.FillIdentityEmails(ctx)
		if err != nil || n != 1 {
			t.Fatalf("filled %d, %v", n, err)
		}
		wantRefused(t, f.invite(t, alice, "oldtimer+x@googlemail.com"), map[string]string{"oldtimer+x@googlemail.com": referralhub.InviteRefusedParticipant})
		if n, err := f.svc.FillIdentityEmails(ctx); err != nil || n != 0 {
			t.Fatalf("filled again %d, %v", n, err)
		}
	})
}

func TestInvitesAreExportedAndErased(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		alice, bob := f.join(t, "alice", nil), f.join(t, "bob", nil)
		f.invite(t, alice, "friend@example.com")
		e, err := f.svc.Export(ctx, alice.user, alice.p)
		if err != nil || len(e.Invites) != 1 || e.Invites[0].Email != "friend@example.com" || e.Invites[0].State != referralhub.InviteSent {
			t.Fatalf("export: %+v, %v", e.Invites, err)
		}
		if err := f.svc.DeleteAccount(ctx, alice.user, "password123", true); err != nil {
			t.Fatal(err)
		}
		if left, err := db.Read().InvitesOf(ctx, alice.p.ID, 10); err != nil || len(left) != 0 {
			t.Fatalf("invites left: %+v, %v", left, err)
		}
		// Her address is a participant's no longer, and her friend may be invited.
		wantRefused(t, f.invite(t, bob, "alice@example.com", "friend@example.com"),
			map[string]string{"alice@example.com": "", "friend@example.com": ""})
	})
}
