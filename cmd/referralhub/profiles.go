package main

import (
	"net/http"
	"runtime/pprof"
	"strconv"
)

// routeProfiles serves the runtime's heap, allocation and goroutine
// profiles at /debug/pprof/{name} (read them with "go tool pprof URL"),
// for the private metrics listener only: they describe the process, and
// are not for the public site. ?debug=1 gives text instead of the binary
// format.
func routeProfiles(mux *http.ServeMux) {
	mux.HandleFunc("GET /debug/pprof/{name}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		switch name {
		case "heap", "allocs", "goroutine":
		default:
			http.Error(w, "profiles: heap, allocs, goroutine", http.StatusNotFound)
			return
		}
		debug, _ := strconv.Atoi(r.URL.Query().Get("debug"))
		if debug > 0 {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		} else {
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		}
		pprof.Lookup(name).WriteTo(w, min(max(debug, 0), 2))
	})
}
