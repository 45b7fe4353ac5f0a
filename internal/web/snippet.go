package web

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// snippetSource is the script host pages include (see docs/integration.md),
// with snippetWindowMark where the attribution window goes.
//
//go:embed snippet/snippet.js
var snippetSource string

// snippetWindowMark is replaced by the attribution window in seconds.
const snippetWindowMark = "/*window*/0"

// snippetMaxAge is how long browsers and proxies reuse the snippet before
// they revalidate it with its ETag: a changed attribution window reaches
// host pages within this.
const snippetMaxAge = 5 * time.Minute

// handleSnippet serves GET /snippet.js, the script for host pages, with the
// program's current attribution window written in. It is public and
// cacheable; its ETag is the hash of what it serves.
func (s *Server) handleSnippet(w http.ResponseWriter, r *http.Request) {
	body := renderSnippet(s.svc.AttributionWindow(r.Context()))
	sum := sha256.Sum256(body)
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(snippetMaxAge.Seconds())))
	h.Set("ETag", `"`+hex.EncodeToString(sum[:12])+`"`)
	// Host pages that isolate themselves (COEP) may still load it.
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	http.ServeContent(w, r, "snippet.js", time.Time{}, bytes.NewReader(body))
}

// renderSnippet returns the snippet with window written in, in whole
// seconds.
func renderSnippet(window time.Duration) []byte {
	seconds := strconv.FormatInt(int64(window/time.Second), 10)
	return []byte(strings.Replace(snippetSource, snippetWindowMark, seconds, 1))
}
