package api

import (
	"bytes"
	"net/http"

	"github.com/referralhub/referralhub"
)

// idempotencyHeader names the request header that makes a creating POST
// safe to retry, and replayedHeader the response header that marks a
// replay of the first response.
const (
	idempotencyHeader = "Idempotency-Key"
	replayedHeader    = "Idempotent-Replayed"
)

// idempotent runs next at most once per Idempotency-Key of an API key on
// a route: a retry with the same body gets the first response again, with
// Idempotent-Replayed: true. Requests without the header run as they are.
func (h *Handler) idempotent(next bodyHandler) bodyHandler {
	return func(w http.ResponseWriter, r *http.Request, body []byte) {
		if len(r.Header.Values(idempotencyHeader)) == 0 {
			next(w, r, body)
			return
		}
		k := referralhub.IdempotencyKey{APIKeyID: keyOf(r).ID, Route: r.Method + " " + r.URL.Path, Key: r.Header.Get(idempotencyHeader)}
		stored, err := h.idempotency.begin(r.Context(), k, body)
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		if stored != nil {
			w.Header().Set(replayedHeader, "true")
			writeBody(w, stored.Status, stored.Body)
			return
		}
		rec := &recorder{header: w.Header(), status: http.StatusOK}
		next(rec, r, body)
		if err := h.idempotency.finish(r.Context(), k, storedResponse{Status: rec.status, Body: rec.body.Bytes()}); err != nil {
			h.log.ErrorContext(r.Context(), "store idempotent response", "err", err)
		}
		w.WriteHeader(rec.status)
		w.Write(rec.body.Bytes())
	}
}

// recorder keeps a response in memory, to be stored before it is sent.
type recorder struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (rec *recorder) Header() http.Header { return rec.header }

func (rec *recorder) WriteHeader(status int) {
	if !rec.wrote {
		rec.status, rec.wrote = status, true
	}
}

func (rec *recorder) Write(b []byte) (int, error) {
	rec.WriteHeader(http.StatusOK)
	return rec.body.Write(b)
}
