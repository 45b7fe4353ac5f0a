// Package deploy holds the deployment files: docker-compose.yml with its
// Caddyfile, the systemd unit referralhub.service and the Prometheus alert
// rules prometheus/alerts.yml. The Dockerfile is at the repository root. It has no code; its tests check those files, and,
// with REFERRALHUB_TEST_STATIC_BUILD=1 ("bash .ci/run static-build"), that
// the Dockerfile's build makes a static binary. See docs/deploy.md.
package deploy
