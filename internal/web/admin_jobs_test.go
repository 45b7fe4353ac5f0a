package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// failedJob queues a job of a kind nobody handles and runs the queue, which
// fails it for good; it returns the job's id.
func makeFailedJob(t *testing.T, s *site) int64 {
	t.Helper()
	ctx, now := context.Background(), s.now()
	err := s.db.InTx(ctx, func(q *storage.Queries) error {
		_, err := q.EnqueueJob(ctx, referralhub.Job{Kind: "nope", Payload: []byte("{}"), MaxAttempts: 1, RunAt: now, CreatedAt: now})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s.runJobs(t)
	jobs := jobsInState(t, s.db, referralhub.JobFailed)
	if len(jobs) != 1 {
		t.Fatalf("failed jobs: %+v", jobs)
	}
	return jobs[0].ID
}

func jobsInState(t *testing.T, db *storage.DB, state string) []referralhub.Job {
	t.Helper()
	jobs, err := db.Read().Jobs(context.Background(), state, 100)
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

func TestAdminJobsListAndRetry(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		admin := adminBrowser(t, s)
		id := makeFailedJob(t, s)
		row := fmt.Sprintf(`id="job-%d"`, id)
		retry := fmt.Sprintf("/admin/jobs/%d/retry", id)

		resp, body := admin.get("/admin/jobs?state=failed")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, row) || !strings.Contains(body, `action="`+retry+`"`) ||
			!strings.Contains(body, "no handler for job kind &#34;nope&#34;") || !strings.Contains(body, "1/1") {
			t.Fatalf("failed job not listed with its error and a retry button: %d\n%s", resp.StatusCode, body)
		}
		if !strings.Contains(body, `id="jobs-failed">failed <span class="count">1</span>`) {
			t.Errorf("failed count not shown")
		}
		if _, body := admin.get("/admin/jobs?state=queued"); strings.Contains(body, row) {
			t.Error("the failed job is listed under queued")
		}

		resp, _ = admin.post(retry, url.Values{"state": {"failed"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != fmt.Sprintf("/admin/jobs?retried=%d&state=failed", id) {
			t.Fatalf("retry: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		queued := jobsInState(t, db, referralhub.JobQueued)
		if len(queued) != 1 || queued[0].ID != id || queued[0].Attempts != 0 {
			t.Fatalf("after retry, queued: %+v", queued)
		}
		if _, body := admin.get("/admin/jobs?state=queued"); !strings.Contains(body, row) || strings.Contains(body, `action="`+retry+`"`) {
			t.Error("the retried job is not listed as queued, or still offers a retry")
		}

		for _, path := range []string{retry, "/admin/jobs/999999/retry", "/admin/jobs/abc/retry", "/admin/jobs/-1/retry"} {
			if resp, _ := admin.post(path, nil); resp.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s: %d, want 404", path, resp.StatusCode)
			}
		}
		if resp, _ := admin.get("/admin/jobs?state=bogus"); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("unknown state: %d, want 422", resp.StatusCode)
		}
	})
}

func TestAdminJobsShowRewardsToReview(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		admin := adminBrowser(t, s)
		if _, body := admin.get("/admin/jobs"); !strings.Contains(body, "Reversed after payout — review") || !strings.Contains(body, "Nothing to review.") {
			t.Fatalf("no empty review section:\n%s", body)
		}
		ctx, now := context.Background(), s.now()
		_, who, err := s.svc.Authenticate(ctx, admin.cookie("rh_session").Value)
		if err != nil {
			t.Fatal(err)
		}
		r := referralhub.Reward{ParticipantID: who.ID, Side: "referrer", Entry: "reward", Kind: "credit", Amount: 1000, Currency: "usd",
			Status: "approved", Reason: "bob's first purchase", CreditedAt: now, ApprovedAt: now}
		err = db.InTx(ctx, func(q *storage.Queries) error {
			if _, err := q.InsertReward(ctx, &r, "review-test"); err != nil {
				return err
			}
			if _, err := q.MarkFulfilled(ctx, r.ID, now, "cbtxn_1"); err != nil {
				return err
			}
			_, err := q.ReverseReward(ctx, r.ID, now.Add(time.Hour))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		_, body := admin.get("/admin/jobs")
		want := fmt.Sprintf("<td>bob&#39;s first purchase</td><td>$10.00 credit</td><td class=\"num\">%d</td>", who.ID)
		if !strings.Contains(body, want) || strings.Contains(body, "Nothing to review.") {
			t.Errorf("reversed reward not listed for review:\n%s", body)
		}
	})
}

// TestAdminJobsSayWhyMailIsHeld: without a mail server in production, a
// mail job is not done: it waits in the queue with the reason as its
// error, and the page says why no mail goes out.
func TestAdminJobsSayWhyMailIsHeld(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSiteWith(t, db, time.Now, siteOptions{heldMail: "no mail server is configured"})
		admin := adminBrowser(t, s) // a new account: its verification mail
		s.runJobs(t)
		queued := jobsInState(t, db, referralhub.JobQueued)
		if len(queued) != 1 || queued[0].Kind != "mail" || queued[0].Attempts != 1 || queued[0].LastError != "no mail server is configured" {
			t.Fatalf("queued jobs = %+v, want the mail waiting with the reason", queued)
		}
		if done := jobsInState(t, db, referralhub.JobDone); len(done) != 0 {
			t.Errorf("done jobs = %+v", done)
		}
		_, body := admin.get("/admin/jobs")
		if !strings.Contains(body, `id="mail-held">Mail is not being sent: no mail server is configured.`) {
			t.Errorf("no notice on the jobs page:\n%s", body)
		}
	})
}
