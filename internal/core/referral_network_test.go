package core_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// storeMember stores a user and participant called name, referred by referrer
// (0 for nobody), straight through storage: trees of many people without
// a password hash each. It returns the participant's id.
func (f *fixture) storeMember(t *testing.T, name string, referrer int64) int64 {
	t.Helper()
	ctx := context.Background()
	now := f.clock.Now()
	u := referralhub.User{Email: name + "@example.com", Username: name, CreatedAt: now}
	p := referralhub.Participant{Code: "n" + name, CreatedAt: now, LastSeenAt: now}
	err := f.db.InTx(ctx, func(q *storage.Queries) error {
		if err := q.CreateUser(ctx, &u, "hash"); err != nil {
			return err
		}
		p.UserID = u.ID
		if err := q.CreateParticipant(ctx, &p); err != nil || referrer == 0 {
			return err
		}
		return q.CreateReferral(ctx, &referralhub.Referral{ReferrerID: referrer, RefereeID: p.ID, CreatedAt: now})
	})
	if err != nil {
		t.Fatalf("member %s: %v", name, err)
	}
	f.clock.Advance(time.Second)
	return p.ID
}

// chain makes a line of n people below top, named prefix1, prefix2, …,
// and returns their ids, top first.
func (f *fixture) chain(t *testing.T, top int64, prefix string, n int) []int64 {
	ids := []int64{top}
	for i := 1; i <= n; i++ {
		ids = append(ids, f.storeMember(t, prefix+strconv.Itoa(i), ids[i-1]))
	}
	return ids
}

// TestNetworkCountsLevels counts a tree of seven levels exactly, down to
// the fifth, and lists the direct referrals 50 to a page.
func TestNetworkCountsLevels(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		root := f.storeMember(t, "root", 0)
		line := f.chain(t, root, "deep", 7) // one person on each of levels 1 to 7
		for i := range 52 {
			f.storeMember(t, "wide"+strconv.Itoa(i), root)
		}
		f.storeMember(t, "second", line[1])
		f.storeMember(t, "fourth", line[3])
		other := f.storeMember(t, "other", 0)
		f.storeMember(t, "stranger", other)

		n, err := f.svc.Network(ctx, root)
		if err != nil {
			t.Fatal(err)
		}
		want := []int64{53, 2, 1, 2, 1}
		if len(n.Levels) != len(want) || n.Total != 59 {
			t.Fatalf("levels = %v (total %d), want %v (59)", n.Levels, n.Total, want)
		}
		for i := range want {
			if n.Levels[i] != want[i] {
				t.Fatalf("levels = %v, want %v", n.Levels, want)
			}
		}
		top := n.Top
		if top.NodeID != root || top.Depth != 1 || !top.Expandable() || len(top.People) != core.NetworkPerPage || top.Next == 0 {
			t.Fatalf("first page: node %d depth %d, %d people, next %d", top.NodeID, top.Depth, len(top.People), top.Next)
		}
		if p := top.People[0]; p.ParticipantID != line[1] || p.Name != "deep1" || p.Referrals != 2 {
			t.Fatalf("first person = %+v", p)
		}
		rest, err := f.svc.NetworkPage(ctx, root, root, top.Next)
		if err != nil || len(rest.People) != 3 || rest.Next != 0 || rest.People[2].Name != "wide51" {
			t.Fatalf("second page = %+v, %v", rest, err)
		}

		if n, err := f.svc.Network(ctx, f.storeMember(t, "loner", 0)); err != nil || len(n.Levels) != 0 || n.Total != 0 || len(n.Top.People) != 0 {
			t.Fatalf("nobody's network = %+v, %v", n, err)
		}
	})
}

