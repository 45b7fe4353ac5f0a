-- A referral waiting for review no longer hides its referrer (or its
-- friend) from the leaderboard: it holds back only its own count, which
-- it never had, since it does not qualify. Before, a stranger signing up
-- through someone's link with a disposable address could hide them.
-- leaderboard_hidden is now: hidden by choice, banned or deleted. Those
-- hidden only for a flag come back, on every board and in the ranks.
UPDATE participants SET leaderboard_hidden = FALSE
    WHERE leaderboard_hidden AND leaderboard_show <> 'hidden' AND banned_at IS NULL AND deleted_at IS NULL;
UPDATE leaderboard SET hidden = FALSE
    WHERE hidden AND participant_id IN (SELECT id FROM participants WHERE NOT leaderboard_hidden);
DELETE FROM leaderboard_ranks;
INSERT INTO leaderboard_ranks (period, referrals, participants)
    SELECT period, referrals, COUNT(*) FROM leaderboard WHERE hidden = FALSE AND referrals > 0
    GROUP BY period, referrals;
