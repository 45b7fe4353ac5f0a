-- Branding: how the program looks and speaks (name, colour, logo, landing
-- page, share messages). One row, id 1, written by the first save at
-- /admin/branding; until then the defaults in the code apply. The logo's
-- bytes live here too, so every instance serves the same one; logo_hash
-- (hex SHA-256, '' for none) versions its URL.
CREATE TABLE branding (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    product_name    TEXT NOT NULL,
    color           TEXT NOT NULL,
    headline        TEXT NOT NULL,
    landing_text    TEXT NOT NULL,
    share_x         TEXT NOT NULL,
    share_facebook  TEXT NOT NULL,
    share_linkedin  TEXT NOT NULL,
    share_whatsapp  TEXT NOT NULL,
    share_email     TEXT NOT NULL,
    logo            {{BLOB}},
    logo_type       TEXT NOT NULL DEFAULT '',
    logo_width      INTEGER NOT NULL DEFAULT 0,
    logo_height     INTEGER NOT NULL DEFAULT 0,
    logo_hash       TEXT NOT NULL DEFAULT '',
    updated_by      BIGINT REFERENCES users (id) ON DELETE SET NULL,
    updated_at      {{TIMESTAMP}} NOT NULL
);
