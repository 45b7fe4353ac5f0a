package core

import (
	"context"
	"strings"
)

// cycles finds the referral cycles the import's referrals would close,
// with the referrals already recorded: A referred by B, B by A. It
// returns, for every participant on a cycle, the cycle described.
func (imp *importRun) cycles(ctx context.Context) (map[string]string, error) {
	parent := map[string]string{}
	existingReferee := false
	for _, e := range imp.edges {
		if !e.rejected && e.from != "" {
			parent[imp.rowKey(e.ext)] = e.from
			existingReferee = existingReferee || e.refereeID != 0
		}
	}
	// Recorded referrals join only participants that exist, so they can
	// close a cycle only through an existing participant referred now.
	if existingReferee {
		if err := imp.loadAncestors(ctx, parent); err != nil {
			return nil, err
		}
	}
	return findCycles(parent, imp.describeKey), nil
}

// loadAncestors adds the recorded referrers of every existing referrer in
// parent, and theirs, up to the roots, a level at a time.
func (imp *importRun) loadAncestors(ctx context.Context, parent map[string]string) error {
	seen := map[int64]bool{}
	var frontier []int64
	add := func(key string) {
		if id := keyID(key); id != 0 && !seen[id] {
			if _, known := parent[key]; !known {
				seen[id] = true
				frontier = append(frontier, id)
			}
		}
	}
	for _, from := range parent {
		add(from)
	}
	for len(frontier) > 0 {
		got, err := imp.s.db.Read().ReferrersOf(ctx, frontier)
		if err != nil {
			return err
		}
		frontier = frontier[:0]
		for referee, referrer := range got {
			if _, known := parent[idKey(referee)]; !known {
				parent[idKey(referee)] = idKey(referrer)
			}
			add(idKey(referrer))
		}
	}
	return nil
}

// findCycles walks each participant's chain of referrers once and returns
// the participants on a cycle, each with the cycle described.
func findCycles(parent map[string]string, describe func(string) string) map[string]string {
	const (
		onPath = 1
		done   = 2
	)
	state := map[string]uint8{}
	out := map[string]string{}
	for start := range parent {
		var path []string
		for n := start; ; {
			if state[n] == done {
				break
			}
			if state[n] == onPath {
				markCycle(path, n, describe, out)
				break
			}
			state[n] = onPath
			path = append(path, n)
			p, ok := parent[n]
			if !ok {
				break
			}
			n = p
		}
		for _, n := range path {
			state[n] = done
		}
	}
	return out
}

// markCycle records the cycle at the end of path that starts at n.
func markCycle(path []string, n string, describe func(string) string, out map[string]string) {
	i := len(path) - 1
	for path[i] != n {
		i--
	}
	loop := path[i:]
	names := make([]string, 0, len(loop)+1)
	for _, k := range loop {
		names = append(names, describe(k))
	}
	text := strings.Join(append(names, describe(n)), " referred by ")
	for _, k := range loop {
		out[k] = text
	}
}

// describeKey names a participant of the graph for a reason: its external
// id when the input has it.
func (imp *importRun) describeKey(key string) string {
	if keyID(key) == 0 {
		return `"` + key + `"`
	}
	for ext, row := range imp.rows { // only for the rare cycle through existing participants
		if row.id != 0 && idKey(row.id) == key {
			return `"` + ext + `"`
		}
	}
	return "participant " + key
}
