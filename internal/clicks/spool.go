package clicks

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/referralhub/referralhub"
)

// Spool keeps clicks on the local disk until the database has them: every
// click the buffer accepts is appended to a spool file, in order, and the
// file is deleted once its clicks are stored. Clicks left by a process
// that crashed are written by the next one to open the spool.
//
// Several processes may share one directory: each takes a slot (a
// subdirectory it holds a lock on while it runs) and writes only there;
// the files in a slot nobody holds are taken over by whoever opens next.
type Spool struct {
	dir      string // this process's slot
	lock     *os.File
	maxBytes int64
	next     uint64       // the number of the next file; only the buffer's journal uses it after open
	bytes    atomic.Int64 // the size of the spool's files
	left     []segment    // files of earlier processes, oldest first, to write before new clicks
}

// SpoolConfig places and bounds a Spool.
type SpoolConfig struct {
	Dir      string // made if missing, mode 0700
	MaxBytes int64  // past this size, new clicks stay in memory only
}

// maxSlots bounds the processes sharing one spool directory.
const maxSlots = 64

// spoolExt ends the name of every spool file.
const spoolExt = ".clicks"

// OpenSpool takes a free slot under cfg.Dir and lists the clicks left
// there, and in every slot no running process holds, to be written
// first. Close releases the slot.
func OpenSpool(cfg SpoolConfig, log *slog.Logger) (*Spool, error) {
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("click spool: %w", err)
	}
	s := &Spool{maxBytes: cfg.MaxBytes}
	for slot := range maxSlots {
		dir := filepath.Join(cfg.Dir, strconv.Itoa(slot))
		lock, ok, err := lockSlot(dir)
		if err != nil {
			return nil, fmt.Errorf("click spool: %w", err)
		}
		if ok {
			s.dir, s.lock = dir, lock
			break
		}
	}
	if s.lock == nil {
		return nil, fmt.Errorf("click spool: all %d slots of %s are held by running processes", maxSlots, cfg.Dir)
	}
	if err := s.gather(cfg.Dir, log); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// lockSlot makes a slot's directory and takes its lock; ok is false when
// another process holds it.
func lockSlot(dir string) (lock *os.File, ok bool, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, err
	}
	lock, err = os.OpenFile(filepath.Join(dir, "lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false, err
	}
	if ok, err = tryLock(lock); !ok {
		lock.Close()
		return nil, false, err
	}
	return lock, true, nil
}

// gather lists the files left in this slot, and moves into it those of
// every slot no process holds, numbered after them, so they are written
// before the clicks this process takes.
func (s *Spool) gather(root string, log *slog.Logger) error {
	own, err := spoolFiles(s.dir)
	if err != nil {
		return fmt.Errorf("click spool: %w", err)
	}
	for _, f := range own {
		s.next = max(s.next, fileNumber(f)+1)
	}
	slots, _ := filepath.Glob(filepath.Join(root, "*", "lock"))
	for _, l := range slots {
		if dir := filepath.Dir(l); dir != s.dir {
			moved, err := s.adopt(dir)
			if err != nil {
				log.Warn("click spool: could not take over a stopped process's clicks", "slot", dir, "err", err)
			}
			own = append(own, moved...)
		}
	}
	for _, path := range own {
		s.addLeftover(path, log)
	}
	if len(s.left) > 0 {
		return syncDir(s.dir)
	}
	return nil
}

// adopt moves the files of the slot at dir into this one, if no running
// process holds it, and returns their new paths.
func (s *Spool) adopt(dir string) ([]string, error) {
	lock, ok, err := lockSlot(dir)
	if err != nil || !ok {
		return nil, err
	}
	defer lock.Close()
	files, err := spoolFiles(dir)
	var moved []string
	for _, f := range files {
		to := s.path(s.next)
		if err := os.Rename(f, to); err != nil {
			return moved, err
		}
		s.next++
		moved = append(moved, to)
	}
	return moved, err
}

