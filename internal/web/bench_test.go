package web_test

import (
	"net/http"
	"testing"

	"github.com/referralhub/referralhub/internal/demo"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// BenchmarkDashboard loads the dashboard of the demo user with 10,000
// referrals over real HTTP, once per engine.
func BenchmarkDashboard(b *testing.B) {
	for _, engine := range storagetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			db := storagetest.Open(b, engine)
			s := newSite(b, db)
			loadHubTB(b, db)
			hub := s.browser(b)
			hub.login(demo.HubUsername)
			b.ResetTimer()
			for b.Loop() {
				if resp, _ := hub.get("/"); resp.StatusCode != http.StatusOK {
					b.Fatal(resp.Status)
				}
			}
		})
	}
}

// BenchmarkClick follows a referral link over real HTTP, once per engine.
func BenchmarkClick(b *testing.B) {
	for _, engine := range storagetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			s := newSite(b, storagetest.Open(b, engine))
			alice := s.browser(b)
			alice.signup("alice")
			path := "/r/" + alice.link()[len(s.srv.URL)+3:]
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
