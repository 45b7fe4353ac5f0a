package core_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// setLevels saves the program with these tiers, badges and rules.
func (f *fixture) setLevels(t *testing.T, tiers []referralhub.Tier, badges []referralhub.Badge, rules ...referralhub.Rule) {
	t.Helper()
	ctx := context.Background()
	prog, err := f.svc.Program(ctx)
	if err != nil {
		t.Fatal(err)
	}
	prog.Tiers, prog.Badges, prog.Rules, prog.Hold = tiers, badges, rules, 0
	if _, err := f.svc.SaveProgram(ctx, f.admin(t), prog, "test levels"); err != nil {
		t.Fatal(err)
	}
}

// requireVerification turns the email-verification gate on or off.
func (f *fixture) requireVerification(t *testing.T, on bool) {
	t.Helper()
	ctx := context.Background()
	prog, err := f.svc.Program(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fraud := prog.FraudOrDefault()
	fraud.RequireVerifiedEmail = on
	if err := f.svc.SaveFraud(ctx, f.admin(t), fraud); err != nil {
		t.Fatal(err)
	}
}

// apiFriends makes n participants through the API, referred by code.
func (f *fixture) apiFriends(t *testing.T, prefix, code string, n int) []core.ParticipantSummary {
	t.Helper()
	var out []core.ParticipantSummary
	for i := range n {
		p, _ := f.upsert(t, core.ParticipantInput{ExternalID: fmt.Sprintf("%s-%d", prefix, i), ReferralCode: code})
		out = append(out, p)
	}
	return out
}

func points(n int64) *referralhub.RewardSpec {
	return &referralhub.RewardSpec{Kind: referralhub.KindPoints, Amount: n}
}

func (f *fixture) qualified(t *testing.T, participantID int64) int64 {
	t.Helper()
	n, err := f.db.Read().QualifiedCount(context.Background(), participantID)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTiersProgressAndMultiplier walks alice up three tiers: the progress
// names the next tier and how far it is, each tier is an event announced
// once by mail, and Gold's x2 multiplier doubles what her next referral
// earns her.
func TestTiersProgressAndMultiplier(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		tiers := []referralhub.Tier{{Name: "Bronze", MultiplierPercent: 100}, {Name: "Silver", Threshold: 2, MultiplierPercent: 100},
			{Name: "Gold", Threshold: 3, MultiplierPercent: 200}}
		f.setLevels(t, tiers, []referralhub.Badge{},
			referralhub.Rule{Trigger: referralhub.EventSignup, Referrer: points(10)})
		alice := f.join(t, "alice", nil)
		want := []struct {
			tier, next string
			remaining  int64
		}{{"Bronze", "Silver", 1}, {"Silver", "Gold", 1}, {"Gold", "", 0}, {"Gold", "", 0}}
		for i, w := range want {
			f.join(t, fmt.Sprintf("friend%d", i), &alice)
			alice.p = f.participant(t, alice.sess)
			d, err := f.svc.Dashboard(ctx, alice.p, 1)
			if err != nil {
				t.Fatal(err)
			}
			next := ""
			if d.Tier.Next != nil {
				next = d.Tier.Next.Name
			}
			if d.Tier.Qualified != int64(i+1) || d.Tier.Current.Name != w.tier || next != w.next || d.Tier.Remaining != w.remaining {
				t.Fatalf("after %d referrals: %+v (next %q)", i+1, d.Tier, next)
			}
		}
		page := f.rewards(t, alice)
		if got := balance(page, referralhub.KindPoints, "").Available; got != 10+10+10+20 {
			t.Errorf("points = %d, want 50: the fourth referral, made at Gold, pays double", got)
		}
		if r := page.Rewards[0]; r.Amount != 20 || !strings.Contains(r.Reason, "Gold tier: ×2") {
			t.Errorf("newest reward = %d %q", r.Amount, r.Reason)
		}
		f.runJobs(t)
		var subjects []string
		for _, m := range f.smtp.Messages() {
			if strings.Contains(m.Subject, "tier") {
				subjects = append(subjects, m.Subject)
			}
		}
		if len(subjects) != 2 || !strings.Contains(strings.Join(subjects, "|"), "You reached the Gold tier") {
			t.Errorf("tier mails = %q, want one for Silver and one for Gold", subjects)
		}
	})
}

