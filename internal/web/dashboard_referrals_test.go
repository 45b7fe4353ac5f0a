package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// referralLine returns the state and earnings a dashboard shows for the
// referral of username.
func referralLine(t *testing.T, b *browser, username string) (state, earned string) {
	t.Helper()
	_, body := b.get("/")
	m := regexp.MustCompile(`<tr class="referral-row"><td>` + username + `</td><td>[^<]*</td><td><span class="state referral-\w+">([^<]*)</span></td><td>(.*?)</td></tr>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no referral row for %s:\n%s", username, body)
	}
	return m[1], m[2]
}

// TestDashboardReferralStatesFollowReview: a held referral shows as pending
// review with its reward on hold, and once approved, on the next load
// (the cached page notices the moved balance), as rewarded.
func TestDashboardReferralStatesFollowReview(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := fraudSite(t, db)
		alice, bob, held := heldReferral(t, s)
		if state, earned := referralLine(t, alice, "bob"); state != "Pending review" || earned != `10 points <small class="muted">(on hold)</small>` {
			t.Errorf("held: %q, %q", state, earned)
		}
		verifyEmail(t, s, bob, "bob")
		decide(t, adminBrowser(t, s), held.ID, "approve", "Known colleague.")
		if state, earned := referralLine(t, alice, "bob"); state != "Rewarded" || earned != "10 points" {
			t.Errorf("approved: %q, %q", state, earned)
		}
	})
}

func TestDashboardReferralRejectedEarnsNothing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := fraudSite(t, db)
		alice, bob, held := heldReferral(t, s)
		verifyEmail(t, s, bob, "bob")
		referralLine(t, alice, "bob") // cache the page with the reward on hold
		decide(t, adminBrowser(t, s), held.ID, "reject", "Same person.")
		if state, earned := referralLine(t, alice, "bob"); state != "Rejected" || !strings.Contains(earned, "nothing yet") {
			t.Errorf("rejected: %q, %q", state, earned)
		}
	})
}
