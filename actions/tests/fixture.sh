#!/usr/bin/env bash
# Makes the repository the self-test signs off, and starts its service on 127.0.0.1.
# usage: fixture.sh pass|fail|shard-1|shard-2 DIR
#   pass: no secret, fully covered code, a healthy service.
#   shard-1, shard-2: as pass, but each runs half of the tests (a 2-shard matrix).
#   fail: a GitHub token with a valid checksum in the code, half-covered code, and a
#         service that answers 404 on its health URL.
# Every input is made by real tools: git, cargo's lockfile of this repository,
# coverage.py (python3 -m coverage) for the lcov report.
set -euo pipefail
case_name=$1
dir=$2
source_root=$(pwd)
rm -rf "$dir" && mkdir -p "$dir"
python=${SIGNOFF_PYTHON:-python3}

cd "$dir"
git init -q -b main .
git config user.name "Self Test"
git config user.email self-test@example.com
git config commit.gpgsign false

# Dependencies: this repository's own manifests and lockfile.
cp "$source_root/Cargo.toml" "$source_root/Cargo.lock" .
for manifest in "$source_root"/crates/*/Cargo.toml; do
  crate=$(basename "$(dirname "$manifest")")
  mkdir -p "crates/$crate/src" && cp "$manifest" "crates/$crate/"
  echo "// placeholder" > "crates/$crate/src/lib.rs"
done

# Code and its tests.
mkdir -p app tests
cat > app/__init__.py <<'PY'
PY
cat > app/pricing.py <<'PY'
def total(prices, discount=0):
    subtotal = sum(prices)
    if discount:
        subtotal = subtotal * (100 - discount) / 100
    return round(subtotal, 2)


def label(amount):
    if amount > 100:
        return "large"
    if amount > 10:
        return "medium"
    return "small"
PY
if [ "$case_name" = pass ]; then
  cat > tests/test_pricing.py <<'PY'
from app.pricing import label, total

assert total([10, 20]) == 30
assert total([100], discount=10) == 90
assert label(500) == "large"
assert label(50) == "medium"
assert label(5) == "small"
PY
elif [ "$case_name" = shard-1 ]; then
  # Matrix shards: each runs half of the tests, so each covers part of the code and
  # only the two together cover all of it.
  cat > tests/test_pricing.py <<'PY'
from app.pricing import total

assert total([10, 20]) == 30
assert total([100], discount=10) == 90
PY
elif [ "$case_name" = shard-2 ]; then
  cat > tests/test_pricing.py <<'PY'
from app.pricing import label

assert label(500) == "large"
assert label(50) == "medium"
assert label(5) == "small"
PY
else
  cat > tests/test_pricing.py <<'PY'
from app.pricing import total

assert total([10, 20]) == 30
PY
  # A credential with a valid checksum, made here so none is ever committed.
  token=$("$python" - <<'PY'
import random, string, zlib
alphabet = string.digits + string.ascii_uppercase + string.ascii_lowercase
body = "".join(random.SystemRandom().choice(alphabet) for _ in range(30))
n = zlib.crc32(body.encode()) & 0xFFFFFFFF
digits = ""
for _ in range(6):
    n, r = divmod(n, 62)
    digits = alphabet[r] + digits
print("ghp_" + body + digits)
PY
)
  printf 'GITHUB_TOKEN = "%s"\n' "$token" > app/settings.py
  printf '%s' "$token" > ../fixture.secret
fi
# CI: a workflow that passes the pipeline gate (pinned, least-privilege, bounded), or one
# that fails it (an action on a branch, the token's default permissions).
mkdir -p .github/workflows
if [ "$case_name" = pass ]; then
  cat > .github/workflows/ci.yml <<'YAML'
name: ci
on:
  pull_request:
permissions: {}
concurrency:
  group: ci-${{ github.ref }}
  cancel-in-progress: true
jobs:
  test:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          persist-credentials: false
      - run: python3 -m tests.test_pricing
YAML
else
  cat > .github/workflows/ci.yml <<'YAML'
name: ci
on: [pull_request, push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@main
      - run: python3 -m tests.test_pricing || true
YAML
  # Packaging that fails the infra gate: an untagged base image, run as root.
  printf 'FROM python\nCOPY app/ /app/\nCMD ["python3", "-m", "app"]\n' > Dockerfile
fi
"$python" -m coverage run --source=app -m tests.test_pricing
"$python" -m coverage lcov -q -o coverage.lcov
rm -f .coverage
git add -A
git commit -q -m "initial"

# The service: a static server with a health document.
mkdir -p www
printf '{"status": "healthy", "checks": [{"name": "db", "ok": true}]}\n' > www/health
port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
nohup "$python" -m http.server "$port" --bind 127.0.0.1 --directory www >/dev/null 2>&1 &
echo $! > ../fixture.pid
for _ in $(seq 50); do
  if "$python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/health', timeout=1)" 2>/dev/null; then break; fi
  sleep 0.1
done
if [ "$case_name" = pass ]; then path=health; else path=missing-health; fi
echo "url=http://127.0.0.1:$port/$path" >> "${GITHUB_OUTPUT:-/dev/stdout}"
