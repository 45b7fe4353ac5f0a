package metrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/referralhub/referralhub/internal/storage"
)

// storeCollector reads the job queue, webhook deliveries and rewards from
// the database at scrape time, under a timeout. The figures cover the
// whole installation, whichever instance is scraped.
//
// Rewards are counted from the ledger rather than by a counter in the
// core: the count is exact across restarts and instances, and nothing is
// counted for a credit whose transaction rolls back.
type storeCollector struct {
	db      *storage.DB
	now     func() time.Time
	timeout time.Duration
	log     *slog.Logger

	jobs, jobAge, webhooks, rewards, up *prometheus.Desc
}

func newStoreCollector(db *storage.DB, now func() time.Time, timeout time.Duration, log *slog.Logger) *storeCollector {
	desc := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName(namespace, "", name), help, labels, nil)
	}
	return &storeCollector{db: db, now: now, timeout: timeout, log: log,
		jobs: desc("jobs", "Jobs by state (queued, running, done, failed); done jobs are kept 30 days.", "state"),
		jobAge: desc("jobs_oldest_due_age_seconds",
			"How long the queued job due longest ago has waited past its due time; 0 when none is due."),
		webhooks: desc("webhook_deliveries", "Webhook deliveries by state (waiting, pending, succeeded, dead).", "state"),
		rewards:  desc("rewards", "Rewards credited in the ledger, by kind and status.", "kind", "status"),
		up:       desc("database_scrape_success", "1 when the scrape-time database queries succeeded, 0 otherwise."),
	}
}

// Describe implements prometheus.Collector.
func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.jobs, c.jobAge, c.webhooks, c.rewards, c.up} {
		ch <- d
	}
}

// Collect implements prometheus.Collector. A failed query leaves its
// metrics out and sets database_scrape_success to 0.
func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	q := c.db.Read()
	ok := 1.0
	for _, collect := range []func(context.Context, *storage.Queries, chan<- prometheus.Metric) error{
		c.collectJobs, c.collectWebhooks, c.collectRewards,
	} {
		if err := collect(ctx, q, ch); err != nil {
			c.log.Warn("metrics: database query", "err", err)
			ok = 0
		}
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, ok)
}

func (c *storeCollector) collectJobs(ctx context.Context, q *storage.Queries, ch chan<- prometheus.Metric) error {
	counts, err := q.JobCounts(ctx)
	if err != nil {
		return err
	}
	now := c.now()
	runAt, due, err := q.OldestDueJob(ctx, now)
	if err != nil {
		return err
	}
	for _, state := range []string{storage.JobQueued, storage.JobRunning, storage.JobDone, storage.JobFailed} {
		ch <- prometheus.MustNewConstMetric(c.jobs, prometheus.GaugeValue, float64(counts[state]), state)
	}
	age := 0.0
	if due {
		age = max(now.Sub(runAt).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(c.jobAge, prometheus.GaugeValue, age)
	return nil
}

func (c *storeCollector) collectWebhooks(ctx context.Context, q *storage.Queries, ch chan<- prometheus.Metric) error {
	counts, err := q.WebhookDeliveryStates(ctx)
	if err != nil {
		return err
	}
	for _, state := range []string{storage.WebhookWaiting, storage.WebhookPending, storage.WebhookSucceeded, storage.WebhookDead} {
		ch <- prometheus.MustNewConstMetric(c.webhooks, prometheus.GaugeValue, float64(counts[state]), state)
	}
	return nil
}

func (c *storeCollector) collectRewards(ctx context.Context, q *storage.Queries, ch chan<- prometheus.Metric) error {
	counts, err := q.RewardCounts(ctx)
	if err != nil {
		return err
	}
	for _, r := range counts {
		ch <- prometheus.MustNewConstMetric(c.rewards, prometheus.GaugeValue, float64(r.Count), r.Kind, r.Status)
	}
	return nil
}
