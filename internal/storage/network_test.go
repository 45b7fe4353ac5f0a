package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// mustRefer records that referrer referred referee, n minutes after t0.
func mustRefer(t *testing.T, db *storage.DB, referrer, referee int64, n int) {
	t.Helper()
	ctx := context.Background()
	ref := referralhub.Referral{ReferrerID: referrer, RefereeID: referee, CreatedAt: t0.Add(time.Duration(n) * time.Minute)}
	if err := db.InTx(ctx, func(q *storage.Queries) error { return q.CreateReferral(ctx, &ref) }); err != nil {
		t.Fatalf("refer %d -> %d: %v", referrer, referee, err)
	}
}

// networkTree builds root's tree (and another beside it), returning the
// participant ids by name (and the user ids as "user NAME"):
//
//	root -> a -> a1 -> a11 -> a111 -> a1111 -> a11111 (six levels)
//	     -> a -> a2
//	     -> b -> b1 (deleted later)
//	     -> carol (made through the API)
//	other -> o1
func networkTree(t *testing.T, db *storage.DB) map[string]int64 {
	t.Helper()
	ids := map[string]int64{}
	for _, name := range []string{"root", "a", "b", "a1", "a2", "b1", "a11", "a111", "a1111", "a11111", "other", "o1"} {
		u, p := mustUser(t, db, name)
		ids[name], ids["user "+name] = p.ID, u.ID
	}
	ids["carol"] = mustAPIParticipant(t, db, "carol", "", "<Carol & co>").ID
	edges := [][2]string{{"root", "a"}, {"root", "b"}, {"root", "carol"}, {"a", "a1"}, {"a", "a2"}, {"b", "b1"},
		{"a1", "a11"}, {"a11", "a111"}, {"a111", "a1111"}, {"a1111", "a11111"}, {"other", "o1"}}
	for i, e := range edges {
		mustRefer(t, db, ids[e[0]], ids[e[1]], i)
	}
	return ids
}

// TestNetworkLevels counts a hand-built tree per level exactly, stops at
// the depth limit, and leaves out a tree beside it.
func TestNetworkLevels(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		ids := networkTree(t, db)
		for _, tc := range []struct {
			root  string
			depth int
			want  []int64
		}{
			{"root", 5, []int64{3, 3, 1, 1, 1}}, // a11111 is at depth 6
			{"root", 7, []int64{3, 3, 1, 1, 1, 1, 0}},
			{"root", 2, []int64{3, 3}},
			{"a", 5, []int64{2, 1, 1, 1, 1}},
			{"other", 3, []int64{1, 0, 0}},
			{"o1", 5, []int64{0, 0, 0, 0, 0}},
		} {
			got, err := db.Read().NetworkLevels(ctx, ids[tc.root], tc.depth)
			if err != nil || !equalCounts(got, tc.want) {
				t.Errorf("levels of %s to depth %d = %v, %v; want %v", tc.root, tc.depth, got, err, tc.want)
			}
		}
	})
}

func equalCounts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestNetworkDepthOf finds a node's depth below the root by walking up its
// referrers, and refuses nodes outside the root's tree or below the limit.
func TestNetworkDepthOf(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		ids := networkTree(t, db)
		for _, tc := range []struct {
			root, node string
			want       int // -1: not found
		}{
			{"root", "root", 0}, {"root", "a", 1}, {"root", "carol", 1}, {"root", "b1", 2},
			{"root", "a1111", 5}, {"root", "a11111", -1}, // depth 6, past the limit of 5
			{"root", "o1", -1}, {"root", "other", -1},
			{"a", "a11", 2}, {"a", "b1", -1}, {"a1", "a", -1}, // never upwards
		} {
			got, err := db.Read().NetworkDepthOf(ctx, ids[tc.root], ids[tc.node], 5)
			if tc.want < 0 {
				if referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
					t.Errorf("%s under %s: %d, %v; want not found", tc.node, tc.root, got, err)
				}
				continue
			}
			if err != nil || got != tc.want {
				t.Errorf("%s under %s: %d, %v; want %d", tc.node, tc.root, got, err, tc.want)
			}
		}
	})
}

// TestNetworkChildren pages a node's children in the order they joined,
// with their names (an API participant's name, nothing for a deleted
// account) and their own referral counts.
func TestNetworkChildren(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		ids := networkTree(t, db)
		err := db.InTx(ctx, func(q *storage.Queries) error {
			if err := q.AnonymiseParticipant(ctx, ids["b"], "deleted-b", t0); err != nil {
				return err
			}
			return q.DeleteUser(ctx, ids["user b"])
		})
		if err != nil {
			t.Fatal(err)
		}
		first, err := db.Read().NetworkChildren(ctx, ids["root"], 0, 2)
		if err != nil || len(first) != 2 {
			t.Fatalf("first page = %+v, %v", first, err)
		}
		a, b := first[0], first[1]
		if a.ParticipantID != ids["a"] || a.Name != "a" || a.Deleted || a.Referrals != 2 || !a.JoinedAt.Equal(t0) {
			t.Errorf("a = %+v", a)
		}
		if b.ParticipantID != ids["b"] || b.Name != "" || !b.Deleted || b.Referrals != 1 {
			t.Errorf("deleted b = %+v", b)
		}
		rest, err := db.Read().NetworkChildren(ctx, ids["root"], b.ReferralID, 2)
		if err != nil || len(rest) != 1 || rest[0].ParticipantID != ids["carol"] || rest[0].Name != "<Carol & co>" || rest[0].Referrals != 0 {
			t.Fatalf("second page = %+v, %v", rest, err)
		}
		if none, err := db.Read().NetworkChildren(ctx, ids["root"], rest[0].ReferralID, 2); err != nil || len(none) != 0 {
			t.Fatalf("past the end = %+v, %v", none, err)
		}
		if leaf, err := db.Read().NetworkChildren(ctx, ids["a2"], 0, 50); err != nil || len(leaf) != 0 {
			t.Fatalf("a leaf's children = %+v, %v", leaf, err)
		}
	})
}
