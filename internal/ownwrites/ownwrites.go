// Package ownwrites keeps a browser's reads on the primary database right
// after a write of its own, while the reads that may lag would otherwise
// go to a streaming replica (REFERRALHUB_DATABASE_READ_URL) that has not
// replayed it yet: a new participant sees their dashboard, a redeemed
// reward its new balance, a changed setting its new value.
//
// After a request that may have written (any method but GET, HEAD and
// OPTIONS) and succeeded, the response carries the cookie rh_wrote with the
// primary's WAL position. A request carrying it reads from the primary
// until the replica has replayed that position; the first one that finds
// it replayed clears the cookie. Reads within the writing request itself
// all go to the primary. A request with an Authorization header (an API
// key) gets no cookie, and costs no query: API clients keep no cookies.
// Nothing depends on which instance a request
// lands on: the position travels with the browser.
package ownwrites

import (
	"context"
	"net/http"
)

// Cookie names the cookie holding the position of the browser's last write.
const Cookie = "rh_wrote"

// cookieAge bounds how long a write keeps a browser's reads on the primary
// when the replica never catches up (it is down): an hour.
const cookieAge = 3600

// everything is a position no replica reaches: reads marked with it go to
// the primary.
const everything = "FFFFFFFF/FFFFFFFF"

// Positions is the database's side: *storage.DB.
type Positions interface {
	// WritePosition is the primary's WAL position now ("" without a replica).
	WritePosition(ctx context.Context) (string, error)
	// ReplicaHas reports whether the replica has replayed pos.
	ReplicaHas(ctx context.Context, pos string) (bool, error)
	// ReadAfter marks ctx so its lagging reads see pos.
	ReadAfter(ctx context.Context, pos string) context.Context
}

// Middleware keeps each browser's reads after its own writes on the
// primary; secure marks the cookie Secure (an https base URL).
func Middleware(db Positions, secure bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ww := &writer{ResponseWriter: w, r: r, db: db, secure: secure, wrote: !safe(r.Method)}
			ctx := r.Context()
			if ww.wrote {
				ctx = db.ReadAfter(ctx, everything)
			} else if c, err := r.Cookie(Cookie); err == nil {
				if has, err := db.ReplicaHas(ctx, c.Value); err != nil || !has {
					ctx = db.ReadAfter(ctx, c.Value)
				} else {
					ww.clear = true
				}
			}
			if !ww.wrote && !ww.clear {
				next.ServeHTTP(w, r.WithContext(ctx))
				return
			}
			next.ServeHTTP(ww, r.WithContext(ctx))
		})
	}
}

// safe reports whether method only reads.
func safe(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// writer sets or clears the cookie just before the response's headers go.
type writer struct {
	http.ResponseWriter
	r      *http.Request
	db     Positions
	secure bool
	wrote  bool // the request may have written: set the cookie
	clear  bool // the replica has the browser's last write: clear it
	done   bool
}

func (w *writer) WriteHeader(status int) {
	if !w.done {
		w.done = true
		w.cookie(status)
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *writer) Write(b []byte) (int, error) {
	if !w.done {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *writer) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// cookie adds the Set-Cookie the response needs: the primary's position
// after a successful write, or the clearing of a replayed one. A failed
// write leaves the browser's cookie as it was.
func (w *writer) cookie(status int) {
	c := &http.Cookie{Name: Cookie, Path: "/", HttpOnly: true, Secure: w.secure, SameSite: http.SameSiteLaxMode}
	switch {
	case w.wrote && status < 400 && w.r.Header.Get("Authorization") == "":
		pos, err := w.db.WritePosition(w.r.Context())
		if err != nil || pos == "" {
			return
		}
		c.Value, c.MaxAge = pos, cookieAge
	case w.clear:
		c.MaxAge = -1
	default:
		return
	}
	http.SetCookie(w.ResponseWriter, c)
}
