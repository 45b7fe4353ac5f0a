#!/usr/bin/env bash
# Refreshes the front-end files that are vendored into the binary from npm.
# Run from the repository root: bash scripts/vendor-assets.sh
set -euo pipefail
HTMX_VERSION=2.0.11
CHARTJS_VERSION=4.6.1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "htmx.org@${HTMX_VERSION}" >/dev/null && tar -xzf htmx.org-*.tgz)
cp "$tmp/package/dist/htmx.min.js" internal/web/static/vendor/htmx.min.js
echo "htmx ${HTMX_VERSION} -> internal/web/static/vendor/htmx.min.js"
# Chart.js draws the admin's analytics charts. Its source-map comment is
# dropped, since the map is not vendored.
rm -rf "$tmp/package"
(cd "$tmp" && npm pack --silent "chart.js@${CHARTJS_VERSION}" >/dev/null && tar -xzf chart.js-*.tgz)
grep -v '^//# sourceMappingURL=' "$tmp/package/dist/chart.umd.min.js" > internal/web/static/vendor/chart.umd.min.js
echo "Chart.js ${CHARTJS_VERSION} -> internal/web/static/vendor/chart.umd.min.js"
