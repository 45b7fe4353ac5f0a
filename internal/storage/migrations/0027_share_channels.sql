-- Share channels (issue 20): the channel a click came through, from the
-- link's ?s= (x, fb, li, wa, em, qr, copy, invite, native; '' for none or
-- anything else), and the channel of the click that brought a referral.
ALTER TABLE clicks ADD COLUMN channel TEXT NOT NULL DEFAULT '';
ALTER TABLE referrals ADD COLUMN channel TEXT NOT NULL DEFAULT '';
