package metrics

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// storeCollector reads the job queue, webhook deliveries, rewards, the last
// verification of the ledger and the database's size from the database at
// scrape time, under a timeout. The
// figures cover the whole installation, whichever instance is scraped.
// They are reused for a while after a scrape that read them all, so that
// several scrapers, or a short scrape interval, do not count the tables
// again and again.
//
// Rewards are read from the program counts the database's triggers keep
// beside the ledger (storage.ProgramCounts) rather than by a counter in the
// core: the count is exact across restarts and instances, nothing is
// counted for a credit whose transaction rolls back, and the read costs
// the same at any size.
type storeCollector struct {
	db             *storage.DB
	now            func() time.Time
	timeout, reuse time.Duration
	log            *slog.Logger

	jobs, jobAge, webhooks, rewards, size, up *prometheus.Desc
	ledgerOK, ledgerAt                        *prometheus.Desc

	mu     sync.Mutex
	last   []prometheus.Metric // the last complete reading
	readAt time.Time
}

func newStoreCollector(db *storage.DB, now func() time.Time, timeout, reuse time.Duration, log *slog.Logger) *storeCollector {
	desc := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName(namespace, "", name), help, labels, nil)
	}
	return &storeCollector{db: db, now: now, timeout: timeout, reuse: reuse, log: log,
		jobs: desc("jobs", "Jobs by state (queued, running, done, failed); done jobs are kept 30 days.", "state"),
		jobAge: desc("jobs_oldest_due_age_seconds",
			"How long the queued job due longest ago has waited past its due time; 0 when none is due."),
		webhooks: desc("webhook_deliveries", "Webhook deliveries by state (waiting, pending, succeeded, dead).", "state"),
		rewards:  desc("rewards", "Rewards credited in the ledger, by kind and status.", "kind", "status"),
		size:     desc("database_size_bytes", "Bytes the database takes on disk (SQLite: its pages, without the WAL)."),
		up:       desc("database_scrape_success", "1 when the scrape-time database queries succeeded, 0 otherwise."),
		ledgerOK: desc("ledger_verify_ok",
			"1 when the last verification of the ledger's hash chains found them whole, 0 when it found a break; absent before the first."),
		ledgerAt: desc("ledger_last_verified_timestamp_seconds",
			"When the last verification of the ledger's hash chains finished, in Unix seconds; 0 when it was never verified."),
	}
}

// Describe implements prometheus.Collector.
func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.jobs, c.jobAge, c.webhooks, c.rewards, c.size, c.up, c.ledgerOK, c.ledgerAt} {
		ch <- d
	}
}

// Collect implements prometheus.Collector. It replays the last complete
// reading while it is younger than reuse. A failed query leaves its metrics
// out and sets database_scrape_success to 0; the next scrape reads again.
func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock() // one reading at a time: concurrent scrapes share it
	defer c.mu.Unlock()
	now := c.now()
	read := c.last
	if read == nil || now.Sub(c.readAt) >= c.reuse {
		var complete bool
		read, complete = c.read(now)
		c.last, c.readAt = nil, time.Time{}
		if complete {
			c.last, c.readAt = read, now
		}
	}
	for _, m := range read {
		ch <- m
	}
}

// read queries every figure, and reports whether every query succeeded.
func (c *storeCollector) read(now time.Time) ([]prometheus.Metric, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	q := c.db.Read()
	var out []prometheus.Metric
	ok := true
	for _, collect := range []func(context.Context, *storage.Queries, time.Time) ([]prometheus.Metric, error){
		c.readJobs, c.readWebhooks, c.readRewards, c.readSize, c.readLedger,
	} {
		ms, err := collect(ctx, q, now)
		if err != nil {
			c.log.Warn("metrics: database query", "err", err)
			ok = false
		}
		out = append(out, ms...)
	}
	up := 0.0
	if ok {
		up = 1
	}
	return append(out, gauge(c.up, up)), ok
}

// gauge is a constant gauge of desc with its label values.
func gauge(desc *prometheus.Desc, v float64, labels ...string) prometheus.Metric {
	return prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, v, labels...)
}

func (c *storeCollector) readJobs(ctx context.Context, q *storage.Queries, now time.Time) ([]prometheus.Metric, error) {
	counts, err := q.JobCounts(ctx)
	if err != nil {
		return nil, err
	}
	runAt, due, err := q.OldestDueJob(ctx, now)
	if err != nil {
		return nil, err
	}
	var out []prometheus.Metric
	for _, state := range []string{referralhub.JobQueued, referralhub.JobRunning, referralhub.JobDone, referralhub.JobFailed} {
		out = append(out, gauge(c.jobs, float64(counts[state]), state))
	}
	age := 0.0
	if due {
		age = max(now.Sub(runAt).Seconds(), 0)
	}
	return append(out, gauge(c.jobAge, age)), nil
}

func (c *storeCollector) readWebhooks(ctx context.Context, q *storage.Queries, _ time.Time) ([]prometheus.Metric, error) {
	counts, err := q.WebhookDeliveryStates(ctx)
	if err != nil {
		return nil, err
	}
	var out []prometheus.Metric
	for _, state := range []string{referralhub.WebhookWaiting, referralhub.WebhookPending, referralhub.WebhookSucceeded, referralhub.WebhookDead} {
		out = append(out, gauge(c.webhooks, float64(counts[state]), state))
	}
	return out, nil
}

func (c *storeCollector) readRewards(ctx context.Context, q *storage.Queries, _ time.Time) ([]prometheus.Metric, error) {
	counts, err := q.RewardCounts(ctx)
	if err != nil {
		return nil, err
	}
	var out []prometheus.Metric
	for _, r := range counts {
		out = append(out, gauge(c.rewards, float64(r.Count), r.Kind, r.Status))
	}
	return out, nil
}

func (c *storeCollector) readSize(ctx context.Context, q *storage.Queries, _ time.Time) ([]prometheus.Metric, error) {
	n, err := q.DatabaseSize(ctx)
	if err != nil {
		return nil, err
	}
	return []prometheus.Metric{gauge(c.size, float64(n))}, nil
}

// readLedger reports the last verification of the ledger's hash chains
// (see core.Service.VerifyLedger), whichever instance or command ran it.
func (c *storeCollector) readLedger(ctx context.Context, q *storage.Queries, _ time.Time) ([]prometheus.Metric, error) {
	check, found, err := q.LastLedgerCheck(ctx)
	if err != nil {
		return nil, err
	}
	if !found {
		return []prometheus.Metric{gauge(c.ledgerAt, 0)}, nil
	}
	ok := 0.0
	if check.OK {
		ok = 1
	}
	return []prometheus.Metric{gauge(c.ledgerOK, ok), gauge(c.ledgerAt, float64(check.FinishedAt.Unix()))}, nil
}
