package web_test

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/clicks"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// snippetBudget is the most the snippet may weigh gzipped (issue 5).
const snippetBudget = 3 * 1024

// TestSnippetIsSmallAndCacheable fetches /snippet.js: JavaScript under
// 3 KB gzipped with the program's attribution window written in, cached
// briefly and revalidated by ETag; a changed window changes both.
func TestSnippetIsSmallAndCacheable(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		b := s.browser(t)
		resp, body := b.get("/snippet.js")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/javascript; charset=utf-8" {
			t.Fatalf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=300" {
			t.Errorf("Cache-Control %q", cc)
		}
		if n := gzipSize(t, body); n >= snippetBudget {
			t.Errorf("the snippet is %d bytes gzipped, over the budget of %d", n, snippetBudget)
		} else {
			t.Logf("the snippet is %d bytes, %d gzipped", len(body), n)
		}
		if !strings.Contains(body, "const WINDOW_SECONDS = 2592000;") { // the default 30 days
			t.Errorf("the default window is not in the snippet")
		}
		etag := resp.Header.Get("ETag")
		req, _ := http.NewRequest("GET", s.srv.URL+"/snippet.js", nil)
		req.Header.Set("If-None-Match", etag)
		if resp, body := b.do(req); resp.StatusCode != http.StatusNotModified || body != "" {
			t.Errorf("revalidation with %s: %d, want 304", etag, resp.StatusCode)
		}

		s.saveProgram(t, func(p *referralhub.Program) { p.AttributionWindow = 7 * 24 * time.Hour })
		resp, body = b.get("/snippet.js")
		if !strings.Contains(body, "const WINDOW_SECONDS = 604800;") || resp.Header.Get("ETag") == etag {
			t.Errorf("after a new window of 7 days: ETag %s (was %s), window not in the snippet", resp.Header.Get("ETag"), etag)
		}
	})
}

// TestSnippetPatternsMatchTheCore checks the snippet's patterns for codes
// and click ids against what the core makes, so the snippet accepts every
// real one.
func TestSnippetPatternsMatchTheCore(t *testing.T) {
	src, err := os.ReadFile("snippet/snippet.js")
	if err != nil {
		t.Fatal(err)
	}
	pattern := func(name string) *regexp.Regexp {
		m := regexp.MustCompile(`const ` + name + ` = /(.+)/;`).FindSubmatch(src)
		if m == nil {
			t.Fatalf("no %s pattern in the snippet", name)
		}
		return regexp.MustCompile(string(m[1]))
	}
	code, click := pattern("CODE"), pattern("CLICK_ID")
	now := time.Now()
	for i := range 2000 {
		if c := core.NewCode(); !code.MatchString(c) {
			t.Fatalf("the snippet refuses the code %q", c)
		}
		if id := clicks.NewID(now.Add(time.Duration(i) * time.Hour)); !click.MatchString(id) {
			t.Fatalf("the snippet refuses the click id %q", id)
		}
	}
	for _, bad := range []string{"", "abc", "ABCDEFGH", "abcdefg!", "abcdefghi"} {
		if code.MatchString(bad) {
			t.Errorf("the snippet takes %q for a code", bad)
		}
	}
	good := clicks.NewID(now)
	for _, bad := range []string{"", good[:25], good + "0", strings.ToUpper(good), good[:25] + "1", "i" + good[1:], good[:10] + "u" + good[11:]} {
		if click.MatchString(bad) {
			t.Errorf("the snippet takes %q for a click id", bad)
		}
	}
}

func gzipSize(t *testing.T, s string) int {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Len()
}
