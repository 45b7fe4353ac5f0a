// Package ratelimit counts requests per key against limits such as "5 a
// minute", in memory or in Redis, so that several instances can share
// them. It knows nothing of HTTP: the web face decides what a key is and
// what to answer when a request is over its limit.
package ratelimit

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Limit allows Count requests per Per: a burst of Count, refilled evenly
// over Per (a token bucket, or GCRA, which is the same thing). The zero
// Limit is off: it allows everything.
type Limit struct {
	Count int
	Per   time.Duration
}

// Bounds of a Limit, so that a typo cannot make a limit meaningless.
const (
	maxCount = 1_000_000
	minPer   = time.Second
	maxPer   = 24 * time.Hour
)

// Off reports whether the limit allows everything.
func (l Limit) Off() bool { return l.Count <= 0 || l.Per <= 0 }

// interval is the time one request's allowance takes to come back.
func (l Limit) interval() time.Duration { return l.Per / time.Duration(l.Count) }

// String gives the limit as Parse reads it: "5/1m", or "off".
func (l Limit) String() string {
	if l.Off() {
		return "off"
	}
	per := l.Per.String()
	switch {
	case l.Per%time.Hour == 0:
		per = strconv.FormatInt(int64(l.Per/time.Hour), 10) + "h"
	case l.Per%time.Minute == 0:
		per = strconv.FormatInt(int64(l.Per/time.Minute), 10) + "m"
	}
	return strconv.Itoa(l.Count) + "/" + per
}

// Parse reads a limit written as count/duration ("5/1m", "120/1m",
// "5/1h"; a bare unit counts as one of it, so "5/m" is "5/1m") or "off".
func Parse(s string) (Limit, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "off") {
		return Limit{}, nil
	}
	count, per, ok := strings.Cut(s, "/")
	if !ok {
		return Limit{}, fmt.Errorf("must be count/duration, like 5/1m, or off (got %q)", s)
	}
	n, err := strconv.Atoi(strings.TrimSpace(count))
	if err != nil || n < 1 || n > maxCount {
		return Limit{}, fmt.Errorf("the count must be a whole number from 1 to %d, like the 5 in 5/1m (got %q)", maxCount, s)
	}
	per = strings.TrimSpace(per)
	if per != "" && (per[0] < '0' || per[0] > '9') {
		per = "1" + per
	}
	d, err := time.ParseDuration(per)
	if err != nil || d < minPer || d > maxPer {
		return Limit{}, fmt.Errorf("the duration must be from 1s to 24h, like the 1m in 5/1m (got %q)", s)
	}
	return Limit{Count: n, Per: d}, nil
}

// Result is a limiter's answer for one request.
type Result struct {
	Allowed    bool
	RetryAfter time.Duration // when denied: how long until a request would be allowed
	Remaining  int           // requests still allowed right now, after this one
}

// Limiter counts requests per key. Each call counts one request against
// l under key; keys should be namespaced by what they limit
// ("signup:ip:…"), since one key shares one count whatever the limit. A
// limit that is off allows everything without counting.
//
// An error means the limiter could not decide; callers allow the request
// (fail open) rather than take the site down with their store.
type Limiter interface {
	Allow(ctx context.Context, key string, l Limit) (Result, error)
}

// Limits are the site's limits by what they protect. A Limit that is off
// turns its check off.
type Limits struct {
	Signup Limit // POST /signup, per IP
	Login  Limit // POST /login, per IP; each account gets LoginPerAccount
	Click  Limit // GET /r/{code}, per IP: generous, so an office can share a link
	Verify Limit // POST /verify-email/resend and POST /invites per user, and POST /password-reset per IP
	API    Limit // the JSON API, per key
}

// LoginPerAccount is the limit on logins to one account (by the login
// field, whatever IPs they come from): half of Login's count, rounded up,
// over the same period. One IP may be an office of several people, while
// one account is one person, so the account gets the smaller share.
func (ls Limits) LoginPerAccount() Limit {
	if ls.Login.Off() {
		return Limit{}
	}
	return Limit{Count: (ls.Login.Count + 1) / 2, Per: ls.Login.Per}
}
