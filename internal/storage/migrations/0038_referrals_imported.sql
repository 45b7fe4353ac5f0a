-- Referrals brought in by `referralhub import participants` (issue 18) are
-- recorded as imported: imported_at is when the import stored them (their
-- created_at is when they happened in the old system). NULL for a referral
-- made here.
ALTER TABLE referrals ADD COLUMN imported_at {{TIMESTAMP}};
