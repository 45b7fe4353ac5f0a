// Package metrics exposes ReferralHub's Prometheus metrics from a registry of
// its own (never the global default): HTTP requests by route and status,
// the click buffer, the job queue, webhook deliveries, rewards, the last
// verification of the ledger and the database pools.
//
// Process-local figures (requests, clicks, pools) are per instance. Figures
// read from the database at scrape time (jobs, webhook deliveries, rewards,
// the ledger's verification, the database's size) describe the whole installation, so every instance
// reports the same values: aggregate them with max, not sum. They are read
// at most once every Sources.Reuse per instance.
package metrics

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/referralhub/referralhub/internal/clicks"
	"github.com/referralhub/referralhub/internal/storage"
)

// namespace prefixes every ReferralHub metric.
const namespace = "referralhub"

// Sources are what the metrics read. A nil source leaves its metrics out.
type Sources struct {
	Clicks  func() clicks.Stats // the click buffer's counters
	DB      *storage.DB         // pools, and the queries run at scrape time
	Now     func() time.Time    // time.Now when nil
	Timeout time.Duration       // for the scrape-time queries; 2s when zero
	// Reuse is how long the database figures of one scrape serve the
	// next ones: DefaultReuse when zero, none when negative.
	Reuse time.Duration
	Log   *slog.Logger // scrape errors; discarded when nil
}

// DefaultReuse is how long one scrape's database figures are served again.
// Prometheus scrapes every 15 to 60 seconds, and alerts look at minutes.
const DefaultReuse = 15 * time.Second

// Metrics is a registry with ReferralHub's collectors. Create it with New.
type Metrics struct {
	reg  *prometheus.Registry
	http *httpMetrics
	log  *slog.Logger
}

// New registers every collector that sources allow on a new registry.
func New(src Sources) *Metrics {
	if src.Now == nil {
		src.Now = time.Now
	}
	if src.Timeout <= 0 {
		src.Timeout = 2 * time.Second
	}
	if src.Reuse == 0 {
		src.Reuse = DefaultReuse
	}
	if src.Log == nil {
		src.Log = slog.New(slog.DiscardHandler)
	}
	reg := prometheus.NewRegistry()
	m := &Metrics{reg: reg, http: newHTTPMetrics(), log: src.Log}
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(m.http.duration)
	if src.Clicks != nil {
		reg.MustRegister(clickCollectors(src.Clicks)...)
	}
	if src.DB != nil {
		reg.MustRegister(newPoolCollector(src.DB.PoolStats), newStoreCollector(src.DB, src.Now, src.Timeout, src.Reuse, src.Log))
	}
	return m
}

// Registry returns the registry, to gather from in tests or to add to.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus text (or OpenMetrics)
// format. A collector that fails leaves its metrics out; the rest are
// served.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(m.log.Handler(), slog.LevelWarn),
		ErrorHandling: promhttp.ContinueOnError,
		Timeout:       10 * time.Second,
	})
}
