package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/ratelimit"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/web"
)

// maxClickAllocs is the most allocations one click may make in the site's
// handler chain (issue 19): request id, metrics, rate limit, the code
// cache, the click record, its IP hash and the signed cookie, the redirect.
const maxClickAllocs = 20

// clickBench is the site as serve runs it for the click path: the per-IP
// limiter (with a limit that never denies), metrics, and a visitor's
// request with a browser's headers, served in process.
type clickBench struct {
	h   http.Handler
	req *http.Request
	w   *discardWriter
}

func newClickBench(t testing.TB) clickBench {
	s := newSiteWith(t, storagetest.Open(t, "sqlite"), time.Now, siteOptions{
		metrics: &siteMetrics{token: testMetricsToken},
		rateLimit: web.RateLimit{Limiter: ratelimit.NewMemory(time.Now), Secret: []byte("click allocs secret"),
			Limits: ratelimit.Limits{Click: ratelimit.Limit{Count: 1_000_000, Per: time.Second}}},
	})
	alice := s.browser(t)
	alice.signup("alice")
	req := httptest.NewRequest("GET", strings.TrimPrefix(alice.link(), s.srv.URL), nil)
	req.RemoteAddr = "203.0.113.7:51234"
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36")
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	req.Header.Set("Accept-Language", "en-GB,en;q=0.9")
	req.Header.Set("Referer", "https://chat.example.com/")
	req.Header.Set("Sec-Fetch-Dest", "document")
	return clickBench{h: s.srv.Config.Handler, req: req, w: &discardWriter{header: http.Header{}}}
}

// click serves one click and fails unless it was attributed.
func (c clickBench) click(t testing.TB) {
	clear(c.w.header)
	c.w.code = 0
	c.h.ServeHTTP(c.w, c.req)
	if c.w.code != http.StatusFound || c.w.header.Get("Location") != "/signup" || len(c.w.header["Set-Cookie"]) == 0 {
		t.Fatalf("click: %d %v", c.w.code, c.w.header)
	}
}

// discardWriter is a ResponseWriter that keeps the status and headers and
// reuses its header map, as a server connection's would cost nothing here:
// what is counted is the handler chain's own work.
type discardWriter struct {
	header http.Header
	code   int
}

func (w *discardWriter) Header() http.Header { return w.header }

func (w *discardWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return len(b), nil
}

func (w *discardWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

// TestClickAllocations holds a click in the handler chain (request id,
// logging, metrics, rate limit, code cache, click buffer, IP hash, signed
// cookie, redirect) to at most maxClickAllocs allocations.
func TestClickAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under -race")
	}
	c := newClickBench(t)
	c.click(t) // warm the code cache and the salts
	allocs := testing.AllocsPerRun(500, func() { c.click(t) })
	t.Logf("%.1f allocations per click", allocs)
	if allocs > maxClickAllocs {
		t.Fatalf("a click allocates %.1f times, more than %d", allocs, maxClickAllocs)
	}
}

// BenchmarkClickHandler serves clicks in process through the whole
// handler chain, to profile the click's CPU and allocations without the
// network (go test -run X -bench ClickHandler -cpuprofile, -memprofile).
func BenchmarkClickHandler(b *testing.B) {
	c := newClickBench(b)
	b.ReportAllocs()
	for b.Loop() {
		c.click(b)
	}
}
