package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// hookSink is a webhook receiver that counts what it got and answers
// status.
type hookSink struct {
	srv    *httptest.Server
	status atomic.Int32
	mu     sync.Mutex
	bodies []string
}

func newHookSink(t *testing.T) *hookSink {
	k := &hookSink{}
	k.status.Store(http.StatusOK)
	k.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		k.mu.Lock()
		k.bodies = append(k.bodies, string(b))
		k.mu.Unlock()
		w.WriteHeader(int(k.status.Load()))
	}))
	t.Cleanup(k.srv.Close)
	return k
}

func (k *hookSink) count() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.bodies)
}

// onlyEndpoint returns the one endpoint stored.
func onlyEndpoint(t *testing.T, db *storage.DB) referralhub.WebhookEndpoint {
	t.Helper()
	list, err := db.Read().WebhookEndpoints(context.Background())
	if err != nil || len(list) != 1 {
		t.Fatalf("endpoints = %+v, %v", list, err)
	}
	return list[0]
}

func TestAdminWebhooksAreForAdminsOnly(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		admin := adminBrowser(t, s)
		admin.post("/admin/webhooks", url.Values{"url": {"https://example.com/h"}, "events": {"reward.created"}})
		id := onlyEndpoint(t, db).ID
		alice := s.browser(t)
		alice.signup("alice")
		paths := []struct{ method, path string }{
			{"GET", "/admin/webhooks"}, {"POST", "/admin/webhooks"}, {"GET", fmt.Sprintf("/admin/webhooks/%d", id)},
			{"POST", fmt.Sprintf("/admin/webhooks/%d", id)}, {"POST", fmt.Sprintf("/admin/webhooks/%d/replay", id)},
			{"POST", "/admin/webhook-deliveries/1/replay"},
		}
		for _, b := range []*browser{s.browser(t), alice} {
			for _, p := range paths {
				var resp *http.Response
				var body string
				if p.method == "GET" {
					resp, body = b.get(p.path)
				} else {
					resp, body = b.post(p.path, url.Values{"action": {"delete"}, "url": {"https://evil.example"}, "events": {"reward.created"}})
				}
				if resp.StatusCode != http.StatusNotFound || strings.Contains(body, "whsec_") {
					t.Errorf("%s %s: %d, want 404", p.method, p.path, resp.StatusCode)
				}
			}
		}
		if e := onlyEndpoint(t, db); e.URL != "https://example.com/h" || !e.Enabled {
			t.Errorf("a non-admin changed the endpoint: %+v", e)
		}
		for _, path := range []string{"/admin/webhooks/999", "/admin/webhooks/abc", "/admin/webhooks/-1"} {
			if resp, _ := admin.get(path); resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
			}
		}
	})
}

