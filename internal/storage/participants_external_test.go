package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// mustAPIParticipant inserts a participant without a user.
func mustAPIParticipant(t *testing.T, db *storage.DB, ext, email, name string) referralhub.ParticipantDetails {
	t.Helper()
	p := referralhub.ParticipantDetails{ExternalID: ext, Email: email, Name: name}
	p.Code, p.Plan, p.CreatedAt, p.LastSeenAt = "x"+ext, "free", t0, t0
	ok, err := db.Write().InsertAPIParticipant(context.Background(), &p)
	if err != nil || !ok {
		t.Fatalf("insert %s: %v %v", ext, ok, err)
	}
	return p
}

func strp(s string) *string { return &s }

// TestAPIParticipants inserts participants without a user: a taken
// external id or code inserts nothing, an update changes only the fields
// given (an empty one clears), and the API's view shows the referrer and
// falls back to the user's email and username for a hosted sign-up.
func TestAPIParticipants(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		w := db.Write()
		ann := mustAPIParticipant(t, db, "ann", "ann@example.com", "Ann")
		dup := referralhub.ParticipantDetails{ExternalID: "ann"}
		dup.Code, dup.Plan, dup.CreatedAt, dup.LastSeenAt = "other001", "free", t0, t0
		if ok, err := w.InsertAPIParticipant(ctx, &dup); ok || err != nil {
			t.Fatalf("a taken external id: %v %v", ok, err)
		}
		dup.ExternalID, dup.Code = "bob", ann.Code
		if ok, err := w.InsertAPIParticipant(ctx, &dup); ok || err != nil {
			t.Fatalf("a taken code: %v %v", ok, err)
		}
		if id, err := w.ParticipantIDByExternal(ctx, "bob"); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("bob = %d, %v", id, err)
		}
		if err := w.UpdateAPIParticipant(ctx, ann.ID, nil, strp(""), strp("paid")); err != nil {
			t.Fatal(err)
		}
		got, err := db.Read().APIParticipantByID(ctx, ann.ID)
		if err != nil || got.Email != "ann@example.com" || got.Name != "" || got.Plan != "paid" || got.ExternalID != "ann" ||
			got.UserID != 0 || got.ReferrerID != 0 || !got.CreatedAt.Equal(t0) {
			t.Fatalf("after update = %+v, %v", got, err)
		}
		_, hosted := mustUser(t, db, "carol")
		ref := referralhub.Referral{ReferrerID: hosted.ID, RefereeID: ann.ID, CreatedAt: t0}
		if err := db.InTx(ctx, func(q *storage.Queries) error { return q.CreateReferral(ctx, &ref) }); err != nil {
			t.Fatal(err)
		}
		got, _ = db.Read().APIParticipantByID(ctx, ann.ID)
		if got.ReferrerID != hosted.ID || got.ReferrerExternalID != "" {
			t.Fatalf("referrer = %d %q", got.ReferrerID, got.ReferrerExternalID)
		}
		carol, err := db.Read().APIParticipantByID(ctx, hosted.ID)
		if err != nil || carol.Email != "carol@example.com" || carol.Name != "carol" || carol.ExternalID != "" || carol.ReferralCount != 1 {
			t.Fatalf("hosted = %+v, %v", carol, err)
		}
		if _, err := db.Read().APIParticipantByID(ctx, 999); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("missing: %v", err)
		}
		parties, err := db.Read().ReferralPartiesOf(ctx, ann.ID)
		if err != nil || parties.RefereeName != "A friend" || parties.ReferrerName != "carol" {
			t.Fatalf("parties = %+v, %v", parties, err)
		}
		w.UpdateAPIParticipant(ctx, ann.ID, nil, strp("Ann B."), nil)
		if parties, _ = db.Read().ReferralPartiesOf(ctx, ann.ID); parties.RefereeName != "Ann B." {
			t.Fatalf("an API participant's name in rewards' reasons = %q", parties.RefereeName)
		}
		emails, err := db.Read().EmailsOf(ctx, []int64{ann.ID, hosted.ID, 999})
		if err != nil || len(emails) != 2 || emails[ann.ID] != "ann@example.com" || emails[hosted.ID] != "carol@example.com" {
			t.Fatalf("emails = %v, %v", emails, err)
		}
	})
}

// TestParticipantVerifiedByTheHost marks a participant without a user
// verified once; a hosted one is verified by its own link, not here.
func TestParticipantVerifiedByTheHost(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		ann := mustAPIParticipant(t, db, "ann", "", "")
		_, carol := mustUser(t, db, "carol")
		w := db.Write()
		first, err := w.MarkParticipantVerified(ctx, ann.ID, t0)
		again, err2 := w.MarkParticipantVerified(ctx, ann.ID, t0.Add(time.Hour))
		hosted, err3 := w.MarkParticipantVerified(ctx, carol.ID, t0)
		if err != nil || err2 != nil || err3 != nil || !first || again || hosted {
			t.Fatalf("verified = %v %v %v (%v %v %v)", first, again, hosted, err, err2, err3)
		}
		ref := referralhub.Referral{ReferrerID: carol.ID, RefereeID: ann.ID, CreatedAt: t0}
		if err := db.InTx(ctx, func(q *storage.Queries) error { return q.CreateReferral(ctx, &ref) }); err != nil {
			t.Fatal(err)
		}
		if parties, err := db.Read().ReferralPartiesOf(ctx, ann.ID); err != nil || !parties.RefereeVerified {
			t.Fatalf("the gate does not see the verification: %+v %v", parties, err)
		}
	})
}
