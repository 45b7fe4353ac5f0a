package api

import (
	"crypto/sha256"
	_ "embed" // the OpenAPI document
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// openAPIDocument is the API's OpenAPI 3.1 document, kept by hand in
// openapi.json beside the code; tests hold it to the routes and to the
// live responses. go:embed needs a package variable: it is never written.
//
//go:embed openapi.json
var openAPIDocument string

// openAPI serves GET /openapi.json: the OpenAPI document, to anyone,
// without an API key. It changes only with a release, so it may be
// cached for a few minutes, then revalidated by its ETag.
func openAPI() http.HandlerFunc {
	sum := sha256.Sum256([]byte(openAPIDocument))
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "public, max-age=300")
		h.Set("ETag", etag)
		if etagMatches(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Content-Length", strconv.Itoa(len(openAPIDocument)))
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, openAPIDocument)
	}
}

// etagMatches reports whether an If-None-Match header names etag, weakly
// compared, or is "*".
func etagMatches(ifNoneMatch, etag string) bool {
	for tag := range strings.SplitSeq(ifNoneMatch, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == etag || tag == "*" {
			return true
		}
	}
	return false
}