// addLeftover reads a file left by an earlier process and queues its
// clicks; an empty file is deleted.
func (s *Spool) addLeftover(path string, log *slog.Logger) {
	clicks, torn, err := readSpoolFile(path)
	if err != nil {
		log.Error("click spool: unreadable file left in place", "file", path, "err", err)
		return
	}
	if torn {
		log.Warn("click spool: " + describeTorn(path, len(clicks)))
	}
	if len(clicks) == 0 {
		os.Remove(path)
		return
	}
	var size int64
	if info, err := os.Stat(path); err == nil {
		size = info.Size()
	}
	s.bytes.Add(size)
	s.left = append(s.left, segment{seq: fileNumber(path), file: path, n: len(clicks), size: size})
}

// spoolFiles lists a slot's spool files, oldest first.
func spoolFiles(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*"+spoolExt))
	slices.SortFunc(files, func(a, b string) int { return cmp.Compare(fileNumber(a), fileNumber(b)) })
	return files, err
}

// path is the file of segment seq in this slot.
func (s *Spool) path(seq uint64) string {
	return filepath.Join(s.dir, fmt.Sprintf("%016d%s", seq, spoolExt))
}

// fileNumber is the number in a spool file's name.
func fileNumber(path string) uint64 {
	n, _ := strconv.ParseUint(strings.TrimSuffix(filepath.Base(path), spoolExt), 10, 64)
	return n
}

// Bytes is the size of the spool's files.
func (s *Spool) Bytes() int64 { return s.bytes.Load() }

// full reports whether the spool has reached its size limit.
func (s *Spool) full() bool { return s.maxBytes > 0 && s.bytes.Load() >= s.maxBytes }

// remove deletes the file of a segment whose clicks are stored. A delete
// lost in a crash costs only a second, harmless, write of its clicks.
func (s *Spool) remove(seg segment) {
	if seg.file == "" {
		return
	}
	if err := os.Remove(seg.file); err == nil || errors.Is(err, os.ErrNotExist) {
		s.bytes.Add(-seg.size)
	}
}

// Close releases the spool's slot. Its files stay for the next process.
func (s *Spool) Close() error {
	if s.lock == nil {
		return nil
	}
	err := s.lock.Close()
	s.lock = nil
	return err
}

// spoolWriter appends clicks to one new spool file.
type spoolWriter struct {
	s    *Spool
	f    *os.File
	w    *bufio.Writer
	size int64
	buf  []byte
}

// create starts spool file number seq.
func (s *Spool) create(seq uint64) (*spoolWriter, error) {
	f, err := os.OpenFile(s.path(seq), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	w := &spoolWriter{s: s, f: f, w: bufio.NewWriterSize(f, 64<<10), buf: make([]byte, 0, 1024)}
	if err := w.write([]byte(spoolMagic)); err != nil {
		w.abandon()
		return nil, err
	}
	if err := syncDir(s.dir); err != nil { // the new name survives a power cut too
		w.abandon()
		return nil, err
	}
	return w, nil
}

func (w *spoolWriter) write(b []byte) error {
	n, err := w.w.Write(b)
	w.size += int64(n)
	w.s.bytes.Add(int64(n))
	return err
}

// append writes c's record into the file's buffer.
func (w *spoolWriter) append(c referralhub.Click) error {
	w.buf = appendRecord(w.buf[:0], c)
	return w.write(w.buf)
}

// flush hands what is buffered to the operating system: from then on a
// crash of the process (kill -9) does not lose it, only one of the machine.
func (w *spoolWriter) flush() error { return w.w.Flush() }

// sync flushes and then forces the file to the disk.
func (w *spoolWriter) sync() error {
	if err := w.w.Flush(); err != nil {
		return err
	}
	return w.f.Sync()
}

// finish syncs and closes the file.
func (w *spoolWriter) finish() error {
	err := w.sync()
	return errors.Join(err, w.f.Close())
}

// abandon closes and deletes a file that could not be written.
func (w *spoolWriter) abandon() {
	w.f.Close()
	if os.Remove(w.f.Name()) == nil {
		w.s.bytes.Add(-w.size)
	}
}

// syncDir forces a directory's entries (new and renamed files) to disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