func TestAdminWebhooksCreateDeliverDisableReplayDelete(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		admin := adminBrowser(t, s)
		sink := newHookSink(t)

		resp, body := admin.get("/admin/webhooks")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `href="/admin/webhooks" aria-current="page"`) ||
			!strings.Contains(body, `name="events" value="participant.created"`) || !strings.Contains(body, "No endpoints yet.") {
			t.Fatalf("list: %d\n%s", resp.StatusCode, body)
		}
		resp, body = admin.post("/admin/webhooks", url.Values{"url": {"ftp://x"}, "secret": {"short"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="url-error"`) ||
			!strings.Contains(body, `id="secret-error"`) || !strings.Contains(body, `id="events-error"`) || !strings.Contains(body, `value="ftp://x"`) {
			t.Fatalf("bad form: %d\n%s", resp.StatusCode, body)
		}
		resp, _ = admin.post("/admin/webhooks", url.Values{"url": {sink.srv.URL + "/hooks"}, "events": {"participant.created", "reward.created"}})
		e := onlyEndpoint(t, db)
		page := fmt.Sprintf("/admin/webhooks/%d", e.ID)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page+"?created=1" || !strings.HasPrefix(e.Secret, "whsec_") {
			t.Fatalf("create: %d to %q; %+v", resp.StatusCode, resp.Header.Get("Location"), e)
		}
		if _, body := admin.get(page + "?created=1"); !strings.Contains(body, `id="webhook-secret">`+e.Secret+`<`) || !strings.Contains(body, "The endpoint was added.") {
			t.Fatalf("the page does not show the secret:\n%s", body)
		}

		// A signup is delivered and logged.
		s.browser(t).signup("alice")
		s.runJobs(t)
		if sink.count() != 1 {
			t.Fatalf("the receiver got %d deliveries, want 1", sink.count())
		}
		_, body = admin.get(page)
		if !strings.Contains(body, `<span class="state state-done">200</span>`) || !strings.Contains(body, `id="deliveries-succeeded">succeeded <span class="count">1</span>`) ||
			!strings.Contains(body, "participant.created") || !strings.Contains(body, " ms</td>") {
			t.Fatalf("the delivery log is missing the attempt:\n%s", body)
		}

		// A failing delivery, then disabling by hand: it goes to the dead letters.
		sink.status.Store(http.StatusInternalServerError)
		s.browser(t).signup("bobby")
		s.runJobs(t)
		resp, _ = admin.post(page, url.Values{"action": {"disable"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page+"?done=disable" {
			t.Fatalf("disable: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body = admin.get(page + "?done=disable")
		if !strings.Contains(body, "Disabled by root.") || !strings.Contains(body, "The endpoint was disabled by an admin.") ||
			strings.Contains(body, "Replay all dead") || strings.Contains(body, "/admin/webhook-deliveries/") {
			t.Fatalf("disabled page:\n%s", body)
		}
		if resp, _ := admin.post(page+"/replay", nil); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("replay to a disabled endpoint: %d, want 422", resp.StatusCode)
		}
		admin.post(page, url.Values{"action": {"enable"}})
		sink.status.Store(http.StatusOK)
		resp, _ = admin.post(page+"/replay", nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page+"?replayed=1" {
			t.Fatalf("replay dead: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		s.runJobs(t)
		if n := sink.count(); n != 3 {
			t.Fatalf("after the replay the receiver got %d deliveries, want 3", n)
		}
		_, body = admin.get(page)
		if !strings.Contains(body, "No dead deliveries.") || !strings.Contains(body, `id="deliveries-succeeded">succeeded <span class="count">2</span>`) {
			t.Fatalf("after the replay:\n%s", body)
		}

		// One delivery replayed.
		deliveries, _ := db.Read().WebhookDeliveries(context.Background(), e.ID, "", true, 10)
		one := fmt.Sprintf("/admin/webhook-deliveries/%d/replay", deliveries[0].ID)
		resp, _ = admin.post(one, nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != fmt.Sprintf("%s?replayed_delivery=%d", page, deliveries[0].ID) {
			t.Fatalf("replay one: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		s.runJobs(t)
		if n := sink.count(); n != 4 {
			t.Errorf("after replaying one the receiver got %d deliveries, want 4", n)
		}
		if resp, _ := admin.post("/admin/webhook-deliveries/999/replay", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("replay of nothing: %d", resp.StatusCode)
		}

		// Edits: a mistake is shown beside its field; a good one is saved.
		resp, body = admin.post(page, url.Values{"action": {"update"}, "url": {"javascript:alert(1)"}, "events": {"reward.created"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="url-error"`) || !strings.Contains(body, "New secret") {
			t.Fatalf("bad edit: %d\n%s", resp.StatusCode, body)
		}
		resp, _ = admin.post(page, url.Values{"action": {"update"}, "url": {sink.srv.URL + "/v2"}, "events": {"reward.approved"}})
		if got := onlyEndpoint(t, db); resp.StatusCode != http.StatusSeeOther || got.URL != sink.srv.URL+"/v2" || got.Secret != e.Secret {
			t.Fatalf("edit: %d; %+v", resp.StatusCode, got)
		}
		if resp, _ := admin.post(page, url.Values{"action": {"explode"}}); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("unknown action: %d", resp.StatusCode)
		}

		resp, _ = admin.post(page, url.Values{"action": {"delete"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/webhooks?deleted=1" {
			t.Fatalf("delete: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := admin.get(page); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a deleted endpoint's page: %d", resp.StatusCode)
		}
		if _, body := admin.get("/admin/webhooks?deleted=1"); !strings.Contains(body, "The endpoint was deleted") || !strings.Contains(body, "No endpoints yet.") {
			t.Errorf("after delete:\n%s", body)
		}
	})
}

func TestAdminWebhooksTellOfAnEndpointDisabledAfterFailing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		admin := adminBrowser(t, s)
		admin.post("/admin/webhooks", url.Values{"url": {"https://down.example/h"}, "events": {"reward.created"}})
		e := onlyEndpoint(t, db)
		if _, body := admin.get("/admin/webhooks"); strings.Contains(body, "was disabled") {
			t.Fatalf("a notice before anything failed:\n%s", body)
		}
		ok, err := db.Write().DisableWebhookEndpoint(context.Background(), e.ID, "No delivery attempt succeeded for 3 days.", true, time.Now())
		if !ok || err != nil {
			t.Fatal(ok, err)
		}
		_, body := admin.get("/admin/webhooks")
		want := fmt.Sprintf(`id="webhook-failed-%d"`, e.ID)
		if !strings.Contains(body, want) || !strings.Contains(body, "No delivery attempt succeeded for 3 days.") ||
			!strings.Contains(body, fmt.Sprintf(`href="/admin/webhooks/%d">enable it and replay them`, e.ID)) {
			t.Fatalf("no notice of the disabled endpoint:\n%s", body)
		}
	})
}
