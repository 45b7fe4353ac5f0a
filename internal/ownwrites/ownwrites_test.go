package ownwrites_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/ownwrites"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// site is a face over a database with a replica: POST /join?name= makes a
// user on the primary, and GET /seen?name= answers whether the lagging
// reads find them, and whether they ran on a standby.
func site(t *testing.T, db *storage.DB) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /join", func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("name")
		u := referralhub.User{Email: name + "@example.com", Username: name, CreatedAt: time.Now()}
		if err := db.Write().CreateUser(r.Context(), &u, "hash"); err != nil {
			http.Error(w, err.Error(), http.StatusConflict)
			return
		}
		http.Redirect(w, r, "/seen?name="+name, http.StatusSeeOther)
	})
	mux.HandleFunc("GET /seen", func(w http.ResponseWriter, r *http.Request) {
		q := db.Replica(r.Context())
		_, _, err := q.UserForLogin(r.Context(), r.URL.Query().Get("name"))
		standby, serr := q.Standby(r.Context())
		if serr != nil {
			t.Error(serr)
		}
		fmt.Fprintf(w, "seen=%v standby=%v", err == nil, standby)
	})
	return ownwrites.Middleware(db, false)(mux)
}

// do sends method path with cookie (when not nil) and returns the body and
// the rh_wrote cookie the response set, if any.
func do(t *testing.T, h http.Handler, method, path string, cookie *http.Cookie) (string, *http.Cookie) {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	if cookie != nil {
		req.AddCookie(cookie)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == ownwrites.Cookie {
			return rec.Body.String(), c
		}
	}
	return rec.Body.String(), nil
}

// TestOwnWriteReadFromThePrimaryWhileTheReplicaLags runs on a real
// streaming replica whose replay is paused: after a browser's write, its
// reads come from the primary and see the write, while another browser's
// come from the lagging replica; once the replica replays it, the cookie
// is cleared and the reads go back to the replica.
func TestOwnWriteReadFromThePrimaryWhileTheReplicaLags(t *testing.T) {
	ctx := context.Background()
	url := storagetest.URL(t, "postgres")
	replicaURL := storagetest.ReplicaURL(t, url)
	db, err := storage.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := db.OpenReplica(ctx, replicaURL); err != nil {
		t.Fatal(err)
	}
	h := site(t, db)

	// Without a write of its own, a browser reads from the replica.
	storagetest.WaitFor(t, "the schema on the replica", func() bool {
		body, _ := do(t, h, "GET", "/seen?name=nobody", nil)
		return body == "seen=false standby=true"
	})

	resume := storagetest.PauseReplay(t, replicaURL)
	_, wrote := do(t, h, "POST", "/join?name=alice", nil)
	if wrote == nil || wrote.Value == "" || wrote.MaxAge <= 0 || !wrote.HttpOnly {
		t.Fatalf("after a write, cookie = %+v; want the primary's position", wrote)
	}
	if body, c := do(t, h, "GET", "/seen?name=alice", wrote); body != "seen=true standby=false" || c != nil {
		t.Errorf("own read while the replica lags: %q (cookie %+v); want alice seen on the primary, the cookie kept", body, c)
	}
	if body, _ := do(t, h, "GET", "/seen?name=alice", nil); body != "seen=false standby=true" {
		t.Errorf("another browser's read: %q; want the lagging replica, without alice", body)
	}
	if _, c := do(t, h, "POST", "/join?name=alice", wrote); c != nil {
		t.Errorf("a failed write set cookie %+v; want the browser's left as it was", c)
	}
	req := httptest.NewRequest("POST", "/join?name=apikey", nil)
	req.Header.Set("Authorization", "Bearer rh_test")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther || len(rec.Result().Cookies()) != 0 {
		t.Errorf("an API write: %d, cookies %v; want 303 and no cookie", rec.Code, rec.Result().Cookies())
	}

	resume()
	storagetest.WaitFor(t, "the replica to replay alice", func() bool {
		has, err := db.ReplicaHas(ctx, wrote.Value)
		return err == nil && has
	})
	body, c := do(t, h, "GET", "/seen?name=alice", wrote)
	if body != "seen=true standby=true" || c == nil || c.MaxAge >= 0 {
		t.Errorf("own read once replayed: %q (cookie %+v); want alice seen on the replica, the cookie cleared", body, c)
	}
}
