package core_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/clicks"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/mail"
	"github.com/referralhub/referralhub/internal/mail/mailtest"
	"github.com/referralhub/referralhub/internal/password"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/webhook"
	"github.com/referralhub/referralhub/internal/worker"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type fixture struct {
	svc    *core.Service
	db     *storage.DB
	clock  *clock
	clicks *clicks.Buffer
	smtp   *mailtest.Server
	jobs   *worker.Worker
	boss   *referralhub.User // the admin, once made
}

// fixtureOptions are the optional parts of a fixture.
type fixtureOptions struct {
	payments core.Payments // nil: Stripe not configured
	// fraud keeps the default fraud settings. Otherwise risk scores and
	// the verification gate do nothing, so tests of rewards see them run.
	fraud bool
	// publicWebhooks keeps the webhook sender's default: public addresses
	// only. Otherwise it opts in to private ones, since test receivers are
	// httptest servers on 127.0.0.1.
	publicWebhooks bool
	log            io.Writer // the service's log (text); nil discards it
}

func newFixture(t *testing.T, db *storage.DB) *fixture {
	return newFixtureWith(t, db, fixtureOptions{})
}

func newFixtureWith(t *testing.T, db *storage.DB, opt fixtureOptions) *fixture {
	return newFixtureTB(t, db, opt)
}

// newFixtureFor is newFixture for fuzz targets and benchmarks.
func newFixtureFor(tb testing.TB, db *storage.DB) *fixture {
	return newFixtureTB(tb, db, fixtureOptions{})
}

// codeOf returns a user's referral code.
func (f *fixture) codeOf(tb testing.TB, userID int64) string {
	tb.Helper()
	to, err := f.db.Read().RecipientByUser(context.Background(), userID)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := f.db.Read().Participant(context.Background(), to.ParticipantID)
	if err != nil {
		tb.Fatal(err)
	}
	return p.Code
}

