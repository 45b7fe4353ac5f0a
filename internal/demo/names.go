package demo

import (
	"math/rand/v2"
	"strconv"
)

// firstNames are the stems of generated usernames.
var firstNames = []string{
	"aaliyah", "adam", "aisha", "alejandro", "alex", "alice", "amara", "amir", "ana", "andrea",
	"anna", "antonio", "arjun", "ava", "ben", "bianca", "carlos", "carmen", "chen", "chloe",
	"chris", "clara", "daniel", "david", "diego", "dmitri", "elena", "eli", "emma", "erik",
	"fatima", "felix", "fernando", "freya", "gabriel", "grace", "hana", "hannah", "hiro", "ibrahim",
	"ines", "isaac", "isabel", "ivan", "jack", "jamal", "james", "jana", "javier", "jin",
	"joao", "jonas", "jose", "julia", "kai", "karim", "kate", "kenji", "khalid", "kofi",
	"lars", "laura", "lea", "leila", "leo", "li", "lina", "lucas", "lucia", "luis",
	"maya", "mateo", "maria", "marco", "mariam", "mark", "mei", "mia", "miguel", "mohammed",
	"nadia", "nina", "noah", "nora", "olga", "omar", "oscar", "pablo", "paul", "priya",
	"rafael", "rahul", "rosa", "ryan", "sam", "sara", "sofia", "tariq", "tom", "yuki",
}

// lastNames sometimes follow the first name.
var lastNames = []string{
	"ali", "brown", "costa", "diaz", "fischer", "garcia", "haddad", "ito", "jensen", "khan",
	"kim", "lopez", "martin", "meyer", "mueller", "nguyen", "novak", "okafor", "patel", "rossi",
	"santos", "silva", "smith", "tanaka", "wang",
}

// usernames draws distinct usernames matching ^[a-z0-9_]{3,30}$, such as
// "maria_48213", "kenji_tanaka7" or "leo1994".
type usernames struct {
	rng  *rand.Rand
	used map[string]bool
}

func newUsernames(rng *rand.Rand, n int) *usernames {
	return &usernames{rng: rng, used: make(map[string]bool, n)}
}

// next returns a username not returned before.
func (u *usernames) next() string {
	for {
		name := u.draw()
		if !u.used[name] && name != HubUsername {
			u.used[name] = true
			return name
		}
	}
}

func (u *usernames) draw() string {
	first := firstNames[u.rng.IntN(len(firstNames))]
	switch r := u.rng.IntN(10); {
	case r < 6:
		return first + "_" + strconv.Itoa(10+u.rng.IntN(99990))
	case r < 8:
		return first + "_" + lastNames[u.rng.IntN(len(lastNames))] + strconv.Itoa(u.rng.IntN(1000))
	default:
		return first + strconv.Itoa(1960+u.rng.IntN(50)) + "_" + strconv.Itoa(u.rng.IntN(100))
	}
}
