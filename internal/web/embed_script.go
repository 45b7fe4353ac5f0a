package web

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// embedSource is the script host pages include to show the embedded
// referral page (see docs/integration.md), with embedOriginMark where
// ReferralHub's origin goes.
//
//go:embed snippet/embed.js
var embedSource string

// embedOriginMark is replaced by ReferralHub's origin, a JavaScript string.
const embedOriginMark = `"/*origin*/"`

// embedJSMaxAge is how long browsers and proxies reuse /embed.js before
// they revalidate it with its ETag. It changes only with ReferralHub.
const embedJSMaxAge = time.Hour

// handleEmbedJS serves GET /embed.js, the script that mounts the embedded
// referral page on a host's page. It is public and cacheable.
func (s *Server) handleEmbedJS(w http.ResponseWriter, r *http.Request) {
	body := renderEmbedJS(s.cfg.BaseURL)
	sum := sha256.Sum256(body)
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(embedJSMaxAge.Seconds())))
	h.Set("ETag", `"`+hex.EncodeToString(sum[:12])+`"`)
	// Host pages that isolate themselves (COEP) may still load it.
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	http.ServeContent(w, r, "embed.js", time.Time{}, bytes.NewReader(body))
}

// renderEmbedJS returns the script with the origin of baseURL written in.
func renderEmbedJS(baseURL string) []byte {
	origin := baseURL
	if u, err := url.Parse(baseURL); err == nil {
		origin = u.Scheme + "://" + u.Host
	}
	quoted, _ := json.Marshal(origin) // a string always encodes
	return []byte(strings.Replace(embedSource, embedOriginMark, string(quoted), 1))
}
