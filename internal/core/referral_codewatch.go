package core

import (
	"context"
	"time"

	"github.com/referralhub/referralhub/internal/storage"
)

// CodeWatchEvery is how often an instance checks whether codes changed
// elsewhere: a code banned or retired on one instance stops resolving on
// the others within about this long.
const CodeWatchEvery = time.Second

// CheckCodes empties this instance's code cache when the codes' version in
// the database moved since the last check (a ban or a deletion on any
// instance bumps it in its transaction). The first check only notes the
// version. It reports whether the cache was emptied.
func (s *Service) CheckCodes(ctx context.Context) (bool, error) {
	v, err := s.db.Read().CacheVersion(ctx, storage.CacheCodes)
	if err != nil {
		return false, err
	}
	prev := s.codesSeen.Swap(v)
	if prev == v || prev < 0 {
		return false, nil
	}
	s.codes.Purge()
	return true, nil
}

// WatchCodes runs CheckCodes every CodeWatchEvery until ctx ends.
func (s *Service) WatchCodes(ctx context.Context) {
	t := time.NewTicker(CodeWatchEvery)
	defer t.Stop()
	for {
		if _, err := s.CheckCodes(ctx); err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "check code versions", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
