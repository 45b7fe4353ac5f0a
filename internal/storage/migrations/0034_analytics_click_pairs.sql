-- The analytics refresh counts clicks incrementally: each refresh adds the
-- clicks made since the last one (analytics_state 'clicks_mark') instead of
-- recounting today and yesterday. A day's unique clicks are its distinct
-- (participant, ip_hash) pairs; the pairs of the days not yet final (after
-- 'clicks_final') are kept here so a new click's pair is known to be new
-- without reading the day's earlier clicks. A final day's pairs are deleted.
CREATE TABLE analytics_click_pairs (
    day             TEXT NOT NULL,
    participant_id  BIGINT NOT NULL,
    ip_hash         TEXT NOT NULL,
    PRIMARY KEY (day, participant_id, ip_hash)
){{WITHOUT_ROWID}};
