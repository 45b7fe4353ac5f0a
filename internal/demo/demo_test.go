package demo_test

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/demo"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

var now = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

const hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$a2V5"

// each runs fn once per engine, like storagetest.Each, with a plain
// database/sql handle on the same database for checking what was stored.
func each(t *testing.T, fn func(t *testing.T, db *storage.DB, raw *sql.DB)) {
	t.Helper()
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			url := storagetest.URL(t, engine)
			db, err := storage.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(context.Background(), now); err != nil {
				t.Fatal(err)
			}
			fn(t, db, openRaw(t, url))
		})
	}
}

func openRaw(t *testing.T, url string) *sql.DB {
	t.Helper()
	driver, dsn := "pgx", url
	if path, ok := strings.CutPrefix(url, "sqlite:"); ok {
		driver, dsn = "sqlite", "file:"+path+"?_pragma=busy_timeout(10000)"
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

func generate(t *testing.T, db *storage.DB, users int) demo.Result {
	t.Helper()
	res, err := demo.Generate(context.Background(), db, demo.Options{Users: users, Now: now, PasswordHash: hash})
	if err != nil {
		t.Fatalf("generate %d users: %v", users, err)
	}
	return res
}

func scalar(t *testing.T, raw *sql.DB, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := raw.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

const hubReferralsSQL = `SELECT count(*) FROM referrals r JOIN participants p ON p.id = r.referrer_id
	JOIN users u ON u.id = p.user_id WHERE u.username = 'ambassador'`

func TestGenerateSmallNetwork(t *testing.T) {
	each(t, func(t *testing.T, db *storage.DB, raw *sql.DB) {
		res := generate(t, db, 300)
		want := demo.Result{Users: 300, Referrals: 299, Clicks: res.Clicks, HubUsername: "ambassador"}
		if res != want || res.Clicks < 299+150 || res.Clicks > 3*299+150 {
			t.Fatalf("result = %+v, want %+v with 449 to 1047 clicks", res, want)
		}
		checkCounts(t, raw, res)
		if n := scalar(t, raw, hubReferralsSQL); n != 299 {
			t.Errorf("hub has %d referrals, want all 299 others", n)
		}
		checkUsers(t, raw)
		checkParticipants(t, raw)
		checkClicks(t, raw)
	})
}

func TestGenerateDeepTrees(t *testing.T) {
	each(t, func(t *testing.T, db *storage.DB, raw *sql.DB) {
		const users = 12000
		res := generate(t, db, users)
		checkCounts(t, raw, res)
		if n := scalar(t, raw, hubReferralsSQL); n != demo.HubReferrals {
			t.Errorf("hub has %d referrals, want %d", n, demo.HubReferrals)
		}
		others := users - 1 - demo.HubReferrals
		if n := res.Referrals - demo.HubReferrals; n < others*6/10 || n > others*8/10 {
			t.Errorf("%d of %d non-hub users were referred, want about 70%%", n, others)
		}
		deep := scalar(t, raw, `SELECT count(*) FROM referrals r1
			JOIN referrals r2 ON r2.referee_id = r1.referrer_id
			JOIN referrals r3 ON r3.referee_id = r2.referrer_id`)
		if deep == 0 {
			t.Error("no chain of three referrals")
		}
		runnerUp := scalar(t, raw, `SELECT count(*) c FROM referrals GROUP BY referrer_id ORDER BY c DESC LIMIT 1 OFFSET 1`)
		if runnerUp >= demo.HubReferrals/10 {
			t.Errorf("second busiest referrer has %d referrals; the hub should stand out", runnerUp)
		}
		checkClicks(t, raw)
		t.Logf("%+v, %d chains of three", res, deep)
	})
}

func TestGenerateAsManyClicksAsAsked(t *testing.T) {
	each(t, func(t *testing.T, db *storage.DB, raw *sql.DB) {
		res, err := demo.Generate(context.Background(), db, demo.Options{Users: 200, Clicks: 5000, Now: now, PasswordHash: hash})
		if err != nil {
			t.Fatal(err)
		}
		if res.Clicks != 5000 {
			t.Fatalf("result = %+v, want 5000 clicks", res)
		}
		checkCounts(t, raw, res)
		checkClicks(t, raw)
	})
}

func TestGenerateOnlyHub(t *testing.T) {
	each(t, func(t *testing.T, db *storage.DB, raw *sql.DB) {
		res := generate(t, db, 1)
		if want := (demo.Result{Users: 1, HubUsername: "ambassador"}); res != want {
			t.Fatalf("result = %+v, want %+v", res, want)
		}
		checkCounts(t, raw, res)
		checkUsers(t, raw)
	})
}

func TestGenerateRefusesSecondRun(t *testing.T) {
	each(t, func(t *testing.T, db *storage.DB, raw *sql.DB) {
		res := generate(t, db, 20)
		_, err := demo.Generate(context.Background(), db, demo.Options{Users: 20, Now: now, PasswordHash: hash, Seed: 7})
		if referralhub.ErrorCode(err) != referralhub.ECONFLICT || !strings.Contains(referralhub.ErrorMessage(err), "ambassador") {
			t.Fatalf("second run: err = %v, want conflict naming the hub", err)
		}
		checkCounts(t, raw, res)
	})
}

func TestGenerateRefusesExistingHubName(t *testing.T) {
	each(t, func(t *testing.T, db *storage.DB, raw *sql.DB) {
		u := referralhub.User{Email: "someone@example.com", Username: "Ambassador", CreatedAt: now}
		if err := db.Write().CreateUser(context.Background(), &u, hash); err != nil {
			t.Fatal(err)
		}
		_, err := demo.Generate(context.Background(), db, demo.Options{Users: 5, Now: now, PasswordHash: hash})
		if referralhub.ErrorCode(err) != referralhub.ECONFLICT {
			t.Fatalf("err = %v, want conflict", err)
		}
		if n := scalar(t, raw, `SELECT count(*) FROM users`); n != 1 {
			t.Fatalf("%d users after refusal, want 1", n)
		}
	})
}

// TestGenerateStoresCountsAndQualification: each participant is stored
// with the counts of its referrals, clicks and qualified referrals, and
// exactly the referrals of verified referees are stored as qualified when
// made, as the gamification rebuild (under the default program, which asks
// for a verified address) would have it; the rebuild then changes nothing.
func TestGenerateStoresCountsAndQualification(t *testing.T) {
	each(t, func(t *testing.T, db *storage.DB, raw *sql.DB) {
		res := generate(t, db, 3000)
		for name, query := range map[string]string{
			"referral_count":  countMismatchSQL("referral_count", "referrer_id", "referrals", "TRUE"),
			"click_count":     countMismatchSQL("click_count", "participant_id", "clicks", "NOT bot"),
			"qualified_count": countMismatchSQL("qualified_count", "referrer_id", "referrals", "qualified_at IS NOT NULL"),
			"qualified_at": `SELECT count(*) FROM referrals r JOIN participants p ON p.id = r.referee_id JOIN users u ON u.id = p.user_id
				WHERE CASE WHEN u.email_verified_at IS NULL THEN r.qualified_at IS NOT NULL ELSE r.qualified_at IS NULL OR r.qualified_at <> r.created_at END`,
		} {
			if n := scalar(t, raw, query); n != 0 {
				t.Errorf("%s is wrong on %d rows", name, n)
			}
		}
		before := gamificationSums(t, raw)
		if before[0] != int64(res.Referrals) || before[1] != int64(res.Clicks) || before[2] == 0 || before[2] == before[0] {
			t.Fatalf("referrals, clicks, qualified counted: %v; want %d, %d and some qualified", before, res.Referrals, res.Clicks)
		}
		err := db.InTx(context.Background(), func(q *storage.Queries) error {
			return q.RebuildGamification(context.Background(), storage.RebuildInput{RequireVerified: true, Now: now})
		})
		if err != nil {
			t.Fatal(err)
		}
		if after := gamificationSums(t, raw); after != before {
			t.Errorf("the rebuild changed the sums of counts and qualified referrals from %v to %v", before, after)
		}
	})
}

// TestGenerateKeepsTheIndexes: the indexes and keys the load drops are all
// there again once it has committed.
func TestGenerateKeepsTheIndexes(t *testing.T) {
	each(t, func(t *testing.T, db *storage.DB, raw *sql.DB) {
		ctx := context.Background()
		tables := []string{"users", "participants", "referrals", "clicks", "rewards"}
		indexes := func() []string {
			var names []string
			errRollback := errors.New("roll back")
			err := db.InTx(ctx, func(q *storage.Queries) error {
				dropped, _, err := q.DropIndexes(ctx, tables...)
				names = dropped
				return errors.Join(err, errRollback)
			})
			if !errors.Is(err, errRollback) {
				t.Fatal(err)
			}
			return names
		}
		before := indexes()
		generate(t, db, 50)
		if after := indexes(); len(before) < 10 || !slices.Equal(after, before) {
			t.Fatalf("indexes and keys after the demo %v, want %v", after, before)
		}
	})
}

// countMismatchSQL counts the participants whose column differs from the
// number of rows of table that name them in ref and match where.
func countMismatchSQL(column, ref, table, where string) string {
	return `SELECT count(*) FROM participants p LEFT JOIN (SELECT ` + ref + ` AS id, count(*) AS n FROM ` + table +
		` WHERE ` + where + ` GROUP BY ` + ref + `) c ON c.id = p.id WHERE p.` + column + ` <> COALESCE(c.n, 0)`
}

// gamificationSums is the sum of referral, click and qualified counts and
// the number of qualified referrals.
func gamificationSums(t *testing.T, raw *sql.DB) (s [4]int64) {
	t.Helper()
	err := raw.QueryRow(`SELECT (SELECT sum(referral_count) FROM participants), (SELECT sum(click_count) FROM participants),
		(SELECT sum(qualified_count) FROM participants), (SELECT count(*) FROM referrals WHERE qualified_at IS NOT NULL)`).Scan(&s[0], &s[1], &s[2], &s[3])
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestGenerateRejectsBadOptions(t *testing.T) {
	db := storagetest.Open(t, "sqlite")
	for _, opt := range []demo.Options{
		{Users: 0, PasswordHash: hash},
		{Users: -3, PasswordHash: hash},
		{Users: demo.MaxUsers + 1, PasswordHash: hash},
		{Users: 10, Clicks: -1, PasswordHash: hash},
		{Users: 10, Clicks: demo.MaxClicks + 1, PasswordHash: hash},
		{Users: 10},
	} {
		if _, err := demo.Generate(context.Background(), db, opt); referralhub.ErrorCode(err) != referralhub.EINVALID {
			t.Errorf("%+v: err = %v, want invalid", opt, err)
		}
	}
}

// TestGenerateTiming loads 100,000 users on each engine and logs the time.
// Run it with REFERRALHUB_DEMO_TIMING=1 and -v.
func TestGenerateTiming(t *testing.T) {
	if os.Getenv("REFERRALHUB_DEMO_TIMING") != "1" {
		t.Skip("set REFERRALHUB_DEMO_TIMING=1 to time 100,000 users")
	}
	each(t, func(t *testing.T, db *storage.DB, raw *sql.DB) {
		log := slog.New(slog.NewTextHandler(t.Output(), nil))
		began := time.Now()
		res, err := demo.Generate(context.Background(), db, demo.Options{Users: 100_000, Now: now, PasswordHash: hash, Log: log})
		elapsed := time.Since(began)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %+v in %v (%d queries)", db.Engine(), res, elapsed.Round(time.Millisecond), db.QueryCount())
		checkCounts(t, raw, res)
		if elapsed > time.Minute {
			t.Errorf("took %v, want well under a minute", elapsed)
		}
	})
}

func checkCounts(t *testing.T, raw *sql.DB, res demo.Result) {
	t.Helper()
	for table, want := range map[string]int{"users": res.Users, "participants": res.Users, "referrals": res.Referrals, "clicks": res.Clicks} {
		if n := scalar(t, raw, `SELECT count(*) FROM `+table); n != int64(want) {
			t.Errorf("%d %s stored, want %d", n, table, want)
		}
	}
}

var usernameRE = regexp.MustCompile(`^[a-z0-9_]{3,30}$`)

// checkUsers checks names, emails, the shared hash and that signup times
// lie in the history and increase with the id.
func checkUsers(t *testing.T, raw *sql.DB) {
	t.Helper()
	rows, err := raw.Query(`SELECT username, email, password_hash, created_at FROM users ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	prev := now.Add(-demo.History - time.Nanosecond)
	for rows.Next() {
		var name, email, h string
		var created time.Time
		if err := rows.Scan(&name, &email, &h, &created); err != nil {
			t.Fatal(err)
		}
		if !usernameRE.MatchString(name) || email != name+"@example.com" || h != hash {
			t.Fatalf("user %q, %q, %q", name, email, h)
		}
		if !created.After(prev) || created.After(now) {
			t.Fatalf("user %s created at %v after %v", name, created, prev)
		}
		prev = created
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

var codeRE = regexp.MustCompile(`^[a-z0-9]{8}$`)

// checkParticipants checks codes and that some were seen within 30 days.
func checkParticipants(t *testing.T, raw *sql.DB) {
	t.Helper()
	rows, err := raw.Query(`SELECT code, last_seen_at FROM participants`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	codes := map[string]bool{}
	active := 0
	for rows.Next() {
		var code string
		var seen time.Time
		if err := rows.Scan(&code, &seen); err != nil {
			t.Fatal(err)
		}
		if !codeRE.MatchString(code) || codes[code] || seen.After(now) {
			t.Fatalf("code %q (duplicate: %v) seen at %v", code, codes[code], seen)
		}
		codes[code] = true
		if seen.After(now.Add(-30 * 24 * time.Hour)) {
			active++
		}
	}
	if active == 0 || active == len(codes) {
		t.Errorf("%d of %d participants seen within 30 days, want some", active, len(codes))
	}
}

// checkClicks checks that clicks lie within the history and that every
// referral names a click on the referrer's link made before the signup.
func checkClicks(t *testing.T, raw *sql.DB) {
	t.Helper()
	var first, last time.Time
	if err := raw.QueryRow(`SELECT created_at FROM clicks ORDER BY created_at LIMIT 1`).Scan(&first); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRow(`SELECT created_at FROM clicks ORDER BY created_at DESC LIMIT 1`).Scan(&last); err != nil {
		t.Fatal(err)
	}
	if first.Before(now.Add(-demo.History)) || !last.Before(now) {
		t.Errorf("clicks from %v to %v, want within %v before %v", first, last, demo.History, now)
	}
	referrals := scalar(t, raw, `SELECT count(*) FROM referrals`)
	converted := scalar(t, raw, `SELECT count(*) FROM referrals r JOIN clicks c
		ON c.id = r.click_id AND c.participant_id = r.referrer_id AND c.created_at < r.created_at`)
	if converted != referrals {
		t.Errorf("%d of %d referrals have a matching earlier click", converted, referrals)
	}
	if stray := scalar(t, raw, `SELECT count(*) FROM clicks WHERE id NOT IN (SELECT click_id FROM referrals)`); stray <= referrals {
		t.Errorf("%d clicks did not convert, want more than %d", stray, referrals)
	}
}
