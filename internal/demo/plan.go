package demo

import (
	"encoding/hex"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/clicks"
	"github.com/referralhub/referralhub/internal/core"
)

// Shape of the generated network.
const (
	referredShare  = 0.7                // non-hub users who were referred
	preferredShare = 0.5                // referrers drawn in proportion to their referrals so far
	growth         = 0.75               // signup time = History * x^growth: signups speed up
	clickWindow    = 7 * 24 * time.Hour // how long before signing up the referee clicked
	maxPathClicks  = 3                  // clicks before each signup: 1 to maxPathClicks
	strayOwnerPref = 0.8                // unconverted clicks that go to active referrers
)

// userAgents and referers fill in the clicks.
var (
	userAgents = []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
		"Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
	}
	referers = []string{
		"", "", "https://www.google.com/", "https://t.co/", "https://www.facebook.com/",
		"https://www.linkedin.com/", "https://mail.google.com/", "https://www.reddit.com/",
	}
)

// plan is the generated data before it is stored. Index 0 is the hub; users,
// parts, referrer and clickID are parallel, as are clicks and owner.
type plan struct {
	users    []referralhub.User
	parts    []referralhub.Participant
	referrer []int32  // index of the user's referrer, -1 when organic
	clickID  []string // the click that brought a referred user
	referred []int32  // indices of referred users, in signup order
	// qualified is parallel to referred: the referee verified their
	// address, which the default program asks before a referral counts.
	qualified []bool
	clicks    []referralhub.Click
	owner     []int32 // index of the click's participant
}

// generator draws a plan from a seeded PCG, so the shape of the network is
// reproducible; codes and click ids come from crypto/rand.
type generator struct {
	rng    *rand.Rand
	n      int
	clicks int // the total asked for; zero means n/2 stray clicks
	now    time.Time
	start  time.Time
	p      *plan
}

// newPlan draws the whole network for opt, which has been validated.
func newPlan(opt Options) *plan {
	n := opt.Users
	g := &generator{
		rng: rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15)),
		n:   n, clicks: opt.Clicks, now: opt.Now, start: opt.Now.Add(-History),
		p: &plan{
			users: make([]referralhub.User, n), parts: make([]referralhub.Participant, n),
			referrer: make([]int32, n), clickID: make([]string, n),
		},
	}
	g.people()
	g.tree()
	g.pathClicks()
	g.strayClicks()
	g.p.sortClicks()
	g.p.count()
	return g.p
}

// people fills in users and participants with signup times that increase
// with the index.
func (g *generator) people() {
	names := newUsernames(g.rng, g.n)
	codes := make(map[string]bool, g.n)
	var prev time.Time
	for i := range g.n {
		created := g.signupTime(i, prev)
		name := HubUsername
		if i > 0 {
			name = names.next()
		}
		g.p.users[i] = referralhub.User{Email: name + "@example.com", Username: name, CreatedAt: created}
		if i%10 < 8 { // most people verify their address, a few minutes in
			g.p.users[i].EmailVerifiedAt = created.Add(time.Duration(1+i%30) * time.Minute)
		}
		g.p.parts[i] = referralhub.Participant{Code: uniqueCode(codes), CreatedAt: created, LastSeenAt: g.lastSeen(i, created)}
		prev = created
	}
}

// signupTime places user i in its own slot of the history, later than prev.
func (g *generator) signupTime(i int, prev time.Time) time.Time {
	x := (float64(i) + 0.1 + 0.8*g.rng.Float64()) / float64(g.n)
	t := g.start.Add(time.Duration(float64(History) * math.Pow(x, growth))).Truncate(time.Microsecond)
	if !t.After(prev) {
		t = prev.Add(time.Microsecond)
	}
	return t
}

// lastSeen is some time between signing up and now; the hub was just here.
func (g *generator) lastSeen(i int, created time.Time) time.Time {
	if i == 0 {
		return g.now.Add(-g.between(0, time.Hour))
	}
	return created.Add(g.between(0, g.now.Sub(created)))
}

// between returns a random duration in [lo, hi) in whole microseconds, or lo
// when the range is empty.
func (g *generator) between(lo, hi time.Duration) time.Duration {
	span := int64((hi - lo) / time.Microsecond)
	if span <= 0 {
		return lo
	}
	return lo + time.Duration(g.rng.Int64N(span))*time.Microsecond
}

// uniqueCode draws referral codes until one is not in used, and records it.
func uniqueCode(used map[string]bool) string {
	for {
		code := core.NewCode()
		if !used[code] {
			used[code] = true
			return code
		}
	}
}

