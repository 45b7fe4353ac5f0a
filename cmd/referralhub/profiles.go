package main

import (
	"net/http"
	"runtime/pprof"
	"strconv"
	"time"
)

// routeProfiles serves the runtime's heap, allocation and goroutine
// profiles at /debug/pprof/{name}, and a CPU profile of the next
// ?seconds=N at /debug/pprof/profile (20 by default, at most 25: the
// listener answers within 30 s); read them with "go tool pprof URL". They
// are for the private metrics listener only: they describe the process, and
// are not for the public site. ?debug=1 gives text instead of the binary
// format.
func routeProfiles(mux *http.ServeMux) {
	mux.HandleFunc("GET /debug/pprof/{name}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		if name == "profile" {
			cpuProfile(w, r)
			return
		}
		switch name {
		case "heap", "allocs", "goroutine":
		default:
			http.Error(w, "profiles: heap, allocs, goroutine, profile", http.StatusNotFound)
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

// cpuProfile writes a CPU profile of the next ?seconds=N seconds.
func cpuProfile(w http.ResponseWriter, r *http.Request) {
	secs, err := strconv.Atoi(r.URL.Query().Get("seconds"))
	if err != nil || secs <= 0 {
		secs = 20
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	if err := pprof.StartCPUProfile(w); err != nil {
		http.Error(w, "a CPU profile is already running", http.StatusConflict)
		return
	}
	select {
	case <-time.After(time.Duration(min(secs, 25)) * time.Second):
	case <-r.Context().Done():
	}
	pprof.StopCPUProfile()
}
