-- Share channels on the participant's dashboard (issue 20): each
-- participant's human clicks per share channel, added by the click flush
-- in the same transaction as the clicks (like participants.click_count),
-- since clicks have no index by participant. Channel '' (no ?s=) is not
-- kept: it is click_count less the rest. Clicks stored before it are
-- counted once here.
CREATE TABLE participant_channels (
    participant_id  BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    channel         TEXT NOT NULL,
    clicks          BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (participant_id, channel)
);
INSERT INTO participant_channels (participant_id, channel, clicks)
    SELECT participant_id, channel, count(*) FROM clicks WHERE NOT bot AND channel <> '' GROUP BY participant_id, channel;