func newFixtureTB(t testing.TB, db *storage.DB, opt fixtureOptions) *fixture {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	logTo := opt.log
	if logTo == nil {
		logTo = io.Discard
	}
	log := slog.New(slog.NewTextHandler(logTo, nil))
	ips := clicks.NewIPHasher(24*time.Hour, clicks.StoredSalts(db, clk.Now))
	codes := clicks.NewCodeCache(clicks.CodeCacheConfig{TTL: time.Minute, NegativeTTL: time.Second, MaxItems: 100}, clk.Now,
		db.Read().CodeOwner)
	buffer := clicks.NewBuffer(clicks.BufferConfig{Capacity: 100, BatchSize: 10, FlushInterval: time.Hour}, log,
		db.InsertClicks)
	go buffer.Run()
	t.Cleanup(func() { // bounded: clicks a closed database cannot take would be retried for ever
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		buffer.Close(ctx)
	})
	smtp := mailtest.Start(t)
	mailer, err := mail.NewSMTP(smtp.URL(), "ReferralHub <noreply@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	templates, err := mail.NewTemplates()
	if err != nil {
		t.Fatal(err)
	}
	svc := core.New(core.Deps{DB: db, Settings: core.DefaultSettings(), Now: clk.Now,
		Hasher: password.NewHasher(password.OWASP(), 2), SecretKey: []byte("test secret"),
		Codes: codes, Clicks: buffer, IPs: ips, Logger: log, BaseURL: "http://refer.example.com",
		Mailer: mailer, Templates: templates, Payments: opt.payments, Webhooks: webhook.NewSender(webhook.SenderConfig{AllowPrivate: !opt.publicWebhooks})})
	jobs := worker.New(db, svc.JobHandlers(), worker.Config{Now: clk.Now, Log: log})
	f := &fixture{svc: svc, db: db, clock: clk, clicks: buffer, smtp: smtp, jobs: jobs}
	if err := svc.EnsureIPSalts(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !opt.fraud {
		relaxFraud(t, db, clk.Now())
	}
	return f
}

// relaxFraud saves the default program with risk checks that change
// nothing: scores are still computed and stored.
func relaxFraud(t testing.TB, db *storage.DB, now time.Time) {
	t.Helper()
	prog := core.DefaultProgram(core.DefaultSettings())
	fraud := referralhub.DefaultFraud()
	fraud.ReviewThreshold, fraud.BlockThreshold, fraud.RequireVerifiedEmail = 101, 101, false
	prog.Fraud = &fraud
	err := db.InTx(context.Background(), func(q *storage.Queries) error {
		_, err := q.SaveProgram(context.Background(), prog, 0, "tests: risk checks off", now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// runJobs runs every job due at the fixture's clock and returns how many.
func (f *fixture) runJobs(t *testing.T) int {
	t.Helper()
	n, err := f.jobs.RunDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *fixture) signup(t *testing.T, name, attribution string) (referralhub.User, core.Session) {
	t.Helper()
	u, s, err := f.svc.Signup(context.Background(), core.SignupInput{Email: name + "@example.com", Username: name,
		Password: "password123", Attribution: attribution})
	if err != nil {
		t.Fatalf("signup %s: %v", name, err)
	}
	return u, s
}

func (f *fixture) participant(t *testing.T, s core.Session) referralhub.Participant {
	t.Helper()
	_, p, err := f.svc.Authenticate(context.Background(), s.Token)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSignupValidation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.signup(t, "alice", "")
		cases := []struct {
			name                        string
			email, username, pw, fields string
		}{
			{"empty", "", "", "", "email,username,password"},
			{"bad email", "not-an-email", "bobby", "password123", "email"},
			{"short username", "b@example.com", "bo", "password123", "username"},
			{"bad username chars", "b@example.com", "bob-by", "password123", "username"},
			{"short password", "b@example.com", "bobby", "short", "password"},
			{"long password", "b@example.com", "bobby", strings.Repeat("x", 129), "password"},
			{"email taken in other case", "ALICE@EXAMPLE.COM", "bobby", "password123", "email"},
			{"username taken in other case", "b@example.com", "Alice", "password123", "username"},
		}
		for _, tc := range cases {
			_, _, err := f.svc.Signup(context.Background(), core.SignupInput{Email: tc.email, Username: tc.username, Password: tc.pw})
			if referralhub.ErrorCode(err) != referralhub.EINVALID {
				t.Errorf("%s: err = %v, want invalid", tc.name, err)
				continue
			}
			for _, field := range strings.Split(tc.fields, ",") {
				if referralhub.ErrorFields(err)[field] == "" {
					t.Errorf("%s: no message for %s in %v", tc.name, field, referralhub.ErrorFields(err))
				}
			}
		}
	})
}

func TestCodesAreUniqueAndWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		c := core.NewCode()
		if core.NormalizeCode(c) != c || seen[c] {
			t.Fatalf("bad or repeated code %q", c)
		}
		seen[c] = true
	}
	if core.NormalizeCode("ABCDEFGH") != "abcdefgh" || core.NormalizeCode("abc") != "" || core.NormalizeCode("abcd_fgh") != "" ||
		core.NormalizeCode("twenty-one-characters") != "" {
		t.Fatal("NormalizeCode does not lower-case and reject")
	}
	// Chosen (vanity) codes: 4 to 20 of a-z, 0-9 and "-".
	if core.NormalizeCode("Jane-Doe") != "jane-doe" || core.NormalizeCode("a1b2") != "a1b2" {
		t.Fatal("NormalizeCode refuses a chosen code")
	}
}

func TestClickAttributesSignup(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		_, aliceSess := f.signup(t, "alice", "")
		alice := f.participant(t, aliceSess)
		res, err := f.svc.Click(ctx, strings.ToUpper(alice.Code), core.Visit{IP: "192.0.2.1", UserAgent: "test"})
		if err != nil || !res.Attributed || res.Attribution.Code != alice.Code {
			t.Fatalf("click = %+v, %v", res, err)
		}
		if owner, ok := f.svc.Referrer(ctx, res.Cookie); !ok || owner.Username != "alice" {
			t.Fatalf("referrer = %+v, %v", owner, ok)
		}
		f.signup(t, "bob", res.Cookie)
		if err := f.clicks.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		d, err := f.svc.Dashboard(ctx, f.participant(t, aliceSess), 1)
		if err != nil || d.Stats.Referrals != 1 || d.Points != 10 || d.Stats.Clicks != 1 || d.Referrals[0].Username != "bob" {
			t.Fatalf("dashboard = %+v, %v", d, err)
		}
	})
}

