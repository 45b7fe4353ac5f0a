package metrics

import (
	"database/sql"

	"github.com/prometheus/client_golang/prometheus"
)

// poolCollector reports database/sql pool statistics by pool name.
type poolCollector struct {
	stats                                    func() map[string]sql.DBStats
	maxOpen, open, inUse, idle, waits, waitS *prometheus.Desc
}

func newPoolCollector(stats func() map[string]sql.DBStats) *poolCollector {
	desc := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName(namespace, "db", name), help, []string{"pool"}, nil)
	}
	return &poolCollector{stats: stats,
		maxOpen: desc("max_open_connections", "The pool's limit of open connections (0 is none)."),
		open:    desc("open_connections", "Open connections, in use or idle."),
		inUse:   desc("in_use_connections", "Connections in use."),
		idle:    desc("idle_connections", "Idle connections."),
		waits:   desc("wait_count_total", "Times a query waited for a free connection."),
		waitS:   desc("wait_duration_seconds_total", "Time spent waiting for a free connection."),
	}
}

// Describe implements prometheus.Collector.
func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.maxOpen, c.open, c.inUse, c.idle, c.waits, c.waitS} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	for pool, s := range c.stats() {
		gauge := func(d *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, pool)
		}
		gauge(c.maxOpen, float64(s.MaxOpenConnections))
		gauge(c.open, float64(s.OpenConnections))
		gauge(c.inUse, float64(s.InUse))
		gauge(c.idle, float64(s.Idle))
		ch <- prometheus.MustNewConstMetric(c.waits, prometheus.CounterValue, float64(s.WaitCount), pool)
		ch <- prometheus.MustNewConstMetric(c.waitS, prometheus.CounterValue, s.WaitDuration.Seconds(), pool)
	}
}