// TestNetworkPageStaysInTheViewersTree opens people in the viewer's tree
// down to the level above the deepest, and refuses the deepest level,
// anyone above the viewer and anyone in another tree.
func TestNetworkPageStaysInTheViewersTree(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		boss := f.storeMember(t, "boss", 0)
		root := f.storeMember(t, "root", boss)
		line := f.chain(t, root, "deep", 6)
		other := f.storeMember(t, "other", 0)
		stranger := f.storeMember(t, "stranger", other)
		f.storeMember(t, "strangerkid", stranger)

		for depth := 1; depth < core.NetworkDepth; depth++ {
			p, err := f.svc.NetworkPage(ctx, root, line[depth], 0)
			if err != nil || p.Depth != depth+1 || len(p.People) != 1 || p.People[0].ParticipantID != line[depth+1] {
				t.Fatalf("open level %d: %+v, %v", depth, p, err)
			}
			if got := p.Expandable(); got != (depth+1 < core.NetworkDepth) {
				t.Fatalf("people at level %d expandable = %v", depth+1, got)
			}
		}
		for name, node := range map[string]int64{"the deepest level": line[core.NetworkDepth], "below it": line[6],
			"the viewer's referrer": boss, "another tree": stranger, "another tree's root": other, "nobody": 1 << 40} {
			if p, err := f.svc.NetworkPage(ctx, root, node, 0); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
				t.Errorf("%s: %+v, %v; want not found", name, p, err)
			}
		}
		// The boss sees root's line one level further down.
		if _, err := f.svc.NetworkPage(ctx, boss, line[3], 0); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.NetworkPage(ctx, boss, line[4], 0); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("the boss opens level 5: %v", err)
		}
	})
}

// TestNetworkThroughSignups builds a network the way people join, through
// referral links, and shows it.
func TestNetworkThroughSignups(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		root := f.owner(t, "rootuser", browserSeen(1))
		kid, _ := f.refer(t, root, "kiduser", "kid@example.com", browserSeen(2))
		f.refer(t, kid, "grandkid", "grandkid@example.com", browserSeen(3))
		n, err := f.svc.Network(ctx, root.p.ID)
		if err != nil || len(n.Levels) != 2 || n.Levels[0] != 1 || n.Levels[1] != 1 || n.Top.People[0].Name != "kiduser" {
			t.Fatalf("network = %+v, %v", n, err)
		}
		p, err := f.svc.NetworkPage(ctx, root.p.ID, kid.p.ID, 0)
		if err != nil || len(p.People) != 1 || p.People[0].Name != "G." /* initials beyond level 1 */ {
			t.Fatalf("kid's page = %+v, %v", p, err)
		}
	})
}

// TestNetworkShowsStrangersAsTheyChose: beyond the viewer's own referrals,
// people show as on the leaderboard: a chosen display name, initials by
// default, "A friend" for those who chose not to be shown.
func TestNetworkShowsStrangersAsTheyChose(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		alice, _ := f.upsert(t, core.ParticipantInput{ExternalID: "alice"})
		bob, _ := f.upsert(t, core.ParticipantInput{ExternalID: "bob", ReferralCode: alice.Code})
		names := map[string]string{"carol": "Carol Shaw", "dave": "Dave Cutler", "erin": "Erin Catto"}
		ids := map[string]int64{}
		for _, who := range []string{"carol", "dave", "erin"} {
			name := names[who]
			p, _ := f.upsert(t, core.ParticipantInput{ExternalID: who, Name: &name, ReferralCode: bob.Code})
			ids[who] = p.ID
		}
		if err := f.svc.SetLeaderboardProfile(ctx, ids["dave"], core.BoardProfile{DisplayName: "Dave C", Show: referralhub.ShowName}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SetLeaderboardProfile(ctx, ids["erin"], core.BoardProfile{Show: referralhub.ShowNobody}); err != nil {
			t.Fatal(err)
		}
		page, err := f.svc.NetworkPage(ctx, alice.ID, bob.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range page.People {
			got = append(got, m.Name)
		}
		if want := "[C. S. Dave C A friend]"; fmt.Sprint(got) != want {
			t.Fatalf("bob's referrals as alice sees them = %v, want %s", got, want)
		}
	})
}
