// The click flush's statements: each takes a whole batch in one statement
// whose text never changes, so it is parsed once and kept prepared.
// PostgreSQL binds one array per column and unnests them; SQLite binds
// one JSON array of rows and reads it with json_each.

package storage

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/referralhub/referralhub"
)

// The flush's statements, per engine. The inserts name the clicks table
// (on PostgreSQL it may be partitioned: the parent routes the rows).
const (
	insertClicksPG = `/* InsertClicks */ INSERT INTO clicks (id, participant_id, code, ip_hash, user_agent, referer, created_at, bot, channel)
		SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::boolean[], $9::text[])
		ON CONFLICT DO NOTHING RETURNING participant_id, bot, channel`
	insertClicksSQLite = `/* InsertClicks */ INSERT INTO clicks (id, participant_id, code, ip_hash, user_agent, referer, created_at, bot, channel)
		SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8
		FROM json_each($1) WHERE true
		ON CONFLICT DO NOTHING RETURNING participant_id, bot, channel`

	addClickCountsPG = `/* addClickCounts */ UPDATE participants SET click_count = participants.click_count + v.n
		FROM unnest($1::bigint[], $2::bigint[]) AS v (id, n) WHERE participants.id = v.id`
	addClickCountsSQLite = `/* addClickCounts */ UPDATE participants SET click_count = participants.click_count + v.n
		FROM (SELECT value->>0 AS id, value->>1 AS n FROM json_each($1)) AS v WHERE participants.id = v.id`

	addChannelClicksPG = `/* addChannelClicks */ INSERT INTO participant_channels (participant_id, channel, clicks)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[])
		ON CONFLICT (participant_id, channel) DO UPDATE SET clicks = participant_channels.clicks + excluded.clicks`
	addChannelClicksSQLite = `/* addChannelClicks */ INSERT INTO participant_channels (participant_id, channel, clicks)
		SELECT value->>0, value->>1, value->>2 FROM json_each($1) WHERE true
		ON CONFLICT (participant_id, channel) DO UPDATE SET clicks = participant_channels.clicks + excluded.clicks`
)

// sqliteTimeLayout is how SQLite stores a time: fixed-width UTC text
// (sqliteDialect.timeValue).
const sqliteTimeLayout = "2006-01-02 15:04:05.000000+00:00"

// postgres reports whether q runs on PostgreSQL.
func (q *Queries) postgres() bool { return q.d.name() == "postgres" }

// insertClickBatch inserts clicks in one statement and adds how many were
// stored for each participant to stored, and for each participant and
// channel (other than none) to byChannel. Bot clicks are stored, not counted.
func (q *Queries) insertClickBatch(ctx context.Context, clicks []referralhub.Click, stored map[int64]int64, byChannel map[channelKey]int64) error {
	query, args := insertClicksSQLite, []any{clickRowsJSON(clicks)}
	if q.postgres() {
		query, args = insertClicksPG, clickArrays(clicks)
	}
	return queryEach(ctx, q, fmt.Sprintf("insert %d clicks", len(clicks)), query, func(r rowScanner) error {
		var (
			id      int64
			bot     bool
			channel string
		)
		if err := r.Scan(&id, &bot, &channel); err != nil {
			return err
		}
		if !bot {
			stored[id]++
			if channel != "" {
				byChannel[channelKey{id, channel}]++
			}
		}
		return nil
	}, args...)
}

// clickArrays is the batch as one array per column, for unnest.
func clickArrays(clicks []referralhub.Click) []any {
	n := len(clicks)
	ids, codes, ips, agents, referers, channels := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n)
	participants, at, bots := make([]int64, n), make([]time.Time, n), make([]bool, n)
	for i, c := range clicks {
		ids[i], participants[i], codes[i], ips[i], agents[i], referers[i] = c.ID, c.ParticipantID, c.Code, c.IPHash, c.UserAgent, c.Referer
		at[i], bots[i], channels[i] = c.CreatedAt.UTC(), c.Bot, c.Channel
	}
	return []any{ids, participants, codes, ips, agents, referers, at, bots, channels}
}

