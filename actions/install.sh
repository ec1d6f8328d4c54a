#!/usr/bin/env bash
# Installs one signoff binary for a composite action, in this order:
#   1. a binary of the right version already on PATH (or in the tool cache);
#   2. the release asset for this runner's OS and architecture, verified against the
#      release's SHA256SUMS (a mismatch is refused, never installed);
#   3. `cargo install --locked --path` from this action's own checkout.
# Inputs (environment): SIGNOFF_BINARY (signoff-secrets, signoff-report, …), SIGNOFF_VERSION
# (empty: the version in actions/VERSION; `latest`: the newest release), SIGNOFF_DOWNLOAD_URL (release download base,
# default https://github.com/signoff-dev/signoff/releases/download), GITHUB_ACTION_PATH.
# Output: `bin=<absolute path>` in $GITHUB_OUTPUT, and the directory on $GITHUB_PATH.
set -euo pipefail

fail() { echo "::error title=signoff install::$*" >&2; exit 1; }
note() { echo "signoff install: $*" >&2; }

binary=${SIGNOFF_BINARY:?SIGNOFF_BINARY names the binary to install}
case "$binary" in
  signoff|signoff-secrets|signoff-sbom|signoff-coverage|signoff-health|signoff-report|signoff-vulns|signoff-pipeline|signoff-infra) ;;
  *) fail "unknown binary '$binary'" ;;
esac
# GITHUB_ACTION_PATH is actions/<gate> for a gate action and the repository root for the
# report action; actions/ holds VERSION either way.
actions_dir=$(cd "${GITHUB_ACTION_PATH:-$(dirname "$0")}" && pwd)
if [ -f "$actions_dir/actions/VERSION" ]; then actions_dir="$actions_dir/actions"
elif [ ! -f "$actions_dir/VERSION" ]; then actions_dir=$(cd "$actions_dir/.." && pwd); fi
root=$(cd "$actions_dir/.." && pwd)
version=${SIGNOFF_VERSION:-}
[ -n "$version" ] || version=$(tr -d ' \r\n' < "$actions_dir/VERSION")
version=${version#v}
base=${SIGNOFF_DOWNLOAD_URL:-https://github.com/signoff-dev/signoff/releases/download}
# `latest`: the release GitHub's /releases/latest redirects to (/releases/tag/vX.Y.Z).
if [ "$version" = latest ]; then
  latest="${base%/download}/latest"
  resolved=$(curl --proto '=https,http' -fsSL -o /dev/null -w '%{url_effective}' --retry 3 --retry-delay 1 \
    --connect-timeout 10 --max-time 60 "$latest") \
    || fail "cannot find the latest release at $latest; pin 'version' to a release like 0.1.0"
  version=${resolved%/}
  version=${version##*/}
  version=${version#v}
  note "latest release: v$version"
fi
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] \
  || fail "version '$version' is not a release version like 0.1.0 (or latest); fix the action's 'version' input"

exe=""
os=${RUNNER_OS:-$(uname -s)}
arch=${RUNNER_ARCH:-$(uname -m)}
case "$os" in
  Linux) os_part=unknown-linux-musl ;;
  macOS|Darwin) os_part=apple-darwin ;;
  Windows|MINGW*|MSYS*|CYGWIN*) os_part=pc-windows-msvc; exe=.exe ;;
  *) os_part="" ;;
esac
case "$arch" in
  X64|x86_64|amd64) arch_part=x86_64 ;;
  ARM64|aarch64|arm64) arch_part=aarch64 ;;
  *) arch_part="" ;;
esac
target=""
[ -n "$os_part" ] && [ -n "$arch_part" ] && target="$arch_part-$os_part"

cache=${RUNNER_TOOL_CACHE:-${HOME:-/tmp}/.cache}/signoff/$version/${target:-source}
done_with() {
  local path=$1
  note "using $path ($("$path" --version))"
  if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "bin=$path" >> "$GITHUB_OUTPUT"; fi
  if [ -n "${GITHUB_PATH:-}" ]; then dirname "$path" >> "$GITHUB_PATH"; fi
  exit 0
}

# 1. Already installed, at the right version.
for candidate in "$(command -v "$binary$exe" 2>/dev/null || true)" "$cache/bin/$binary$exe"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    found=$("$candidate" --version 2>/dev/null | awk '{print $2}') || found=""
    if [ "$found" = "$version" ]; then done_with "$candidate"; fi
    [ -n "$found" ] && note "ignoring $candidate: version $found, not $version"
  fi
done

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | awk '{print $1}'
  else shasum -a 256 "$1" | awk '{print $1}'; fi
}

# 2. The release asset, verified.
if [ -n "$target" ]; then
  if [ "$exe" = .exe ]; then archive="signoff-$version-$target.zip"; else archive="signoff-$version-$target.tar.gz"; fi
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  fetch() { curl --proto '=https,http' -fsSL --retry 3 --retry-delay 1 --connect-timeout 10 --max-time 300 -o "$2" "$1"; }
  if fetch "$base/v$version/SHA256SUMS" "$work/SHA256SUMS" 2>/dev/null; then
    expected=$(awk -v name="$archive" '$2 == name || $2 == "*" name {print $1}' "$work/SHA256SUMS" | head -n 1)
    [ -n "$expected" ] || fail "SHA256SUMS of release v$version lists no $archive; no build for $target?"
    fetch "$base/v$version/$archive" "$work/$archive" || fail "cannot download $base/v$version/$archive"
    actual=$(sha256 "$work/$archive")
    if [ "$actual" != "$expected" ]; then
      fail "checksum mismatch for $archive: expected $expected, got $actual; refusing to install it"
    fi
    mkdir -p "$cache/bin"
    if [ "$exe" = .exe ]; then unzip -q -o "$work/$archive" -d "$work/x"; else mkdir -p "$work/x" && tar -xzf "$work/$archive" -C "$work/x"; fi
    found=$(find "$work/x" -type f -name "$binary$exe" | head -n 1)
    [ -n "$found" ] || fail "$archive holds no $binary$exe"
    for file in "$(dirname "$found")"/signoff*; do install -m 0755 "$file" "$cache/bin/"; done
    done_with "$cache/bin/$binary$exe"
  fi
  note "no release v$version found at $base; building from source"
fi

# 3. Build from this action's checkout.
case "$binary" in
  signoff) package=cli ;;
  signoff-secrets) package=secrets ;;
  signoff-sbom) package=sbom ;;
  signoff-vulns) package=vulns ;;
  signoff-coverage) package=coverage ;;
  signoff-health) package=health ;;
  signoff-report) package=report ;;
  signoff-pipeline) package=pipeline ;;
  signoff-infra) package=infra ;;
esac
command -v cargo >/dev/null 2>&1 \
  || fail "no release v$version for this runner and no cargo to build one; install Rust (rustup) or pin 'version' to a released version"
[ -f "$root/crates/$package/Cargo.toml" ] || fail "cannot build $binary: $root/crates/$package is missing"
cargo install --quiet --locked --path "$root/crates/$package" --root "$cache" --bin "$binary" >&2
done_with "$cache/bin/$binary$exe"