func TestProgressText(t *testing.T) {
	tiers := referralhub.DefaultTiers()
	cases := []struct {
		qualified int64
		current   string
		next      string
		remaining int64
		percent   int
	}{{0, "Bronze", "Silver", 10, 0}, {5, "Bronze", "Silver", 5, 50}, {47, "Silver", "Gold", 3, 92},
		{50, "Gold", "Diamond", 50, 0}, {100, "Diamond", "", 0, 100}, {500, "Diamond", "", 0, 100}}
	for _, c := range cases {
		p := referralhub.ProgressOf(tiers, c.qualified)
		next := ""
		if p.Next != nil {
			next = p.Next.Name
		}
		if p.Current.Name != c.current || next != c.next || p.Remaining != c.remaining || p.Percent != c.percent {
			t.Errorf("ProgressOf(%d) = %+v next %q", c.qualified, p, next)
		}
	}
}

// TestBadgeAwardedOnceUnderConcurrentEvents verifies six friends of alice
// at once, each event sent twice: she qualifies six times, earns each badge
// once, and the rule on badge.3 pays once.
func TestBadgeAwardedOnceUnderConcurrentEvents(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.requireVerification(t, true)
		f.setLevels(t, referralhub.DefaultTiers(), []referralhub.Badge{{Name: "One", Threshold: 1}, {Name: "Three", Threshold: 3}},
			referralhub.Rule{Trigger: "badge.3", Referrer: points(100)})
		alice, _ := f.upsert(t, core.ParticipantInput{ExternalID: "alice"})
		friends := f.apiFriends(t, "friend", alice.Code, 6)
		if n := f.qualified(t, alice.ID); n != 0 {
			t.Fatalf("qualified before verification = %d", n)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 2*len(friends))
		for i, fr := range friends {
			for range 2 {
				wg.Go(func() {
					in := core.EventInput{Name: referralhub.EventEmailVerified, Key: fmt.Sprintf("verified-%d", i)}
					if _, _, err := f.recordByRef(ctx, fmt.Sprint(fr.ID), in); err != nil {
						errs <- err
					}
				})
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if n := f.qualified(t, alice.ID); n != 6 {
			t.Fatalf("qualified = %d, want 6", n)
		}
		badges, err := db.Read().Badges(ctx, alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(badges) != 2 || badges[0].Name != "One" || badges[1].Name != "Three" || badges[0].EarnedAt.IsZero() {
			t.Fatalf("badges = %+v", badges)
		}
		page, err := f.svc.Rewards(ctx, alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Rewards) != 1 || page.Rewards[0].Amount != 100 || page.Rewards[0].Reason != "You earned the Three badge" {
			t.Fatalf("rewards = %+v, want the badge.3 rule's 100 points once", page.Rewards)
		}
		pos, err := db.Read().PositionOnBoard(ctx, referralhub.BoardAll, alice.ID)
		if err != nil || pos.Referrals != 6 || pos.Rank != 1 {
			t.Fatalf("all-time position = %+v, %v", pos, err)
		}
	})
}

// TestRejectionTakesTheCountBack rejects a qualified referral: the count
// and the leaderboards drop, the badge stays earned.
func TestRejectionTakesTheCountBack(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		alice, _ := f.upsert(t, core.ParticipantInput{ExternalID: "alice"})
		friends := f.apiFriends(t, "friend", alice.Code, 2)
		if n := f.qualified(t, alice.ID); n != 2 {
			t.Fatalf("qualified = %d", n)
		}
		parties, err := db.Read().ReferralPartiesOf(ctx, friends[1].ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Decide(ctx, f.admin(t), parties.ID, core.DecisionReject, "fake friend"); err != nil {
			t.Fatal(err)
		}
		if n := f.qualified(t, alice.ID); n != 1 {
			t.Errorf("qualified after rejection = %d, want 1", n)
		}
		for _, period := range []string{referralhub.BoardAll, referralhub.BoardMonth, referralhub.BoardWeek} {
			key := referralhub.BoardPeriodKey(period, f.clock.Now())
			if pos, err := db.Read().PositionOnBoard(ctx, key, alice.ID); err != nil || pos.Referrals != 1 || pos.Rank != 1 {
				t.Errorf("%s: %+v %v", key, pos, err)
			}
		}
		if b, _ := db.Read().Badges(ctx, alice.ID); len(b) != 1 {
			t.Errorf("badges = %+v, want the first-referral badge kept", b)
		}
	})
}

// boardNames lists a leaderboard as "rank name count" lines.
func boardNames(b core.Leaderboard) []string {
	var out []string
	for _, e := range b.Entries {
		out = append(out, fmt.Sprintf("%d %s %d", e.Rank, e.Name, e.Referrals))
	}
	return out
}

