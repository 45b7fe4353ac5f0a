package storage_test

import (
	"context"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// BenchmarkCreditAndApprove is one credit on hold and its approval, each
// in its own transaction as the core runs them: what the ledger's hash
// chain adds to them shows against a build without it.
func BenchmarkCreditAndApprove(b *testing.B) {
	for _, engine := range storagetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			db := storagetest.Open(b, engine)
			ctx := context.Background()
			u := referralhub.User{Email: "bench@example.com", Username: "bench", CreatedAt: t0}
			p := referralhub.Participant{Code: "cbench", CreatedAt: t0, LastSeenAt: t0}
			err := db.InTx(ctx, func(q *storage.Queries) error {
				if err := q.CreateUser(ctx, &u, "hash"); err != nil {
					return err
				}
				p.UserID = u.ID
				return q.CreateParticipant(ctx, &p)
			})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := range b.N {
				r := referralhub.Reward{ParticipantID: p.ID, Side: referralhub.SideReferrer, Entry: referralhub.EntryReward,
					RuleID: int64(i + 1), Kind: referralhub.KindPoints, Amount: 1, Status: referralhub.StatusPending,
					Reason: "bench", CreditedAt: t0, HoldUntil: t0}
				err := db.InTx(ctx, func(q *storage.Queries) error {
					_, err := q.InsertReward(ctx, &r, "")
					return err
				})
				if err == nil {
					err = db.InTx(ctx, func(q *storage.Queries) error {
						_, err := q.ApproveReward(ctx, r.ID, t0)
						return err
					})
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
