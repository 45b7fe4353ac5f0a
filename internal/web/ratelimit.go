package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/referralhub/referralhub/internal/ratelimit"
)

// RateLimit is the site's rate limiting: the limiter that counts, the
// limits, and the secret that keys the hashes standing for IPs and logins
// in limiter keys. The zero value limits nothing.
//
// Clients are told apart by their address (Server.clientIP): the peer, or
// behind a trusted proxy (Config.TrustedProxies) the client it forwards for.
type RateLimit struct {
	Limiter ratelimit.Limiter // nil turns rate limiting off
	Limits  ratelimit.Limits
	Secret  []byte // the same on every instance that shares a Redis
}

// limiter puts the RateLimit in front of handlers.
type limiter struct {
	s    *Server
	l    ratelimit.Limiter
	keys ratelimit.Keys
}

func (s *Server) rateLimiter() *limiter {
	return &limiter{s: s, l: s.cfg.RateLimit.Limiter, keys: ratelimit.NewKeys(s.cfg.RateLimit.Secret)}
}

// keyFunc gives the limiter key of a request: "" counts nothing, and
// false means it has answered the request itself.
type keyFunc func(w http.ResponseWriter, r *http.Request) (key string, ok bool)

// by counts each request to next under its key against lim, and answers
// 429 instead of calling next when the key is over the limit. With no
// limiter or a limit that is off it returns next itself, at no cost. A
// check that fails lets the request through (fail open) and is logged.
func (rl *limiter) by(lim ratelimit.Limit, key keyFunc, next http.Handler) http.Handler {
	return rl.byOr(lim, key, next, rl.s.tooManyRequests)
}

// overFunc answers a request over its limit, which may be retried after
// retry.
type overFunc func(w http.ResponseWriter, r *http.Request, retry time.Duration)

// byOr is by with over answering the requests over the limit.
func (rl *limiter) byOr(lim ratelimit.Limit, key keyFunc, next http.Handler, over overFunc) http.Handler {
	if rl.l == nil || lim.Off() {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k, ok := key(w, r)
		if !ok {
			return
		}
		if k != "" {
			res, err := rl.l.Allow(r.Context(), k, lim)
			if err != nil {
				rl.s.log.WarnContext(r.Context(), "rate limit check failed; request allowed", "err", err)
			} else if !res.Allowed {
				over(w, r, res.RetryAfter)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// byIP limits next per client IP (IPv6 per /64) under namespace.
func (rl *limiter) byIP(namespace string, lim ratelimit.Limit, next http.HandlerFunc) http.Handler {
	return rl.by(lim, func(_ http.ResponseWriter, r *http.Request) (string, bool) {
		return rl.keys.IP(namespace, rl.s.clientIP(r)), true
	}, next)
}

// byUser limits next per signed-in user under namespace. Visitors are not
// counted: next sends them to log in.
func (rl *limiter) byUser(namespace string, lim ratelimit.Limit, next http.HandlerFunc) http.Handler {
	return rl.byUserOr(namespace, lim, next, rl.s.tooManyRequests)
}

// byUserOr is byUser with over answering the requests over the limit.
func (rl *limiter) byUserOr(namespace string, lim ratelimit.Limit, next http.HandlerFunc, over overFunc) http.Handler {
	return rl.byOr(lim, func(_ http.ResponseWriter, r *http.Request) (string, bool) {
		v, ok, err := rl.s.currentViewer(r)
		if !ok || err != nil {
			return "", true
		}
		return rl.keys.Name(namespace, "user", strconv.FormatInt(v.User.ID, 10)), true
	}, next, over)
}

// login limits POST /login by IP, then by the account named in the login
// field (trimmed and lower-cased), whatever IP it comes from: see
// ratelimit.Limits.LoginPerAccount. The IP is checked first, so a client
// over its limit does not use up an account's allowance.
func (rl *limiter) login(ls ratelimit.Limits, next http.HandlerFunc) http.Handler {
	perAccount := rl.by(ls.LoginPerAccount(), func(w http.ResponseWriter, r *http.Request) (string, bool) {
		if !rl.s.parseForm(w, r) {
			return "", false
		}
		login := strings.ToLower(strings.TrimSpace(r.PostForm.Get("login")))
		if login == "" {
			return "", true
		}
		return rl.keys.Name("login", "account", login), true
	}, next)
	return rl.by(ls.Login, func(_ http.ResponseWriter, r *http.Request) (string, bool) {
		return rl.keys.IP("login", rl.s.clientIP(r)), true
	}, perAccount)
}