// TestLeaderboardRanksTiesPrivacyAndExclusions builds six referrers:
// equal counts share a rank (first to get there listed first), names show
// as chosen (initials by default), those who opted out or were banned
// never appear, and one whose referral waits for review stays listed
// without it, until it is approved (issue 15: a held referral used to
// hide its referrer, so a stranger could hide anyone).
func TestLeaderboardRanksTiesPrivacyAndExclusions(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		prog, err := f.svc.Program(ctx)
		if err != nil {
			t.Fatal(err)
		}
		fraud := prog.FraudOrDefault()
		fraud.ReviewThreshold, fraud.BlockThreshold = 30, 101 // a shared Stripe customer holds a referral
		if err := f.svc.SaveFraud(ctx, f.admin(t), fraud); err != nil {
			t.Fatal(err)
		}
		referrer := func(id, name string, n int) core.ParticipantSummary {
			p, _ := f.upsert(t, core.ParticipantInput{ExternalID: id, Name: &name})
			f.apiFriends(t, id+"-friend", p.Code, n)
			f.clock.Advance(time.Minute)
			return p
		}
		ada := referrer("ada", "Ada Lovelace", 3)
		referrer("brian", "Brian Kernighan", 3)
		carol := referrer("carol", "Carol Shaw", 2)
		dan := referrer("dan", "Dan Ritchie", 4)
		eve := referrer("eve", "Eve Mallory", 5)
		fay := referrer("fay", "Fay Flagged", 4)
		nobody, _ := f.upsert(t, core.ParticipantInput{ExternalID: "nobody"})

		if err := f.svc.SetLeaderboardProfile(ctx, ada.ID, core.BoardProfile{DisplayName: "Countess Ada", Show: referralhub.ShowName}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SetLeaderboardProfile(ctx, dan.ID, core.BoardProfile{Show: referralhub.ShowNobody}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Ban(ctx, f.admin(t), eve.ID, "fraud ring"); err != nil {
			t.Fatal(err)
		}
		fayFriend, err := db.Read().ParticipantIDByExternal(ctx, "fay-friend-0")
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{fay.ID, fayFriend} {
			if err := f.svc.SetBilling(ctx, id, referralhub.PlanPaid, "cus_shared"); err != nil {
				t.Fatal(err)
			}
		}

		board, err := f.svc.Leaderboard(ctx, carol.ID, referralhub.BoardAll)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"1 Countess Ada 3", "1 B. K. 3", "1 F. F. 3", "4 C. S. 2"}
		if got := boardNames(board); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("board = %q, want %q", got, want)
		}
		if board.You.Rank != 4 || board.You.Referrals != 2 {
			t.Errorf("carol's place = %+v", board.You)
		}
		if b, _ := f.svc.Leaderboard(ctx, fay.ID, referralhub.BoardAll); b.You.Rank != 1 || b.You.Referrals != 3 {
			t.Errorf("fay, with a referral held, has place %+v, want rank 1 with 3", b.You)
		}
		for who, id := range map[string]int64{"dan": dan.ID, "eve": eve.ID, "nobody": nobody.ID} {
			b, err := f.svc.Leaderboard(ctx, id, referralhub.BoardAll)
			if err != nil || b.You.Rank != 0 {
				t.Errorf("%s has rank %d (%v)", who, b.You.Rank, err)
			}
			if who == "dan" && !b.You.ByChoice {
				t.Errorf("dan's place = %+v, want hidden by choice", b.You)
			}
		}

		held, err := db.Read().ReferralPartiesOf(ctx, fayFriend)
		if err != nil || held.Review != referralhub.ReviewHeld {
			t.Fatalf("fay's referral = %+v %v, want held", held.Review, err)
		}
		if err := f.svc.Decide(ctx, f.admin(t), held.ID, core.DecisionApprove, "same household, checked"); err != nil {
			t.Fatal(err)
		}
		board, _ = f.svc.Leaderboard(ctx, fay.ID, referralhub.BoardAll)
		want = []string{"1 F. F. 4", "2 Countess Ada 3", "2 B. K. 3", "4 C. S. 2"}
		if got := boardNames(board); fmt.Sprint(got) != fmt.Sprint(want) || board.You.Rank != 1 {
			t.Fatalf("after approval: board = %q (you %+v), want %q", got, board.You, want)
		}

		f.clock.Advance(8 * 24 * time.Hour)
		f.apiFriends(t, "carol-late", carol.Code, 1)
		week, _ := f.svc.Leaderboard(ctx, carol.ID, referralhub.BoardWeek)
		all, _ := f.svc.Leaderboard(ctx, carol.ID, referralhub.BoardAll)
		if got := boardNames(week); fmt.Sprint(got) != "[1 C. S. 1]" || week.You.Rank != 1 {
			t.Errorf("this week = %q", got)
		}
		if all.You.Rank != 2 || all.You.Referrals != 3 {
			t.Errorf("carol all time = %+v, want rank 2 (tied with Ada and Brian)", all.You)
		}
	})
}

