package web

import (
	"net/http"

	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/integrations/stripehook"
)

// clickPattern is the referral link's route, the hot path.
const clickPattern = "GET /r/{code}"

// clickSlashPattern is the referral link with a trailing slash, as some
// sites and chat apps write it: it answers like clickPattern.
const clickSlashPattern = "GET /r/{code}/{$}"

// routes registers every route of the hosted site in one place.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	rl, limits := s.rateLimiter(), s.cfg.RateLimit.Limits
	mux.HandleFunc("GET /{$}", s.handleHome)
	click := rl.byIP("click", limits.Click, s.clickHandler())
	mux.Handle(clickPattern, click)
	mux.Handle(clickSlashPattern, asClick(click))
	mux.Handle("GET /r/{code}/preview.png", rl.byIP("preview", limits.Click, s.handlePreviewImage))
	mux.HandleFunc("GET /signup", s.handleSignupForm)
	mux.HandleFunc("GET /c/{slug}", s.handleCampaignSignupForm)
	mux.Handle("POST /signup", rl.byIP("signup", limits.Signup, s.handleSignup))
	mux.HandleFunc("GET /login", s.handleLoginForm)
	mux.Handle("POST /login", rl.login(limits, s.handleLogin))
	mux.HandleFunc("POST /logout", s.handleLogout)
	mux.HandleFunc("GET /rewards", s.handleRewards)
	mux.HandleFunc("POST /rewards/{id}/redeem", s.handleRedeem)
	mux.HandleFunc("POST /rewards/coupon", s.handleBuyCoupon)
	mux.HandleFunc("GET /settings", s.handleSettings)
	mux.HandleFunc("POST /settings/notifications", s.handleSettingsNotifications)
	mux.HandleFunc("POST /settings/password", s.handleSettingsPassword)
	mux.HandleFunc("POST /settings/email", s.handleSettingsEmail)
	mux.HandleFunc("POST /settings/leaderboard", s.handleSettingsLeaderboard)
	mux.HandleFunc("POST /settings/code", s.handleSettingsCode)
	mux.HandleFunc("GET /verify-email", s.handleVerifyEmail)
	mux.Handle("POST /verify-email/resend", rl.byUserOr("verify", limits.Verify, s.handleResendVerification, s.resendTooSoon))
	mux.HandleFunc("GET /password-reset", s.handleResetForm)
	mux.Handle("POST /password-reset", rl.byIP("reset", limits.Verify, s.handleResetRequest))
	mux.HandleFunc("GET /password-reset/confirm", s.handleResetConfirmForm)
	mux.HandleFunc("POST /password-reset/confirm", s.handleResetConfirm)
	mux.Handle("POST /invites", rl.byUser("invite", limits.Verify, s.handleInvites))
	mux.HandleFunc("GET "+core.InviteUnsubscribePath, s.handleInviteUnsubscribeForm)
	mux.HandleFunc("POST "+core.InviteUnsubscribePath, s.handleInviteUnsubscribe)
	mux.HandleFunc("GET /unsubscribe", s.handleUnsubscribeForm)
	mux.HandleFunc("POST /unsubscribe", s.handleUnsubscribe)
	mux.HandleFunc("GET /admin", s.handleAdminUsers)
	mux.HandleFunc("POST /admin/users/{id}/code", s.handleAdminUserCode)
	mux.HandleFunc("GET /admin/users/{id}", s.handleAdminUser)
	mux.HandleFunc("POST /admin/users/{id}/{action}", s.handleAdminUserAction)
	mux.HandleFunc("GET /admin/program", s.handleAdminProgram)
	mux.HandleFunc("POST /admin/program", s.handleAdminProgramSave)
	mux.HandleFunc("POST /admin/program/preset", s.handleAdminProgramPreset)
	mux.HandleFunc("POST /admin/program/backtest", s.handleAdminProgramBacktest)
	mux.HandleFunc("GET /admin/campaigns/{slug}/experiments", s.handleAdminExperiments)
	mux.HandleFunc("POST /admin/campaigns/{slug}/experiments", s.handleAdminExperimentStart)
	mux.HandleFunc("GET /admin/experiments/{id}", s.handleAdminExperiment)
	mux.HandleFunc("POST /admin/experiments/{id}/stop", s.handleAdminExperimentStop)
	mux.HandleFunc("POST /admin/experiments/{id}/promote", s.handleAdminExperimentPromote)
	mux.HandleFunc("GET /settings/export", s.handleSettingsExport)
	mux.HandleFunc("GET /settings/delete", s.handleSettingsDeleteForm)
	mux.HandleFunc("POST /settings/delete", s.handleSettingsDelete)
	mux.HandleFunc("GET /admin/fraud", s.handleAdminFraud)
	mux.HandleFunc("POST /admin/fraud", s.handleAdminFraudSave)
	mux.HandleFunc("GET /admin/review", s.handleAdminReview)
	mux.HandleFunc("POST /admin/review/{id}", s.handleAdminReviewDecide)
	mux.HandleFunc("GET /admin/audit", s.handleAdminAudit)
	mux.HandleFunc("GET /admin/campaigns", s.handleAdminCampaigns)
	mux.HandleFunc("POST /admin/campaigns", s.handleAdminCampaignCreate)
	mux.HandleFunc("GET /admin/campaigns/{slug}", s.handleAdminCampaign)
	mux.HandleFunc("POST /admin/campaigns/{slug}", s.handleAdminCampaignSave)
	mux.HandleFunc("POST /admin/campaigns/{slug}/end", s.handleAdminCampaignEnd)
	mux.HandleFunc("POST /admin/campaigns/{slug}/enrol", s.handleAdminCampaignEnrol)
	mux.HandleFunc("POST /admin/campaigns/{slug}/backtest", s.handleAdminCampaignBacktest)
	mux.HandleFunc("GET /admin/api-keys", s.handleAdminAPIKeys)
	mux.HandleFunc("POST /admin/api-keys", s.handleAdminAPIKeyCreate)
	mux.HandleFunc("POST /admin/api-keys/{id}/revoke", s.handleAdminAPIKeyRevoke)
	mux.HandleFunc("GET /admin/webhooks", s.handleAdminWebhooks)
	mux.HandleFunc("POST /admin/webhooks", s.handleAdminWebhookCreate)
	mux.HandleFunc("GET /admin/webhooks/{id}", s.handleAdminWebhook)
	mux.HandleFunc("POST /admin/webhooks/{id}", s.handleAdminWebhookUpdate)
	mux.HandleFunc("POST /admin/webhooks/{id}/replay", s.handleAdminWebhookReplayDead)
	mux.HandleFunc("POST /admin/webhook-deliveries/{id}/replay", s.handleAdminWebhookReplay)
	mux.HandleFunc("GET /snippet.js", s.handleSnippet)
	mux.HandleFunc("GET /embed.js", s.handleEmbedJS)
	mux.HandleFunc("GET "+core.EmbedPagePath, s.handleEmbed) // GET /embed/referrals?token=
	mux.HandleFunc("POST /embed/rewards/{id}/redeem", s.handleEmbedRedeem)
	mux.HandleFunc("POST /embed/rewards/coupon", s.handleEmbedCoupon)
	mux.HandleFunc("GET /leaderboard", s.handleLeaderboard)
	mux.HandleFunc("GET /network", s.handleNetwork)
	mux.HandleFunc("GET /admin/branding", s.handleAdminBranding)
	mux.HandleFunc("POST /admin/branding", s.handleAdminBrandingSave)
	mux.HandleFunc("GET /brand/logo", s.handleBrandLogo)
	mux.HandleFunc("GET /brand/style.css", s.handleBrandCSS)
	mux.HandleFunc("GET /admin/analytics", s.handleAdminAnalytics)
	mux.HandleFunc("GET /admin/analytics/export/{table}", s.handleAdminAnalyticsExport)
	mux.HandleFunc("GET /admin/jobs", s.handleAdminJobs)
	mux.HandleFunc("POST /admin/jobs/{id}/retry", s.handleAdminJobRetry)
	mux.HandleFunc("GET /admin/integrations/stripe", s.handleAdminStripe)
	mux.HandleFunc("POST /admin/integrations/stripe/events/{id}/retry", s.handleAdminStripeRetry)
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /readyz", s.handleReady)
	s.routeMetrics(mux)
	mux.Handle("GET /static/", s.assets.handler())
	mux.Handle("GET /favicon.ico", http.RedirectHandler("/static/favicon.svg", http.StatusMovedPermanently))
	// Only GET: a path that exists answers other methods with 405 and Allow.
	mux.HandleFunc("GET /", s.handleNotFound)

	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(s.handleCrossOrigin))
	// The JSON API authenticates with bearer keys, not cookies, so it sits
	// outside the cross-origin check that guards the site's forms.
	outer := http.NewServeMux()
	outer.Handle("/api/v1/", s.apiHandler())
	// Stripe signs its events; they carry no cookies to protect.
	outer.Handle("POST "+stripehook.Path, s.stripeWebhook())
	outer.Handle("/", chain(mux, csrf.Handler))
	return chain(outer, s.securityHeaders, s.logRequests, s.recoverPanics, s.measure, withRequestID)
}

// chain wraps h in middleware, the last one outermost.
func chain(h http.Handler, mw ...func(http.Handler) http.Handler) http.Handler {
	for _, m := range mw {
		h = m(h)
	}
	return h
}

// asClick serves a request under clickPattern, so logs and metrics count
// it as the click it is.
func asClick(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Pattern = clickPattern
		next.ServeHTTP(w, r)
	})
}
