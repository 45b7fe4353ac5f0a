package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/referralhub/referralhub/internal/clicks"
)

// clickCollectors read the click buffer's own counters at scrape time, so
// the click path does no extra bookkeeping for metrics.
func clickCollectors(stats func() clicks.Stats) []prometheus.Collector {
	counter := func(name, help string, v func(clicks.Stats) int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: namespace, Subsystem: "clicks", Name: name, Help: help},
			func() float64 { return float64(v(stats())) })
	}
	return []prometheus.Collector{
		counter("buffered_total", "Clicks accepted into the click buffer.", func(s clicks.Stats) int64 { return s.Buffered }),
		counter("flushed_total", "Clicks written to the database.", func(s clicks.Stats) int64 { return s.Flushed }),
		counter("dropped_total", "Clicks dropped: the buffer was full or the database refused them.",
			func(s clicks.Stats) int64 { return s.Dropped }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: namespace, Subsystem: "clicks", Name: "pending",
			Help: "Clicks waiting in the buffer to be written."}, func() float64 { return float64(stats().Pending) }),
	}
}
