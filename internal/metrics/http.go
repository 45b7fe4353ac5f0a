package metrics

import (
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// unmatchedRoute labels requests no route matched (a 405, or a request
// refused before routing), so raw paths never become labels.
const unmatchedRoute = "unmatched"

// httpMetrics counts requests by route pattern and status, with latency.
type httpMetrics struct {
	duration *prometheus.HistogramVec
	// observers caches each (route, status) histogram, sparing the hot
	// path the label hashing of WithLabelValues.
	observers sync.Map // observerKey -> prometheus.Observer
}

// observerKey picks out one series of the request histogram.
type observerKey struct {
	route  string
	status int
}

func newHTTPMetrics() *httpMetrics {
	return &httpMetrics{duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Subsystem: "http", Name: "request_duration_seconds",
		Help: "Time to answer HTTP requests, by ServeMux route pattern and status code; its _count counts requests.",
		// From half a millisecond (a click) to ten seconds.
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "code"})}
}

// ObserveRequest records one request: route is the ServeMux pattern that
// matched (r.Pattern), "" for none.
func (m *Metrics) ObserveRequest(route string, status int, took time.Duration) {
	if route == "" {
		route = unmatchedRoute
	}
	m.http.observer(route, status).Observe(took.Seconds())
}

// maxStatus is the highest status with a code label of its own.
const maxStatus = 599

// observer returns the series of route and status; statuses beyond 599
// share the code "other". Routes are patterns and statuses bounded, so
// the cache is too.
func (h *httpMetrics) observer(route string, status int) prometheus.Observer {
	if status < 0 || status > maxStatus {
		status = -1
	}
	key := observerKey{route, status}
	if o, ok := h.observers.Load(key); ok {
		return o.(prometheus.Observer)
	}
	code := "other" // only on the first request of a series
	if status >= 0 {
		code = strconv.Itoa(status)
	}
	o, _ := h.observers.LoadOrStore(key, h.duration.WithLabelValues(route, code))
	return o.(prometheus.Observer)
}
