package core

import (
	"context"

	"github.com/referralhub/referralhub"
)

// NetworkDepth is how many levels of a participant's referral tree the
// network page counts and lets them open: their direct referrals are
// level 1.
const NetworkDepth = 5

// NetworkPerPage is how many of one person's referrals a page of the tree
// lists.
const NetworkPerPage = 50

// Network is a participant's referral tree as the network page shows it.
type Network struct {
	// Levels counts the people per level, Levels[0] being the direct
	// referrals, up to the deepest level (within NetworkDepth) that has
	// anyone.
	Levels []int64
	Total  int64 // the sum of Levels
	Top    NetworkPage
}

// NetworkPage is one page of the people one member of the tree referred.
type NetworkPage struct {
	NodeID int64 // whose referrals these are
	Depth  int   // the level of the people listed: 1 for direct referrals
	People []referralhub.NetworkMember
	Next   int64 // the cursor of the next page (after=), 0 on the last page
}

// Expandable reports whether the people on this page may be opened to
// show their own referrals: only above the deepest level.
func (p NetworkPage) Expandable() bool { return p.Depth < NetworkDepth }

// Network returns participantID's tree: the people per level down to
// NetworkDepth, and the first page of their direct referrals.
func (s *Service) Network(ctx context.Context, participantID int64) (Network, error) {
	levels, err := s.db.Read().NetworkLevels(ctx, participantID, NetworkDepth)
	if err != nil {
		return Network{}, err
	}
	for len(levels) > 0 && levels[len(levels)-1] == 0 {
		levels = levels[:len(levels)-1]
	}
	n := Network{Levels: levels}
	for _, c := range levels {
		n.Total += c
	}
	n.Top, err = s.networkPage(ctx, participantID, 1, 0)
	return n, err
}

// NetworkPage returns a page of the people nodeID referred, after the
// referral with id after (0 for the first page), for viewerID. nodeID must
// be viewerID or someone in their tree above its deepest level, found by
// walking up nodeID's referrers; anyone else is ENOTFOUND, so nobody can
// page through another person's tree.
func (s *Service) NetworkPage(ctx context.Context, viewerID, nodeID, after int64) (NetworkPage, error) {
	depth, err := s.db.Read().NetworkDepthOf(ctx, viewerID, nodeID, NetworkDepth-1)
	if err != nil {
		return NetworkPage{}, err
	}
	return s.networkPage(ctx, nodeID, depth+1, max(after, 0))
}

// networkPage reads one page of nodeID's referrals, who sit at depth.
func (s *Service) networkPage(ctx context.Context, nodeID int64, depth int, after int64) (NetworkPage, error) {
	people, err := s.db.Read().NetworkChildren(ctx, nodeID, after, NetworkPerPage+1)
	if err != nil {
		return NetworkPage{}, err
	}
	if depth > 1 {
		for i := range people {
			people[i].Name = strangerName(people[i])
		}
	}
	p := NetworkPage{NodeID: nodeID, Depth: depth, People: people}
	if len(people) > NetworkPerPage {
		p.People = people[:NetworkPerPage]
		p.Next = p.People[NetworkPerPage-1].ReferralID
	}
	return p, nil
}

// strangerName is how someone beyond the viewer's own referrals shows in
// their network: as on the leaderboard (initials unless they chose their
// display name), or "A friend" when they chose not to be shown.
func strangerName(m referralhub.NetworkMember) string {
	if m.Deleted || m.Name == "" && m.DisplayName == "" {
		return m.Name
	}
	if m.Show == referralhub.ShowNobody {
		return "A friend"
	}
	return BoardName(m.Show, m.DisplayName, m.Name)
}
