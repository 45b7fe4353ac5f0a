-- Offer experiments (issue 22): a campaign's new participants split between
-- two to four variants of its rules, by weight, with a share held out who
-- see no referral prompt and earn nothing. variants is a JSON document, a
-- list of {Key, Name, Weight, Rules} with rules as the program stores them
-- (program_versions.program). seed keys the assignment hash; promoted is
-- the key of the variant whose rules became the campaign's ('' for none).
CREATE TABLE experiments (
    id               {{KEPT_ID}},
    campaign_id      BIGINT NOT NULL REFERENCES campaigns (id),
    name             TEXT NOT NULL,
    status           TEXT NOT NULL,
    variants         TEXT NOT NULL,
    holdout_percent  INTEGER NOT NULL,
    seed             TEXT NOT NULL,
    started_at       {{TIMESTAMP}} NOT NULL,
    stopped_at       {{TIMESTAMP}},
    promoted         TEXT NOT NULL DEFAULT '',
    created_by       TEXT NOT NULL DEFAULT ''
);
-- A campaign runs at most one experiment at a time, so a participant (who
-- is in one campaign) is in at most one running experiment.
CREATE UNIQUE INDEX experiments_running_key ON experiments (campaign_id) WHERE status = 'running';

-- The arm each participant was put in, written at first exposure and never
-- changed, so a later change of weights or a promotion moves nobody. The
-- arm is a variant's key or 'holdout'.
CREATE TABLE experiment_assignments (
    experiment_id   BIGINT NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    participant_id  BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    arm             TEXT NOT NULL,
    assigned_at     {{TIMESTAMP}} NOT NULL,
    PRIMARY KEY (experiment_id, participant_id)
);
CREATE INDEX experiment_assignments_participant_idx ON experiment_assignments (participant_id);
