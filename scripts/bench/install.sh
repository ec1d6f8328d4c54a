#!/usr/bin/env bash
# How long the actions' install step takes from a release asset: actions/install.sh against
# a local HTTP server on 127.0.0.1 serving a release (SHA256SUMS and the archive of the
# release `signoff` binary), each run with an empty tool cache, so every run downloads,
# verifies the checksum and unpacks. Prints each run and the median.
#
#   scripts/bench/install.sh [RUNS]          (default 11; builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-11}
cargo build --release -q --locked -p signoff
version=$(tr -d ' \r\n' < actions/VERSION)
target=x86_64-unknown-linux-musl
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

name="signoff-$version-$target"
mkdir -p "$work/stage/$name" "$work/www/v$version"
cp target/release/signoff "$work/stage/$name/"
tar -czf "$work/www/v$version/$name.tar.gz" -C "$work/stage" "$name"
(cd "$work/www/v$version" && sha256sum "$name.tar.gz" > SHA256SUMS)
size=$(stat -c %s "$work/www/v$version/$name.tar.gz")

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/www" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/v$version/SHA256SUMS" >/dev/null && break; sleep 0.1; done

times=()
for i in $(seq "$runs"); do
  rm -rf "$work/cache" && mkdir -p "$work/cache"
  start=$(date +%s.%N)
  SIGNOFF_BINARY=signoff SIGNOFF_DOWNLOAD_URL="http://127.0.0.1:$port" \
    GITHUB_ACTION_PATH="$PWD/actions/sbom" RUNNER_OS=Linux RUNNER_ARCH=X64 \
    RUNNER_TOOL_CACHE="$work/cache" GITHUB_OUTPUT="$work/output" GITHUB_PATH="$work/path" \
    PATH=/usr/local/bin:/usr/bin:/bin bash actions/install.sh >/dev/null 2>&1
  end=$(date +%s.%N)
  "$work/cache/signoff/$version/$target/bin/signoff" --version >/dev/null
  t=$(python3 -c "print(f'{($end - $start) * 1000:.0f}')")
  times+=("$t")
  echo "run $i: $t ms"
done
printf '%s\n' "${times[@]}" | sort -n | awk -v size="$size" '{a[NR]=$1} END {
  printf "install from a release asset (%.1f MB archive): median %d ms, max %d ms over %d runs\n",
    size/1e6, a[int((NR+1)/2)], a[NR], NR }'
