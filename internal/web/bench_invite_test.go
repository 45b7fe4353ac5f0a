package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// BenchmarkClickInvite follows an invitation's link (?s=invite&i=token)
// over real HTTP, once per engine: BenchmarkClick plus the invite's mark,
// to compare.
func BenchmarkClickInvite(b *testing.B) {
	for _, engine := range storagetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			db := storagetest.Open(b, engine)
			s := newSite(b, db)
			alice := s.browser(b)
			alice.signup("alice")
			alice.post("/invites", url.Values{"emails": {"friend@example.com"}})
			_, p, err := s.svc.Authenticate(context.Background(), alice.cookie("rh_session").Value)
			if err != nil {
				b.Fatal(err)
			}
			invites, err := s.svc.Invites(context.Background(), p)
			if err != nil || len(invites) != 1 {
				b.Fatalf("invites: %v, %v", invites, err)
			}
			link := s.svc.InviteLink(p.Code, invites[0].Token)
			path := link[strings.Index(link, "/r/"):]
			visitor := s.browser(b)
			b.ResetTimer()
			for b.Loop() {
				if resp, _ := visitor.get(path); resp.StatusCode != http.StatusFound {
					b.Fatal(resp.Status)
				}
			}
		})
	}
}
