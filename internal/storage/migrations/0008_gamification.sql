-- Gamification: qualified referrals, tiers and badges, and the leaderboard.

-- A referral qualifies when its rewards may run: not held, blocked or
-- rejected, its referrer not banned, and the friend verified when the
-- program asks for it. qualified_count is the referrer's number of them,
-- kept in the same transaction; tiers and badges read it.
ALTER TABLE referrals ADD COLUMN qualified_at {{TIMESTAMP}};
ALTER TABLE participants ADD COLUMN qualified_count BIGINT NOT NULL DEFAULT 0;

-- How a participant shows on the leaderboard: display_name, and
-- leaderboard_show ('initials', 'name' or 'hidden'). leaderboard_hidden is
-- derived: hidden by choice, banned, deleted, or flagged (a referral of
-- theirs, either side, waits for review).
ALTER TABLE participants ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
ALTER TABLE participants ADD COLUMN leaderboard_show TEXT NOT NULL DEFAULT 'initials';
ALTER TABLE participants ADD COLUMN leaderboard_hidden BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN notify_achievement BOOLEAN NOT NULL DEFAULT TRUE;
CREATE INDEX referrals_referrer_review_idx ON referrals (referrer_id, review);

-- Badges earned, each once: the primary key makes a second award
-- impossible, even under concurrent events.
CREATE TABLE participant_badges (
    participant_id  BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    threshold       BIGINT NOT NULL,
    name            TEXT NOT NULL,
    earned_at       {{TIMESTAMP}} NOT NULL,
    PRIMARY KEY (participant_id, threshold)
);

-- The leaderboard, kept incrementally as referrals qualify: qualified
-- referrals per participant and period ('all', 'w:YYYY-MM-DD' for the week
-- starting that Monday, 'm:YYYY-MM'), reached_at breaking ties (who got
-- there first), hidden copied from the participant.
CREATE TABLE leaderboard (
    period          TEXT NOT NULL,
    participant_id  BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    referrals       BIGINT NOT NULL,
    reached_at      {{TIMESTAMP}} NOT NULL,
    hidden          BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (period, participant_id)
);
CREATE INDEX leaderboard_top_idx ON leaderboard (period, referrals DESC, reached_at, participant_id)
    WHERE hidden = FALSE AND referrals > 0;
CREATE INDEX leaderboard_participant_idx ON leaderboard (participant_id);

-- How many visible participants have each number of referrals, per
-- period: a rank is 1 + the participants above, summed over a few rows
-- instead of counted over millions.
CREATE TABLE leaderboard_ranks (
    period        TEXT NOT NULL,
    referrals     BIGINT NOT NULL,
    participants  BIGINT NOT NULL,
    PRIMARY KEY (period, referrals)
);
