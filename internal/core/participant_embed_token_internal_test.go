package core

import (
	"testing"
	"time"
)

// TestEmbedTokenRoundTrip checks that a token reads back as signed, that
// another install's key (another secret) reads nothing from it, and that
// large ids and far expiries survive.
func TestEmbedTokenRoundTrip(t *testing.T) {
	ours, theirs := &Service{keys: deriveKeys([]byte("one secret key"))}, &Service{keys: deriveKeys([]byte("another secret key"))}
	for _, c := range []embedClaims{
		{participantID: 1, keyID: 1, expires: time.Unix(1_800_000_000, 0).UTC()},
		{participantID: 1 << 40, keyID: 987_654_321, expires: time.Unix(4_000_000_000, 0).UTC()},
	} {
		token := ours.signEmbed(c)
		if got, ok := ours.parseEmbed(token); !ok || got != c {
			t.Errorf("%+v read back as %+v, %v", c, got, ok)
		}
		if got, ok := theirs.parseEmbed(token); ok {
			t.Errorf("another install read %+v from %s", got, token)
		}
		if len(token) > 80 {
			t.Errorf("token %s is %d characters", token, len(token))
		}
	}
}
