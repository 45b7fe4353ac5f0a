// Command host-app is a tiny web shop that runs its referral program on
// ReferralHub without sending anyone to ReferralHub's pages. It shows the
// whole integration:
//
//   - its pages carry ReferralHub's snippet, which keeps a referral (from
//     ?ref=CODE, or a /r/{code}?to= link) in a cookie on the shop's site;
//   - its own signup creates the participant through the JSON API, passing
//     the referral on;
//   - verified emails and purchases are reported as events, which drive the
//     program's rewards;
//   - webhooks from ReferralHub are received and their signatures checked;
//   - its signed-in "Refer a friend" page shows ReferralHub's embedded
//     referral page, with a token its backend mints for the user.
//
// Run it next to ReferralHub:
//
//	REFERRALHUB_BASE=http://127.0.0.1:8080 REFERRALHUB_API_KEY=rhk_... \
//	REFERRALHUB_WEBHOOK_SECRET=whsec_... go run ./examples/host-app
//
// For "Refer a friend" (/refer), list the shop's origin,
// http://localhost:8090 when opened at that address, under "Sites that may
// embed the referral page" at ReferralHub's /admin/program.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "host-app:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, getenv func(string) string) error {
	cfg := Config{Base: getenv("REFERRALHUB_BASE"), APIKey: getenv("REFERRALHUB_API_KEY"),
		WebhookSecret: getenv("REFERRALHUB_WEBHOOK_SECRET")}
	addr := getenv("HOST_APP_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8090"
	}
	if cfg.Base == "" || cfg.APIKey == "" {
		return errors.New("set REFERRALHUB_BASE and REFERRALHUB_API_KEY")
	}
	app := New(cfg, slog.New(slog.NewTextHandler(os.Stderr, nil)))
	srv := &http.Server{Addr: addr, Handler: app, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	slog.Info("shop listening", "url", "http://"+addr)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
