package web

import (
	"strconv"

	"github.com/referralhub/referralhub/internal/core"
)

// networkView is everything the network page shows.
type networkView struct {
	Levels []levelRow
	Total  int64
	Depth  int  // how many levels are counted
	Own    bool // Page lists the viewer's own referrals, not someone's below them
	Page   networkPage
}

// levelRow is one line of the counts: "Level 2: 31 people".
type levelRow struct {
	Level int
	Label string
}

// networkPage is one page of the people someone referred, as list items.
type networkPage struct {
	Depth   int // their level
	Members []memberRow
	More    string // the next page's URL, "" on the last
}

// memberRow is one person in the tree. Open is set when they referred
// someone and their level is above the deepest one shown.
type memberRow struct {
	ID        int64
	Name      string // "" for a deleted account
	Deleted   bool
	Referrals string // "3 referrals"
	Joined    string
	Open      bool
}

func levelRows(levels []int64) []levelRow {
	rows := make([]levelRow, len(levels))
	for i, n := range levels {
		rows[i] = levelRow{Level: i + 1, Label: "Level " + strconv.Itoa(i+1) + ": " + networkCount(n, "person", "people")}
	}
	return rows
}

func networkPageFor(p core.NetworkPage) networkPage {
	out := networkPage{Depth: p.Depth, Members: make([]memberRow, len(p.People))}
	for i, m := range p.People {
		row := memberRow{ID: m.ParticipantID, Name: m.Name, Deleted: m.Deleted, Joined: formatDate(m.JoinedAt),
			Referrals: networkCount(m.Referrals, "referral", "referrals"), Open: m.Referrals > 0 && p.Expandable()}
		if row.Name == "" && !row.Deleted {
			row.Name = "A friend" // made through the API without a name
		}
		out.Members[i] = row
	}
	if p.Next > 0 {
		out.More = "/network?node=" + strconv.FormatInt(p.NodeID, 10) + "&after=" + strconv.FormatInt(p.Next, 10)
	}
	return out
}

// networkCount is "1 person", "2 people".
func networkCount(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.FormatInt(n, 10) + " " + many
}
