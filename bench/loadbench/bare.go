package main

import (
	"context"
	"fmt"
	"net/http"

	"github.com/referralhub/referralhub/internal/storage"
)

// serveBare is the baseline: a bare Go handler that answers 302 from an
// in-memory map of every code, with no cookie, no click record and no log.
func serveBare(ctx context.Context, o options) error {
	codes, err := loadCodes(ctx, o.databaseURL, 0)
	if err != nil {
		return err
	}
	known := make(map[string]bool, len(codes))
	for _, c := range codes {
		known[c] = true
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /r/{code}", func(w http.ResponseWriter, r *http.Request) {
		if known[r.PathValue("code")] {
			http.Redirect(w, r, "/signup", http.StatusFound)
			return
		}
		http.Redirect(w, r, "/", http.StatusFound)
	})
	fmt.Printf("bare handler with %d codes on %s\n", len(known), o.addr)
	return http.ListenAndServe(o.addr, mux)
}

// loadCodes reads up to limit random codes (all when limit is 0).
func loadCodes(ctx context.Context, databaseURL string, limit int) ([]string, error) {
	db, err := storage.Open(ctx, databaseURL)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return db.Read().SampleCodes(ctx, limit)
}