// TestRebuildMatchesIncremental recomputes everything from the referrals
// and finds what the incremental upkeep kept.
func TestRebuildMatchesIncremental(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		var people []core.ParticipantSummary
		for i, n := range []int{3, 1, 4, 1, 5} {
			p, _ := f.upsert(t, core.ParticipantInput{ExternalID: fmt.Sprint("r", i)})
			f.apiFriends(t, fmt.Sprint("f", i), p.Code, n)
			people = append(people, p)
			f.clock.Advance(time.Hour)
		}
		snapshot := func() string {
			var b strings.Builder
			for _, period := range []string{referralhub.BoardAll, referralhub.BoardWeek} {
				board, err := f.svc.Leaderboard(ctx, 0, period)
				if err != nil {
					t.Fatal(err)
				}
				fmt.Fprintln(&b, boardNames(board))
			}
			for _, p := range people {
				badges, _ := db.Read().Badges(ctx, p.ID)
				pos, _ := db.Read().PositionOnBoard(ctx, referralhub.BoardAll, p.ID)
				fmt.Fprintln(&b, f.qualified(t, p.ID), len(badges), pos.Rank)
			}
			return b.String()
		}
		before := snapshot()
		if err := f.svc.RebuildGamification(ctx); err != nil {
			t.Fatal(err)
		}
		if after := snapshot(); after != before {
			t.Fatalf("rebuilt:\n%s\nincremental:\n%s", after, before)
		}
	})
}

// TestAchievementMailFollowsTheOptOut: alice hears of her first badge by
// mail; bob, who turned those mails off, does not.
func TestAchievementMailFollowsTheOptOut(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		alice := f.join(t, "alice", nil)
		bob := f.join(t, "bob", nil)
		prefs := referralhub.NotificationPrefs{NewReferral: true, RewardEarned: true, RewardReady: true}
		if err := f.svc.SetNotificationPrefs(ctx, bob.user, prefs); err != nil {
			t.Fatal(err)
		}
		f.join(t, "carol", &alice)
		f.join(t, "dave", &bob)
		f.runJobs(t)
		var to []string
		for _, m := range f.smtp.Messages() {
			if strings.Contains(m.Subject, "First referral badge") {
				to = append(to, m.To)
			}
		}
		if fmt.Sprint(to) != "[alice@example.com]" {
			t.Errorf("badge mails went to %v, want alice only", to)
		}
	})
}

// TestLeaderboardTopIsReusedBriefly: the top of a board is read once per
// LeaderboardTTL; a change made through the core shows at once, one made
// behind its back (another instance) once the TTL has passed.
func TestLeaderboardTopIsReusedBriefly(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		ada, _ := f.upsert(t, core.ParticipantInput{ExternalID: "ada"})
		f.apiFriends(t, "ada-friend", ada.Code, 1)
		if b, _ := f.svc.Leaderboard(ctx, 0, referralhub.BoardAll); len(b.Entries) != 1 {
			t.Fatalf("board = %v", boardNames(b))
		}
		bob, _ := f.upsert(t, core.ParticipantInput{ExternalID: "bob"})
		f.apiFriends(t, "bob-friend", bob.Code, 2) // through the core: shows at once
		if b, _ := f.svc.Leaderboard(ctx, 0, referralhub.BoardAll); len(b.Entries) != 2 || b.Entries[0].ParticipantID != bob.ID {
			t.Fatalf("after bob's referrals: %v", boardNames(b))
		}
		err := db.InTx(ctx, func(q *storage.Queries) error { // as another instance would
			return q.BumpLeaderboard(ctx, referralhub.BoardAll, ada.ID, 5, f.clock.Now())
		})
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := f.svc.Leaderboard(ctx, 0, referralhub.BoardAll); b.Entries[0].ParticipantID != bob.ID {
			t.Fatalf("the cached top was not reused: %v", boardNames(b))
		}
		f.clock.Advance(core.DefaultSettings().LeaderboardTTL + time.Second)
		if b, _ := f.svc.Leaderboard(ctx, 0, referralhub.BoardAll); b.Entries[0].ParticipantID != ada.ID {
			t.Fatalf("after the TTL: %v", boardNames(b))
		}
	})
}