func TestAttributionRejectsTamperedAndExpired(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		_, s := f.signup(t, "alice", "")
		alice := f.participant(t, s)
		res, _ := f.svc.Click(ctx, alice.Code, core.Visit{})
		_, other := f.signup(t, "mallory", "")
		tampered := strings.Replace(res.Cookie, res.Attribution.Code, f.participant(t, other).Code, 1)
		if _, ok := f.svc.VerifyAttribution(ctx, tampered); ok {
			t.Fatal("tampered cookie accepted")
		}
		for _, bad := range []string{"", "garbage", "a.b.c.d", res.Cookie + "x"} {
			if _, ok := f.svc.VerifyAttribution(ctx, bad); ok {
				t.Fatalf("%q accepted", bad)
			}
		}
		f.clock.Advance(core.DefaultSettings().AttributionWindow + time.Second)
		if _, ok := f.svc.VerifyAttribution(ctx, res.Cookie); ok {
			t.Fatal("expired cookie accepted")
		}
		u, _ := f.signup(t, "carol", res.Cookie)
		if fresh, err := db.Read().Participant(ctx, alice.ID); err != nil || fresh.ReferralCount != 0 {
			t.Fatalf("expired attribution still referred %s: %+v, %v", u.Username, fresh, err)
		}
	})
}

func TestOwnLinkAndUnknownCodeAreNotAttributed(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		_, s := f.signup(t, "alice", "")
		res, err := f.svc.Click(ctx, f.participant(t, s).Code, core.Visit{SessionKey: s.Token})
		if err != nil || res.Attributed {
			t.Fatalf("own link attributed: %+v, %v", res, err)
		}
		res, err = f.svc.Click(ctx, "zzzzzzzz", core.Visit{})
		if err != nil || res.Attributed {
			t.Fatalf("unknown code attributed: %+v, %v", res, err)
		}
		f.clicks.Flush(ctx)
		if d, _ := f.svc.Dashboard(ctx, f.participant(t, s), 1); d.Stats.Clicks != 0 {
			t.Fatalf("clicks recorded: %+v", d.Stats)
		}
	})
}

func TestLoginLocksAfterFiveFailures(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.signup(t, "alice", "")
		if _, _, err := f.svc.Login(ctx, "nobody", "password123"); referralhub.ErrorCode(err) != referralhub.EUNAUTHORIZED {
			t.Fatalf("unknown login: %v", err)
		}
		for i := 1; i <= 5; i++ {
			_, _, err := f.svc.Login(ctx, "alice", "wrong-password")
			want := referralhub.EUNAUTHORIZED
			if i == 5 {
				want = referralhub.ETOOMANY
			}
			if referralhub.ErrorCode(err) != want {
				t.Fatalf("failure %d: err = %v, want %s", i, err, want)
			}
		}
		if _, _, err := f.svc.Login(ctx, "ALICE@example.com", "password123"); referralhub.ErrorCode(err) != referralhub.ETOOMANY {
			t.Fatalf("locked account let the right password in: %v", err)
		}
		f.clock.Advance(16 * time.Minute)
		if _, s, err := f.svc.Login(ctx, "ALICE@example.com", "password123"); err != nil || s.Token == "" {
			t.Fatalf("login after lockout: %v", err)
		}
	})
}

