package core

import (
	"context"
	"slices"
	"strings"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/clicks"
)

// Visit describes who followed a referral link.
type Visit struct {
	IP         string
	UserAgent  string
	Referer    string
	SessionKey string // the visitor's session token, "" when anonymous
	FetchDest  string // the Sec-Fetch-Dest header, "" when the browser sent none
	Channel    string // the link's ?s=, any string: ShareChannel judges it
}

// ClickResult says what a followed link does. When Attributed is false the
// visitor is sent on without attribution (unknown code, own link).
type ClickResult struct {
	Attributed  bool
	Bot         bool                  // recorded as a bot click: no attribution
	Own         bool                  // the signed-in visitor's own link: nothing recorded
	Owner       referralhub.CodeOwner // whose link it is, when the code is known
	Attribution Attribution
	Cookie      string // the signed attribution cookie value
}

// maxStoredHeader caps the user agent and referer kept per click.
const maxStoredHeader = 512

// Click handles a followed referral link: it resolves the code through the
// cache, queues the click and returns the signed attribution. It writes no
// session row and does not wait for the database on the common path.
func (s *Service) Click(ctx context.Context, rawCode string, v Visit) (ClickResult, error) {
	code := NormalizeCode(rawCode)
	if code == "" {
		return ClickResult{}, nil
	}
	owner, found, err := s.codes.Lookup(ctx, code)
	if err != nil || !found {
		return ClickResult{}, err
	}
	if v.SessionKey != "" && s.isOwnLink(ctx, v.SessionKey, owner) {
		return ClickResult{Own: true}, nil
	}
	now := s.now()
	a := Attribution{Code: code, ClickID: clicks.NewID(now), At: now, Channel: ShareChannel(v.Channel)}
	bot := s.isBot(v)
	s.clicks.Add(referralhub.Click{
		ID: a.ClickID, ParticipantID: owner.ParticipantID, Code: code,
		IPHash: s.hashIP(ctx, v.IP), UserAgent: cleanHeader(v.UserAgent),
		Referer: cleanHeader(v.Referer), CreatedAt: now, Bot: bot, Channel: a.Channel,
	})
	if bot {
		return ClickResult{Bot: true, Owner: owner}, nil
	}
	return ClickResult{Attributed: true, Attribution: a, Cookie: s.signAttribution(a)}, nil
}

// KnownCode reports whether a code resolves, without recording anything:
// for HEAD requests, which link checkers and previews send.
func (s *Service) KnownCode(ctx context.Context, rawCode string) bool {
	_, ok := s.LinkOwner(ctx, rawCode)
	return ok
}

// LinkOwner resolves a link's code (current or old) through the code
// cache, without recording anything: for the link's preview image.
func (s *Service) LinkOwner(ctx context.Context, rawCode string) (referralhub.CodeOwner, bool) {
	code := NormalizeCode(rawCode)
	if code == "" {
		return referralhub.CodeOwner{}, false
	}
	owner, found, err := s.codes.Lookup(ctx, code)
	return owner, err == nil && found
}

// isOwnLink reports whether the signed-in visitor owns the link: people
// following their own link are never attributed.
func (s *Service) isOwnLink(ctx context.Context, sessionKey string, owner referralhub.CodeOwner) bool {
	_, p, err := s.sessionUser(ctx, sessionKey)
	return err == nil && p.ID == owner.ParticipantID
}

// NormalizeCode lower-cases a code and returns "" when it cannot be one:
// MinCodeLength to MaxCodeLength bytes of a-z, 0-9 and "-". It runs on
// every click, so it allocates only for a code typed in capitals.
func NormalizeCode(raw string) string {
	if len(raw) < MinCodeLength || len(raw) > MaxCodeLength {
		return ""
	}
	upper := false
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-':
		case 'A' <= c && c <= 'Z':
			upper = true
		default:
			return ""
		}
	}
	if upper {
		return strings.ToLower(raw)
	}
	return raw
}

// ShareChannel returns raw when it names one of referralhub.ShareChannels,
// and "" (no channel) for anything else.
func ShareChannel(raw string) string {
	if raw != "" && slices.Contains(referralhub.ShareChannels, raw) {
		return raw
	}
	return ""
}

// hashIP keeps a keyed hash of the IP under the current salt period, never
// the address itself.
func (s *Service) hashIP(ctx context.Context, ip string) string {
	return s.ips.Hash(ctx, ip, s.now())
}

// cleanHeader makes a request header storable on both engines: valid
// UTF-8, no NUL, at most maxStoredHeader bytes. One odd header must never
// make a whole batch of clicks fail to insert.
func cleanHeader(h string) string {
	if len(h) > maxStoredHeader {
		h = h[:maxStoredHeader]
	}
	if !IsText(h) {
		h = strings.ReplaceAll(strings.ToValidUTF8(h, "\uFFFD"), "\x00", "")
	}
	return h
}