// TestAchievementEventsCannotBeReported: tier. and badge. events are
// ReferralHub's own, so a reported one cannot pay an achievement rule.
func TestAchievementEventsCannotBeReported(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.setLevels(t, referralhub.DefaultTiers(), referralhub.DefaultBadges(),
			referralhub.Rule{Trigger: "tier.gold", Referrer: points(500)})
		alice, _ := f.upsert(t, core.ParticipantInput{ExternalID: "alice"})
		bob := f.apiFriends(t, "bob", alice.Code, 1)[0]
		for _, name := range []string{"tier.gold", "badge.10"} {
			_, _, err := f.svc.RecordEvent(context.Background(), core.EventInput{ParticipantID: bob.ID, Name: name, Key: "x-" + name})
			if referralhub.ErrorFields(err)["name"] == "" {
				t.Errorf("%s reported: %v", name, err)
			}
		}
		if page, _ := f.svc.Rewards(context.Background(), alice.ID); len(page.Rewards) != 0 {
			t.Errorf("alice earned %+v", page.Rewards)
		}
	})
}

func TestDisplayNamesArePlain(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		p, _ := f.upsert(t, core.ParticipantInput{ExternalID: "p"})
		for _, name := range []string{"evil\u202egnp", "zero\u200bwidth", "bell\a"} {
			err := f.svc.SetLeaderboardProfile(context.Background(), p.ID, core.BoardProfile{DisplayName: name, Show: referralhub.ShowName})
			if referralhub.ErrorFields(err)["display_name"] == "" {
				t.Errorf("%q accepted: %v", name, err)
			}
		}
	})
}

// TestTakingReferralsBackNeverGoesBelowZero lowers leaderboard rows the
// way an unqualified referral does: a period with no row gets none, a
// count is never taken below 0, and the rank counts stay right for the
// others.
func TestTakingReferralsBackNeverGoesBelowZero(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		ada, _ := f.upsert(t, core.ParticipantInput{ExternalID: "ada"})
		f.apiFriends(t, "ada-friend", ada.Code, 1)
		bob, _ := f.upsert(t, core.ParticipantInput{ExternalID: "bob"})
		oldWeek := referralhub.BoardPeriodKey(referralhub.BoardWeek, f.clock.Now().AddDate(-1, 0, 0))
		bump := func(period string, id, delta int64) {
			t.Helper()
			if err := db.InTx(ctx, func(q *storage.Queries) error {
				return q.BumpLeaderboard(ctx, period, id, delta, f.clock.Now())
			}); err != nil {
				t.Fatal(err)
			}
		}
		position := func(period string, id int64) storage.BoardPosition {
			t.Helper()
			pos, err := db.Read().PositionOnBoard(ctx, period, id)
			if err != nil {
				t.Fatal(err)
			}
			return pos
		}
		bump(oldWeek, bob.ID, -1) // a week that has no row for bob
		if top, err := db.Read().TopOfBoard(ctx, oldWeek, 10); err != nil || len(top) != 0 || position(oldWeek, bob.ID).Referrals != 0 {
			t.Fatalf("a lowered empty week: top %v (%v), bob %+v", top, err, position(oldWeek, bob.ID))
		}
		bump(referralhub.BoardAll, ada.ID, -2) // more than she has
		if pos := position(referralhub.BoardAll, ada.ID); pos.Referrals != 1 || pos.Rank != 1 {
			t.Fatalf("ada after taking back 2 of 1: %+v, want 1 referral, rank 1", pos)
		}
		bump(referralhub.BoardAll, bob.ID, 1)
		if pos := position(referralhub.BoardAll, bob.ID); pos.Rank != 1 {
			t.Fatalf("bob, tied with ada: %+v, want rank 1 (the rank counts are off)", pos)
		}
		bump(referralhub.BoardAll, ada.ID, -1)
		if a, b := position(referralhub.BoardAll, ada.ID), position(referralhub.BoardAll, bob.ID); a.Referrals != 0 || a.Rank != 0 || b.Rank != 1 {
			t.Fatalf("after ada's last is taken back: ada %+v, bob %+v", a, b)
		}
	})
}
