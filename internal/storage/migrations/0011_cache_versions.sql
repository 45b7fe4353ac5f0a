-- Versions of what instances cache, so several instances can tell when to
-- drop their copies: 'codes' is bumped in the transaction that bans a
-- participant or retires a code, and every instance polls it (about once a
-- second) and empties its code cache when it moves.
CREATE TABLE cache_versions (
    name     TEXT PRIMARY KEY,
    version  BIGINT NOT NULL
);
INSERT INTO cache_versions (name, version) VALUES ('codes', 0);