func TestLogoutEndsSession(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		_, s := f.signup(t, "alice", "")
		if err := f.svc.Logout(ctx, s.Token); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.Authenticate(ctx, s.Token); referralhub.ErrorCode(err) != referralhub.EUNAUTHORIZED {
			t.Fatalf("session survived logout: %v", err)
		}
	})
}

func TestAdminUsersOnlyForAdmins(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		user, _ := f.signup(t, "alice", "")
		if _, err := f.svc.AdminUsers(ctx, user, "", 1); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("non-admin: %v", err)
		}
		user.IsAdmin = true
		list, err := f.svc.AdminUsers(ctx, user, "ALI", 1)
		if err != nil || list.Total != 1 || list.Users[0].Username != "alice" {
			t.Fatalf("list = %+v, %v", list, err)
		}
	})
}

func TestCollidingCodeIsRedrawnInsideTheSignup(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		draws := []string{"aaaaaaaa", "aaaaaaaa", "aaaaaaaa", "bbbbbbbb"}
		svc := core.New(core.Deps{DB: db, Settings: core.DefaultSettings(), Now: f.clock.Now,
			Hasher: password.NewHasher(password.OWASP(), 2), SecretKey: []byte("test secret"),
			Codes:  clicks.NewCodeCache(clicks.CodeCacheConfig{TTL: time.Minute, NegativeTTL: time.Second, MaxItems: 10}, f.clock.Now, db.Read().CodeOwner),
			Clicks: f.clicks, IPs: clicks.NewIPHasher(24*time.Hour, clicks.StoredSalts(db, f.clock.Now)),
			Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
			NewCode: func() string { d := draws[0]; draws = draws[1:]; return d }})
		ctx := context.Background()
		for _, name := range []string{"alice", "bob"} {
			if _, _, err := svc.Signup(ctx, core.SignupInput{Email: name + "@example.com", Username: name, Password: "password123"}); err != nil {
				t.Fatalf("signup %s: %v", name, err)
			}
		}
		owner, err := db.Read().CodeOwner(ctx, "bbbbbbbb")
		if err != nil || owner.Username != "bob" || len(draws) != 0 {
			t.Fatalf("bob's code: %+v, %v (draws left %v)", owner, err, draws)
		}
	})
}

// TestDrawnCodeIsNeverAnOldCode: a drawn code that is someone's old code
// (kept as an alias) is drawn again, so the old link never changes hands.
func TestDrawnCodeIsNeverAnOldCode(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		u, _ := f.signup(t, "alice", "")
		alice, err := db.Read().RecipientByUser(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		oldCode := f.codeOf(t, u.ID)
		if _, err := f.svc.ChooseCode(ctx, alice.ParticipantID, "alice-doe"); err != nil {
			t.Fatal(err)
		}
		draws := []string{oldCode, "bbbbbbbb"}
		svc := core.New(core.Deps{DB: db, Settings: core.DefaultSettings(), Now: f.clock.Now,
			Hasher: password.NewHasher(password.OWASP(), 2), SecretKey: []byte("test secret"),
			Codes:  clicks.NewCodeCache(clicks.CodeCacheConfig{TTL: time.Minute, NegativeTTL: time.Second, MaxItems: 10}, f.clock.Now, db.Read().CodeOwner),
			Clicks: f.clicks, IPs: clicks.NewIPHasher(24*time.Hour, clicks.StoredSalts(db, f.clock.Now)),
			Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
			NewCode: func() string { d := draws[0]; draws = draws[1:]; return d }})
		if _, _, err := svc.Signup(ctx, core.SignupInput{Email: "bob@example.com", Username: "bob", Password: "password123"}); err != nil {
			t.Fatal(err)
		}
		if owner, err := db.Read().CodeOwner(ctx, oldCode); err != nil || owner.ParticipantID != alice.ParticipantID {
			t.Fatalf("alice's old code leads to %+v, %v", owner, err)
		}
		if owner, err := db.Read().CodeOwner(ctx, "bbbbbbbb"); err != nil || owner.Username != "bob" || len(draws) != 0 {
			t.Fatalf("bob's code: %+v, %v (draws left %v)", owner, err, draws)
		}
	})
}

