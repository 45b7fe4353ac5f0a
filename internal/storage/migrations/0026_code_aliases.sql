-- Vanity links (issue 20). A participant may choose their code once
-- (code_chosen_at says when; NULL: never), and an admin may set anyone's.
-- The code a link answered to before a change stays in code_aliases, so
-- links already shared (printed QR codes) lead to the same participant.
-- A code is either a participant's current code or an alias, never both,
-- and an alias is never given out again.
CREATE TABLE code_aliases (
    code            TEXT PRIMARY KEY,
    participant_id  BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    created_at      {{TIMESTAMP}} NOT NULL
);
CREATE INDEX code_aliases_participant ON code_aliases (participant_id);
ALTER TABLE participants ADD COLUMN code_chosen_at {{TIMESTAMP}};
