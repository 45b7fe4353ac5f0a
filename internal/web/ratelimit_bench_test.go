package web_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/ratelimit"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/web"
)

// BenchmarkClickRateLimited is BenchmarkClick with the click limit on, in
// memory, set high enough never to deny: the cost of the check itself.
func BenchmarkClickRateLimited(b *testing.B) {
	for _, engine := range storagetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			s := newSiteWith(b, storagetest.Open(b, engine), time.Now, siteOptions{rateLimit: web.RateLimit{
				Limiter: ratelimit.NewMemory(nil), Limits: ratelimit.Limits{Click: ratelimit.Limit{Count: 1_000_000, Per: time.Second}}}})
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
