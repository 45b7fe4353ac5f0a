package clicks

import (
	"errors"
	"time"

	"github.com/referralhub/referralhub"
)

// segment is a run of clicks stored in one go: those accepted within one
// flush interval (at most a batch), or a file an earlier process left.
type segment struct {
	seq    uint64
	file   string // its spool file; "" when it has none
	n      int    // its clicks
	size   int64  // its file's size
	clicks []referralhub.Click
	// clicks is nil when only the file holds them (spilled, or left by an
	// earlier process); w writes the file while the segment is open.
	w *spoolWriter
}

// syncInterval is the longest a click waits in the operating system's
// cache before its spool file is forced to disk.
const syncInterval = time.Second

// errSpoolFull is the spool at its size limit.
var errSpoolFull = errors.New("at its size limit: new clicks wait in memory only")

// journal takes clicks from the queue into the open segment, appending
// each to its spool file, until Close. It hands the segment to the store
// loop each flush interval, or when it holds a batch. The file reaches the
// operating system whenever the queue is empty (from then on a crash of
// the process loses nothing) and the disk every syncInterval.
func (b *Buffer) journal() {
	defer close(b.journaled)
	rotate, sync := time.NewTicker(b.interval), time.NewTicker(min(syncInterval, b.interval))
	defer rotate.Stop()
	defer sync.Stop()
	var (
		cur      *segment
		reported int64 // drops already logged
	)
	for {
		select {
		case c := <-b.queue:
			cur = b.take(cur, c)
			if len(b.queue) == 0 && cur != nil && cur.w != nil {
				b.fileDone(cur, cur.w.flush())
			}
		case <-rotate.C:
			cur = b.rotate(cur)
			reported = b.reportDrops(reported)
		case <-sync.C:
			if cur != nil && cur.w != nil {
				b.fileDone(cur, cur.w.sync())
			}
		case reply := <-b.flushReq:
			cur = b.rotate(b.drainQueue(cur))
			b.mu.Lock()
			reply <- b.lastQueued
			b.mu.Unlock()
		case <-b.stop:
			b.rotate(b.drainQueue(cur))
			return
		case <-b.halt.Done():
			b.rotate(cur) // its file, synced, is for the next start to write
			return
		}
	}
}

// drainQueue takes every click queued now into the segment.
func (b *Buffer) drainQueue(cur *segment) *segment {
	for {
		select {
		case c := <-b.queue:
			cur = b.take(cur, c)
		default:
			return cur
		}
	}
}

// take adds c to the open segment, opening one if needed, and hands the
// segment over once it holds a batch or the spool is full.
func (b *Buffer) take(cur *segment, c referralhub.Click) *segment {
	if cur == nil {
		cur = b.open()
	}
	if cur.w != nil {
		b.fileDone(cur, cur.w.append(c))
	}
	cur.clicks = append(cur.clicks, c)
	cur.n++
	if cur.n >= b.batch || (cur.w != nil && b.spool.full()) {
		return b.rotate(cur)
	}
	return cur
}

// open starts a segment, with a spool file when the spool can take one.
func (b *Buffer) open() *segment {
	seg := &segment{seq: b.nextSeq, clicks: make([]referralhub.Click, 0, min(b.batch, 1024))}
	b.nextSeq++
	if b.spool == nil {
		return seg
	}
	if b.spool.full() {
		b.spoolFailed(errSpoolFull)
		return seg
	}
	w, err := b.spool.create(seg.seq)
	if err != nil {
		b.spoolFailed(err)
		return seg
	}
	seg.w, seg.file = w, b.spool.path(seg.seq)
	return seg
}

// fileDone deals with the outcome of a write to a segment's file: after a
// failure the file is deleted, and the segment's clicks (all still in
// memory) go on without one.
func (b *Buffer) fileDone(seg *segment, err error) {
	if err == nil {
		return
	}
	b.spoolFailed(err)
	seg.w.abandon()
	seg.w, seg.file = nil, ""
}

// rotate closes the open segment, syncing its file, and hands it to the
// store loop. It returns nil: the next click opens a new segment.
func (b *Buffer) rotate(cur *segment) *segment {
	if cur == nil || cur.n == 0 {
		return nil
	}
	if cur.w != nil {
		size, err := cur.w.size, cur.w.finish()
		b.fileDone(cur, err)
		if err == nil {
			cur.size, cur.w = size, nil
			b.spoolWorks()
		}
	}
	b.hand(*cur)
	return nil
}

// hand queues a closed segment for the store loop. Past the memory bound
// a segment with a file keeps its clicks there only; one without waits
// for room, so the queue fills and new clicks are dropped.
func (b *Buffer) hand(seg segment) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for seg.file == "" && b.inMemory > 0 && b.inMemory+seg.n > b.memLimit && b.halt.Err() == nil {
		progress := b.progress
		b.mu.Unlock()
		select {
		case <-progress:
		case <-b.halt.Done():
		}
		b.mu.Lock()
	}
	if seg.file != "" && b.inMemory+seg.n > b.memLimit {
		seg.clicks = nil
		b.spooled.Add(int64(seg.n))
	} else {
		b.inMemory += seg.n
	}
	b.segs = append(b.segs, seg)
	b.lastQueued = seg.seq
	b.notify()
}

// spoolFailed records why the spool cannot take clicks, logging the first
// failure of a run of them.
func (b *Buffer) spoolFailed(err error) {
	b.mu.Lock()
	first := b.spoolErr == nil
	b.spoolErr = err
	b.mu.Unlock()
	if first {
		b.log.Error("click spool: cannot write; clicks wait in memory only", "err", err)
	}
}

// spoolWorks clears a spool failure once a file was written whole.
func (b *Buffer) spoolWorks() {
	b.mu.Lock()
	was := b.spoolErr
	b.spoolErr = nil
	b.mu.Unlock()
	if was != nil {
		b.log.Info("click spool: writing again")
	}
}

// reportDrops logs clicks dropped since the last report, so a buffer that
// is too small for the traffic shows up in the log.
func (b *Buffer) reportDrops(reported int64) int64 {
	dropped := b.rejected.Load()
	if dropped > reported {
		b.log.Warn("click buffer full: clicks dropped", "since_last_report", dropped-reported, "total", dropped)
	}
	return dropped
}
