-- The dashboard's figures by share channel (issue 19) without a scan of
-- the participant's referrals: participant_channels also keeps each
-- participant's referred signups per channel (added with the referral)
-- and conversions per channel (added with a referred friend's first
-- purchase), in the same transaction as the row they count. Referrals and
-- purchases stored before it are counted here.
ALTER TABLE participant_channels ADD COLUMN signups BIGINT NOT NULL DEFAULT 0;
ALTER TABLE participant_channels ADD COLUMN conversions BIGINT NOT NULL DEFAULT 0;
INSERT INTO participant_channels (participant_id, channel, signups, conversions)
    SELECT r.referrer_id, r.channel, count(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM events e
        WHERE e.participant_id = r.referee_id AND e.name = 'purchase') THEN 1 ELSE 0 END), 0)
    FROM referrals r WHERE r.channel <> '' GROUP BY r.referrer_id, r.channel
    ON CONFLICT (participant_id, channel) DO UPDATE SET signups = excluded.signups, conversions = excluded.conversions;