// clickRowsJSON is the batch as a JSON array of rows, for json_each: each
// row's values in the insert's column order, the time as SQLite stores it
// (sqliteDialect.timeValue) and bot as 0 or 1.
func clickRowsJSON(clicks []referralhub.Click) string {
	b := make([]byte, 0, len(clicks)*200)
	b = append(b, '[')
	for i, c := range clicks {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(append(b, '['), c.ID)
		b = strconv.AppendInt(append(b, ','), c.ParticipantID, 10)
		for _, s := range [...]string{c.Code, c.IPHash, c.UserAgent, c.Referer} {
			b = appendJSONString(append(b, ','), s)
		}
		b = append(b, ",\""...)
		b = c.CreatedAt.UTC().AppendFormat(b, sqliteTimeLayout)
		b = append(b, "\","...)
		b = append(b, "01"[boolInt(c.Bot)])
		b = append(appendJSONString(append(b, ','), c.Channel), ']')
	}
	return string(append(b, ']'))
}

func boolInt(v bool) int {
	if v {
		return 1
	}
	return 0
}

// appendJSONString appends s as a JSON string. Bytes that are not valid
// UTF-8 become U+FFFD, as encoding/json writes them (click headers are
// cleaned to valid UTF-8 before they get here).
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		case c < utf8.RuneSelf:
			b = append(b, c)
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, "\ufffd"...)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
			continue
		}
		i++
	}
	return append(b, '"')
}

// addClickCounts adds each participant's stored clicks to its click_count
// in one statement, visiting the rows in key order (no deadlock between
// concurrent flushes on PostgreSQL).
func (q *Queries) addClickCounts(ctx context.Context, counts map[int64]int64) error {
	if len(counts) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(counts))
	for id := range counts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	ns := make([]int64, len(ids))
	for i, id := range ids {
		ns[i] = counts[id]
	}
	query, args := addClickCountsSQLite, []any{jsonPairs(ids, ns)}
	if q.postgres() {
		query, args = addClickCountsPG, []any{ids, ns}
	}
	if _, err := q.exec(ctx, query, args...); err != nil {
		return fmt.Errorf("add click_count: %w", err)
	}
	return nil
}

// jsonPairs is [[ids[0],ns[0]],...].
func jsonPairs(ids, ns []int64) string {
	b := make([]byte, 0, len(ids)*16)
	b = append(b, '[')
	for i := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(append(b, '['), ids[i], 10)
		b = append(strconv.AppendInt(append(b, ','), ns[i], 10), ']')
	}
	return string(append(b, ']'))
}

// addChannelClicks adds each participant's stored clicks per channel in
// one statement, in key order (no deadlock between concurrent flushes).
func (q *Queries) addChannelClicks(ctx context.Context, counts map[channelKey]int64) error {
	if len(counts) == 0 {
		return nil
	}
	keys := make([]channelKey, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b channelKey) int {
		return cmp.Or(cmp.Compare(a.participant, b.participant), cmp.Compare(a.channel, b.channel))
	})
	ids, channels, ns := make([]int64, len(keys)), make([]string, len(keys)), make([]int64, len(keys))
	for i, k := range keys {
		ids[i], channels[i], ns[i] = k.participant, k.channel, counts[k]
	}
	query, args := addChannelClicksSQLite, []any{channelRowsJSON(ids, channels, ns)}
	if q.postgres() {
		query, args = addChannelClicksPG, []any{ids, channels, ns}
	}
	if _, err := q.exec(ctx, query, args...); err != nil {
		return fmt.Errorf("add channel clicks: %w", err)
	}
	return nil
}

// channelRowsJSON is [[ids[0],channels[0],ns[0]],...].
func channelRowsJSON(ids []int64, channels []string, ns []int64) string {
	b := make([]byte, 0, len(ids)*24)
	b = append(b, '[')
	for i := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(append(b, '['), ids[i], 10)
		b = appendJSONString(append(b, ','), channels[i])
		b = append(strconv.AppendInt(append(b, ','), ns[i], 10), ']')
	}
	return string(append(b, ']'))
}
