#!/usr/bin/env bash
# Refreshes the embedded list of disposable email domains from npm's
# disposable-email-domains (MIT). Run from the repository root:
#   bash scripts/vendor-disposable.sh
set -euo pipefail
VERSION=1.0.62
out=internal/core/data/disposable_domains.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "disposable-email-domains@${VERSION}" >/dev/null && tar -xzf disposable-email-domains-*.tgz)
{
	echo "# Disposable email domains: npm disposable-email-domains@${VERSION} (MIT), one per line, sorted."
	echo "# Refreshed by scripts/vendor-disposable.sh; extend at run time with REFERRALHUB_DISPOSABLE_DOMAINS."
	python3 -c 'import json,sys; print("\n".join(sorted({d.strip().lower() for d in json.load(open(sys.argv[1])) if d.strip()})))' "$tmp/package/index.json"
} >"$out"
echo "disposable-email-domains ${VERSION} -> $out ($(grep -vc '^#' "$out") domains)"
