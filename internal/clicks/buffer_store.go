package clicks

import (
	"context"
	"time"

	"github.com/referralhub/referralhub"
)

// Retries of a batch the database could not take: the first after
// retryFirst, each wait twice the last, up to retryMax.
const (
	retryFirst = 200 * time.Millisecond
	retryMax   = 10 * time.Second
	// retryLogEvery spaces the warnings of an outage that goes on.
	retryLogEvery = 30 * time.Second
	// shutdownAttempts is how often a batch is tried after Close when the
	// spool keeps it anyway: the next start writes it.
	shutdownAttempts = 3
	// writeTimeout bounds one insert.
	writeTimeout = 30 * time.Second
)

// storeLoop writes the segments the journal hands over to the database,
// oldest first, a batch at a time, until the journal has ended and every
// segment is stored, or until it must give up (see writeRetrying).
func (b *Buffer) storeLoop() {
	defer close(b.stored)
	for {
		batch, ok := b.nextBatch()
		if !ok || !b.storeSegments(batch) {
			return
		}
	}
}

// nextBatch waits for segments and returns the oldest ones, as many as
// fit in one batch (at least one); ok is false when there will be none.
func (b *Buffer) nextBatch() (batch []segment, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for len(b.segs) == 0 {
		progress := b.progress
		b.mu.Unlock()
		select {
		case <-progress:
		case <-b.journaled:
		case <-b.halt.Done():
		}
		b.mu.Lock()
		if len(b.segs) == 0 && (b.halt.Err() != nil || isClosed(b.journaled)) {
			return nil, false
		}
	}
	n, i := 0, 0
	for i < len(b.segs) && (i == 0 || n+b.segs[i].n <= b.batch) {
		n += b.segs[i].n
		i++
	}
	return append([]segment(nil), b.segs[:i]...), true
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// storeSegments writes a batch of segments, reading back from the spool
// the clicks only it holds, and forgets them once stored. It returns false
// when it gave up, leaving them queued.
func (b *Buffer) storeSegments(batch []segment) bool {
	var clicks []referralhub.Click
	b.onDisk = true
	for _, seg := range batch {
		b.onDisk = b.onDisk && seg.file != ""
		if seg.clicks != nil {
			clicks = append(clicks, seg.clicks...)
			continue
		}
		clicks = append(clicks, b.readBack(seg)...)
	}
	for start := 0; start < len(clicks); start += b.batch {
		if !b.writeRetrying(clicks[start:min(start+b.batch, len(clicks))]) {
			return false
		}
	}
	b.commit(batch)
	return true
}

// readBack reads a segment's clicks from its spool file. Clicks it cannot
// read back are counted as dropped and logged.
func (b *Buffer) readBack(seg segment) []referralhub.Click {
	clicks, torn, err := readSpoolFile(seg.file)
	switch {
	case err != nil:
		b.log.Error("click spool: cannot read a file back; its clicks are dropped", "file", seg.file, "clicks", seg.n, "err", err)
	case torn:
		b.log.Error("click spool: " + describeTorn(seg.file, len(clicks)))
	}
	if missing := seg.n - len(clicks); missing > 0 {
		b.refusedRows.Add(int64(missing))
	}
	return clicks
}

// commit forgets stored segments and deletes their files.
func (b *Buffer) commit(batch []segment) {
	inMemory := 0
	for _, seg := range batch {
		if b.spool != nil {
			b.spool.remove(seg)
		}
		if seg.clicks == nil {
			b.spooled.Add(-int64(seg.n))
		} else {
			inMemory += seg.n
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.segs = b.segs[len(batch):]
	b.inMemory -= inMemory
	b.committed = batch[len(batch)-1].seq
	b.notify()
}

// writeRetrying writes clicks, trying again with backoff for as long as
// the database fails, until it takes them. Rows it refuses are isolated
// and dropped. It gives up (false) only when Close's context has ended,
// or after shutdownAttempts once Close was called, when the spool keeps
// the clicks for the next start.
func (b *Buffer) writeRetrying(clicks []referralhub.Click) bool {
	delay, began, logged := retryFirst, time.Now(), time.Time{}
	for attempt := 1; ; attempt++ {
		err := b.write1(clicks)
		switch {
		case err == nil:
			b.flushed.Add(int64(len(clicks)))
			if attempt > 1 {
				b.log.Info("clicks stored again after the database failed", "attempts", attempt, "outage", time.Since(began))
			}
			return true
		case b.refused(err):
			return b.isolate(clicks, err)
		case b.halt.Err() != nil:
			return false
		case b.stopping() && b.onDisk && attempt >= shutdownAttempts:
			b.log.Warn("database unavailable at shutdown", "err", err)
			return false
		}
		if time.Since(logged) >= retryLogEvery {
			logged = time.Now()
			b.log.Warn("database unavailable: clicks wait and are tried again", "err", err, "attempts", attempt,
				"pending", b.Stats().Pending, "retry_in", delay)
		}
		if !b.sleep(delay) {
			return false
		}
		delay = min(delay*2, retryMax)
	}
}

// stopping reports whether Close has been called.
func (b *Buffer) stopping() bool { return isClosed(b.stop) }

// sleep waits d, cut short when Close is called and the spool keeps the
// batch; false when Close's context ended.
func (b *Buffer) sleep(d time.Duration) bool {
	var stop chan struct{}
	if b.onDisk {
		stop = b.stop
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-stop:
	case <-b.halt.Done():
		return false
	}
	return true
}

// write1 makes one insert of clicks.
func (b *Buffer) write1(clicks []referralhub.Click) error {
	ctx, cancel := context.WithTimeout(b.halt, writeTimeout)
	defer cancel()
	return b.write(ctx, clicks)
}

// isolate narrows a batch the database refused (err) down to the rows it
// refuses, writing each half once: one bad click costs only itself. The
// halves that fail for another reason are retried as any batch.
func (b *Buffer) isolate(clicks []referralhub.Click, err error) bool {
	if len(clicks) == 1 {
		b.refusedRows.Add(1)
		b.log.Error("dropping a click the database refused", "click", clicks[0].ID, "err", err)
		return true
	}
	mid := len(clicks) / 2
	for _, half := range [][]referralhub.Click{clicks[:mid], clicks[mid:]} {
		herr := b.write1(half)
		ok := true
		switch {
		case herr == nil:
			b.flushed.Add(int64(len(half)))
		case b.refused(herr):
			ok = b.isolate(half, herr)
		default:
			ok = b.writeRetrying(half)
		}
		if !ok {
			return false
		}
	}
	return true
}
