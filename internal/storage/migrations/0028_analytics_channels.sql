-- Share channels in the admin's analytics (issue 20): per UTC day and
-- share channel ('' for none), human clicks, referred signups and
-- conversions (a referee's first purchase), kept by the analytics refresh
-- like analytics_days.
CREATE TABLE analytics_channels (
    day          TEXT NOT NULL,
    channel      TEXT NOT NULL,
    clicks       BIGINT NOT NULL DEFAULT 0,
    signups      BIGINT NOT NULL DEFAULT 0,
    conversions  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, channel)
);
