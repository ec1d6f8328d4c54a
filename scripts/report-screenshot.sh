#!/usr/bin/env bash
# Renders the REJECTED sign-off of the seed-fault repository (crates/cli/tests/fixtures/
# seed-fault, a repository built from the faults the reviews name) and screenshots its
# report.html in headless Chromium at 1280 px: docs/report-rejected.png, shown in the README.
# Usage: scripts/report-screenshot.sh [HEIGHT]   (needs chromium; builds signoff)
set -euo pipefail
cd "$(dirname "$0")/.."
height="${1:-1500}"
cargo build --release --locked -q -p signoff
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r crates/cli/tests/fixtures/seed-fault "$work/repo"
git -C "$work/repo" init -q
git -C "$work/repo" add -A
git -C "$work/repo" -c user.email=seed@example.com -c user.name=seed commit -qm "seed faults"
(cd "$work/repo" && "$OLDPWD/target/release/signoff" check . --out "$work/out" >/dev/null) || true
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
  --user-data-dir="$work/profile" --window-size=1280,"$height" \
  --screenshot="$PWD/docs/report-rejected.png" "file://$work/out/report.html" 2>/dev/null
echo "docs/report-rejected.png"
