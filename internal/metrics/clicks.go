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
	gauge := func(name, help string, v func(clicks.Stats) int64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: namespace, Subsystem: "clicks", Name: name, Help: help},
			func() float64 { return float64(v(stats())) })
	}
	return []prometheus.Collector{
		counter("buffered_total", "Clicks accepted into the click buffer.", func(s clicks.Stats) int64 { return s.Buffered }),
		counter("flushed_total", "Clicks written to the database.", func(s clicks.Stats) int64 { return s.Flushed }),
		counter("dropped_total", "Clicks dropped: offered while the buffer was full, or refused by the database as invalid.",
			func(s clicks.Stats) int64 { return s.Dropped }),
		gauge("pending", "Clicks not yet stored in the database: in memory and in the spool.",
			func(s clicks.Stats) int64 { return s.Pending }),
		gauge("spooled", "Clicks not yet stored that only the spool holds (past the memory bound, or left by an earlier process).",
			func(s clicks.Stats) int64 { return s.Spooled }),
		gauge("spool_bytes", "The size of the click spool's files.", func(s clicks.Stats) int64 { return s.SpoolBytes }),
	}
}