func TestEmailsAreUniqueRegardlessOfCaseBeyondASCII(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		if _, _, err := f.svc.Signup(ctx, core.SignupInput{Email: "Ünï@example.com", Username: "uni", Password: "password123"}); err != nil {
			t.Fatal(err)
		}
		_, _, err := f.svc.Signup(ctx, core.SignupInput{Email: "ünï@EXAMPLE.com", Username: "uni2", Password: "password123"})
		if referralhub.ErrorFields(err)["email"] == "" {
			t.Fatalf("same email in other case: err = %v, want an email error", err)
		}
		if _, _, err := f.svc.Login(ctx, "ÜNÏ@example.com", "password123"); err != nil {
			t.Fatalf("login in other case: %v", err)
		}
	})
}

func TestTextThatIsNotUTF8MatchesNothing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		admin, _ := f.signup(t, "alice", "")
		admin.IsAdmin = true
		for _, bad := range []string{"ali\x00ce", "ali\xffce"} {
			if _, _, err := f.svc.Login(ctx, bad, "password123"); referralhub.ErrorCode(err) != referralhub.EUNAUTHORIZED {
				t.Errorf("login %q: %v", bad, err)
			}
			if _, err := f.svc.AdminUsers(ctx, admin, bad, 1); referralhub.ErrorCode(err) != referralhub.EINVALID {
				t.Errorf("search %q: %v", bad, err)
			}
			_, _, err := f.svc.Signup(ctx, core.SignupInput{Email: bad + "@example.com", Username: "bobby", Password: "password123"})
			if referralhub.ErrorFields(err)["email"] == "" {
				t.Errorf("signup with email %q: %v", bad, err)
			}
		}
		list, err := f.svc.AdminUsers(ctx, admin, "", 1<<62)
		if err != nil || list.Page != 1 || len(list.Users) != 1 {
			t.Fatalf("huge page: %+v, %v", list, err)
		}
	})
}

func TestClickHeadersAreMadeStorable(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		_, s := f.signup(t, "alice", "")
		code := f.participant(t, s).Code
		for _, ua := range []string{"nul \x00 byte", "bad \xff", strings.Repeat("é", 400)} {
			if _, err := f.svc.Click(ctx, code, core.Visit{UserAgent: ua, Referer: ua}); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.clicks.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if n, err := db.Read().CountClicks(ctx); err != nil || n != 3 || f.clicks.Stats().Dropped != 0 {
			t.Fatalf("stored %d clicks (%v), dropped %d; want 3 and 0", n, err, f.clicks.Stats().Dropped)
		}
	})
}

func TestFollowingOwnLinkWritesNothing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		_, s := f.signup(t, "alice", "")
		alice := f.participant(t, s)
		f.clock.Advance(2 * time.Hour) // activity is stale: Authenticate would record it
		if res, err := f.svc.Click(ctx, alice.Code, core.Visit{SessionKey: s.Token}); err != nil || res.Attributed {
			t.Fatalf("own link: %+v, %v", res, err)
		}
		after, err := db.Read().Participant(ctx, alice.ID)
		if err != nil || !after.LastSeenAt.Equal(alice.LastSeenAt) {
			t.Fatalf("the click path wrote last_seen_at: %v -> %v (%v)", alice.LastSeenAt, after.LastSeenAt, err)
		}
		f.svc.Authenticate(ctx, s.Token)
		if touched, _ := db.Read().Participant(ctx, alice.ID); touched.LastSeenAt.Equal(alice.LastSeenAt) {
			t.Fatal("Authenticate no longer records activity")
		}
	})
}
