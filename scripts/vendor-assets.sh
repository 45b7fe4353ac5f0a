#!/usr/bin/env bash
# Refreshes the front-end files that are vendored into the binary from npm.
# Run from the repository root: bash scripts/vendor-assets.sh
set -euo pipefail
HTMX_VERSION=2.0.11
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "htmx.org@${HTMX_VERSION}" >/dev/null && tar -xzf htmx.org-*.tgz)
cp "$tmp/package/dist/htmx.min.js" internal/web/static/vendor/htmx.min.js
echo "htmx ${HTMX_VERSION} -> internal/web/static/vendor/htmx.min.js"
