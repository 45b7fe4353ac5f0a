-- Campaigns (issue 22): several referral programs at once, each with its
-- own rules and settings (program: the same JSON document as
-- program_versions.program), dates and branding texts.
--
-- The existing program becomes the default campaign, id 1, slug
-- "default": its program is '' because it keeps running the program's
-- own versions, so a current install sees no change.
CREATE TABLE campaigns (
    id           {{KEPT_ID}},
    slug         TEXT NOT NULL,
    name         TEXT NOT NULL,
    starts_at    {{TIMESTAMP}},
    ends_at      {{TIMESTAMP}},
    status       TEXT NOT NULL DEFAULT 'active',
    program      TEXT NOT NULL DEFAULT '',
    headline     TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX campaigns_slug_key ON campaigns (slug);
-- The first row of a fresh table gets id 1 on both engines.
INSERT INTO campaigns (slug, name) VALUES ('default', 'Default');

-- A participant's campaign; NULL is the default campaign, so the column
-- is added without rewriting a million rows (SQLite cannot add a
-- REFERENCES column with a non-NULL default) and only participants
-- enrolled elsewhere are indexed.
ALTER TABLE participants ADD COLUMN campaign_id BIGINT REFERENCES campaigns (id);
CREATE INDEX participants_campaign_idx ON participants (campaign_id) WHERE campaign_id IS NOT NULL;
