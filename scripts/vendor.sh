#!/usr/bin/env bash
# Refresh the vendored front-end files from the npm registry (no CDN at run time).
set -euo pipefail
cd "$(dirname "$0")/.."
CHARTJS=4.6.1
AXE=4.14.1
tmp=$(mktemp -d)
(cd "$tmp" && npm pack --silent "chart.js@$CHARTJS" "axe-core@$AXE" >/dev/null)
mkdir -p "$tmp/c" "$tmp/a"
tar xzf "$tmp/chart.js-$CHARTJS.tgz" -C "$tmp/c"
tar xzf "$tmp/axe-core-$AXE.tgz" -C "$tmp/a"
cp "$tmp/c/package/dist/chart.umd.min.js" static/vendor/chartjs/
cp "$tmp/c/package/LICENSE.md" static/vendor/chartjs/
cp "$tmp/a/package/axe.min.js" "$tmp/a/package/LICENSE" tests/browser/vendor/axe-core/
rm -rf "$tmp"
echo "vendored chart.js $CHARTJS and axe-core $AXE"
