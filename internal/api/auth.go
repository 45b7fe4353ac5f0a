package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

type keyContext struct{}

// authenticate lets through requests with a valid API key in
// "Authorization: Bearer <key>" and within the key's rate limit, with the
// key in their context.
func (h *Handler) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secret, ok := bearer(r)
		if !ok {
			h.writeError(w, r, referralhub.Errorf(referralhub.EUNAUTHORIZED, "Send an API key: Authorization: Bearer <key>."))
			return
		}
		k, err := h.svc.AuthenticateAPIKey(r.Context(), secret)
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		if !h.allow(w, r, k) {
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyContext{}, k)))
	})
}

// bearer returns the token of an Authorization: Bearer header.
func bearer(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	return token, ok && strings.EqualFold(scheme, "Bearer") && token != ""
}

// allow counts a request against its key's rate limit, and answers 429
// when the key is over it. A limiter that fails lets the request through.
func (h *Handler) allow(w http.ResponseWriter, r *http.Request, k referralhub.APIKey) bool {
	if h.limiter == nil || h.limit.Off() {
		return true
	}
	res, err := h.limiter.Allow(r.Context(), h.keys.Name("api", "key", strconv.FormatInt(k.ID, 10)), h.limit)
	if err != nil {
		h.log.WarnContext(r.Context(), "rate limit check failed; request allowed", "err", err)
		return true
	}
	if !res.Allowed {
		h.writeError(w, r, tooManyRequests(res.RetryAfter))
	}
	return res.Allowed
}

// keyOf returns the API key that authenticated the request.
func keyOf(r *http.Request) referralhub.APIKey {
	k, _ := r.Context().Value(keyContext{}).(referralhub.APIKey)
	return k
}

// bodyHandler handles a POST whose body has been read.
type bodyHandler func(w http.ResponseWriter, r *http.Request, body []byte)

// post guards an endpoint that writes: it needs a write key, and a JSON
// body of at most maxBody bytes, which next gets read.
func (h *Handler) post(next bodyHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := core.CheckScope(keyOf(r), core.ScopeWrite); err != nil {
			h.writeError(w, r, err)
			return
		}
		body, err := readBody(w, r)
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		next(w, r, body)
	}
}