// tree picks each user's referrer: the hub's referees at random, then for
// the others an earlier non-hub user with probability referredShare.
func (g *generator) tree() {
	hub := g.hubReferees()
	var pref []int32 // the referrer of every non-hub referral: drawing from it favours busy referrers
	g.p.referrer[0] = -1
	for i := 1; i < g.n; i++ {
		g.p.referrer[i] = -1
		switch {
		case hub[i]:
			g.p.referrer[i] = 0
		case i > 1 && g.rng.Float64() < referredShare:
			g.p.referrer[i] = g.pickReferrer(i, pref)
			pref = append(pref, g.p.referrer[i])
		default:
			continue
		}
		g.p.referred = append(g.p.referred, int32(i))
	}
}

// hubReferees marks min(HubReferrals, n-1) users, other than the hub, at
// random.
func (g *generator) hubReferees() []bool {
	marked := make([]bool, g.n)
	k := min(HubReferrals, g.n-1)
	for _, j := range g.rng.Perm(g.n - 1)[:k] {
		marked[j+1] = true
	}
	return marked
}

// pickReferrer returns an earlier non-hub user for user i (i >= 2).
func (g *generator) pickReferrer(i int, pref []int32) int32 {
	if len(pref) > 0 && g.rng.Float64() < preferredShare {
		return pref[g.rng.IntN(len(pref))]
	}
	return int32(1 + g.rng.IntN(i-1))
}

// pathClicks gives every referral 1 to maxPathClicks clicks from one visitor
// in the week before the signup; the last one converted.
func (g *generator) pathClicks() {
	for _, i := range g.p.referred {
		r := g.p.referrer[i]
		signup := g.p.users[i].CreatedAt
		lo := signup.Add(-clickWindow)
		if joined := g.p.users[r].CreatedAt; joined.After(lo) {
			lo = joined
		}
		ip := g.ipHash()
		var last referralhub.Click
		for range 1 + g.rng.IntN(maxPathClicks) {
			c := g.click(r, lo.Add(g.between(0, signup.Sub(lo))), ip)
			if c.CreatedAt.After(last.CreatedAt) {
				last = c
			}
		}
		g.p.clickID[i] = last.ID
	}
}

// strayClicks adds clicks that never converted, mostly on the links of
// people who refer others, at any time after the owner signed up: n/2 of
// them, or as many as bring the total to the number asked for.
func (g *generator) strayClicks() {
	stray := g.n / 2
	if g.clicks > 0 {
		stray = max(0, g.clicks-len(g.p.clicks))
		g.p.clicks = slices.Grow(g.p.clicks, stray)
		g.p.owner = slices.Grow(g.p.owner, stray)
	}
	for range stray {
		owner := int32(g.rng.IntN(g.n))
		if len(g.p.referred) > 0 && g.rng.Float64() < strayOwnerPref {
			owner = g.p.referrer[g.p.referred[g.rng.IntN(len(g.p.referred))]]
		}
		created := g.p.users[owner].CreatedAt
		g.click(owner, created.Add(g.between(0, g.now.Sub(created))), g.ipHash())
	}
}

// sortClicks puts the clicks in time order, as they would have arrived; their
// ids then mostly grow, which keeps index inserts at the right-hand edge.
func (p *plan) sortClicks() {
	order := make([]int, len(p.clicks))
	for k := range order {
		order[k] = k
	}
	slices.SortFunc(order, func(a, b int) int { return p.clicks[a].CreatedAt.Compare(p.clicks[b].CreatedAt) })
	clicks, owner := make([]referralhub.Click, len(order)), make([]int32, len(order))
	for k, i := range order {
		clicks[k], owner[k] = p.clicks[i], p.owner[i]
	}
	p.clicks, p.owner = clicks, owner
}

// click records a click on owner's link and returns it.
func (g *generator) click(owner int32, at time.Time, ipHash string) referralhub.Click {
	c := referralhub.Click{
		ID: clicks.NewID(at), Code: g.p.parts[owner].Code, IPHash: ipHash,
		UserAgent: userAgents[g.rng.IntN(len(userAgents))], Referer: referers[g.rng.IntN(len(referers))], CreatedAt: at,
	}
	g.p.clicks = append(g.p.clicks, c)
	g.p.owner = append(g.p.owner, owner)
	return c
}

// ipHash is a random stand-in for the keyed hash the click path stores.
func (g *generator) ipHash() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.rng.Uint32())
	}
	return hex.EncodeToString(b[:])
}

// count sets each participant's referral, qualified and click counts, and
// which referrals qualify.
func (p *plan) count() {
	p.qualified = make([]bool, len(p.referred))
	for k, i := range p.referred {
		r := p.referrer[i]
		p.parts[r].ReferralCount++
		if !p.users[i].EmailVerifiedAt.IsZero() {
			p.qualified[k] = true
			p.parts[r].QualifiedCount++
		}
	}
	for k, owner := range p.owner {
		if !p.clicks[k].Bot {
			p.parts[owner].ClickCount++
		}
	}
}
