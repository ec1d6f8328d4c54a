#!/usr/bin/env bash
# Benchmarks of the secret-scan gate against its peers (Kingfisher, Betterleaks), run side
# by side on the same input, alternating, several runs, medians reported.
#
#   scripts/bench/secrets.sh corpus [SEEDS...]   recall/precision on labeled corpora
#                                               (tree and history modes; default seeds 1-5)
#   scripts/bench/secrets.sh history REPO [RUNS] full-history wall time and peak RSS
#   scripts/bench/secrets.sh tree REPO [RUNS]    working-tree (exported HEAD) wall time
#   scripts/bench/secrets.sh config [SEEDS...]   a gitleaks config (secrets-gitleaks.toml):
#                                               same findings as Betterleaks for its rules
#
# Needs the shared benchmark kit (make_corpus.py, score.py, install-peers.sh) in
# $SIGNOFF_BENCH_KIT (default /work/shared/bench/secrets) and skips cleanly without it.
# REPO is a non-bare clone, e.g. a --single-branch clone of curl/curl.
set -euo pipefail
cd "$(dirname "$0")/../.."
KIT="${SIGNOFF_BENCH_KIT:-/work/shared/bench/secrets}"
if [ ! -f "$KIT/score.py" ]; then
  echo "skip: the benchmark kit is not at $KIT (set SIGNOFF_BENCH_KIT)"; exit 0
fi
eval "$(bash "$KIT/install-peers.sh")"           # sets kingfisher=… betterleaks=…
KF="$kingfisher"; BL="$betterleaks"
if [ -n "${SIGNOFF_SECRETS_BIN:-}" ]; then
  US="$SIGNOFF_SECRETS_BIN"                     # a binary built earlier with cargo build --release
else
  cargo build --release -q -p signoff-secrets
  US="$PWD/target/release/signoff-secrets"
fi
WORK="${SIGNOFF_BENCH_DIR:-${TMPDIR:-/tmp}/signoff-bench-secrets}"
mkdir -p "$WORK"
echo "signoff-secrets $("$US" --version | awk '{print $2}'), kingfisher $("$KF" --version | awk '{print $2}'), betterleaks $("$BL" version 2>/dev/null | head -1)"

timed() {  # LOG CMD... : run with /usr/bin/time -v, output discarded
  local log="$1"; shift
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || true
}
wall() { awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$1"; }
rss()  { awk -F': ' '/Maximum resident set size/{printf "%.0f", $2/1024}' "$1"; }
cpu()  { awk -F': ' '/User time/{u=$2} /System time/{s=$2} END{printf "%.1f", u+s}' "$1"; }

corpus() {
  local seeds=("$@"); [ ${#seeds[@]} -gt 0 ] || seeds=(1 2 3 4 5)
  local tsv="$WORK/corpus.tsv"
  echo -e "seed\tmode\ttool\trecall\tprecision\tfound\tfp" > "$tsv"
  for seed in "${seeds[@]}"; do
    local tree="$WORK/corpus-$seed" git="$WORK/corpus-$seed-git"
    [ -d "$tree" ] || python3 "$KIT/make_corpus.py" "$seed" "$tree" 2>/dev/null
    [ -d "$git" ] || python3 "$KIT/make_corpus.py" "$seed" "$git" --git 2>/dev/null
    for mode in tree history; do
      local dir="$tree" kfh=none blc=(fs "$tree") score=tree
      if [ "$mode" = history ]; then dir="$git"; kfh=full; blc=(git "$git"); score=git; fi
      local out="$WORK/out-$seed-$mode"; rm -rf "$out"; mkdir -p "$out"
      "$US" "$dir" --mode "$mode" --out "$out/us" >/dev/null || true
      "$KF" scan "$dir" --git-history "$kfh" -n --no-update-check -q -f json -o "$out/kf.json" >/dev/null 2>&1 || true
      "$BL" "${blc[@]}" -s --no-banner --exit-code 0 -l error -o "$out/bl.json" >/dev/null 2>&1 || true
      for tool in us kf bl; do
        local file="$out/$tool.json"; [ "$tool" = us ] && file="$out/us/secret-scan.sarif"
        python3 "$KIT/score.py" "$dir/labels.json" "$file" --mode "$score" --tool "$tool" --json "$out/$tool.score.json" >/dev/null
        python3 - "$out/$tool.score.json" "$seed" "$mode" "$tool" >> "$tsv" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"{sys.argv[2]}\t{sys.argv[3]}\t{sys.argv[4]}\t{r['recall']:.3f}\t{r['precision']:.3f}\t{r['found']}/{r['secrets']}\t{r['fp']}")
PY
      done
    done
  done
  column -t "$tsv"
  python3 - "$tsv" <<'PY'
import csv, sys, collections
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
agg = collections.defaultdict(lambda: [0, 0, 0, 0])
for r in rows:
    f, n = map(int, r["found"].split("/"))
    a = agg[(r["mode"], r["tool"])]
    a[0] += f; a[1] += n; a[2] += int(r["fp"]); a[3] += 1
print("pooled over seeds:")
for (mode, tool), (f, n, fp, k) in sorted(agg.items()):
    print(f"  {mode:8s} {tool:3s} recall={f/n:.3f} precision={f/(f+fp) if f+fp else 0:.3f} found={f}/{n} fp={fp}")
PY
}

compare() {  # KIND REPO RUNS
  local kind="$1" repo="$2" runs="${3:-3}" target="$2"
  local tsv="$WORK/$kind.tsv"
  if [ "$kind" = tree ]; then
    target="$WORK/tree-export"; rm -rf "$target"; mkdir -p "$target"
    git -C "$repo" archive HEAD | tar -x -C "$target"
  fi
  echo -e "tool\trun\twall_s\tcpu_s\trss_mb\tfindings" > "$tsv"
  # Warm the page cache and Kingfisher's rule cache once.
  git -C "$repo" cat-file --batch-all-objects --batch-check >/dev/null 2>&1 || true
  "$KF" scan "$target" --git-history none -n --no-update-check -q -f json -o "$WORK/warm.json" >/dev/null 2>&1 || true
  for i in $(seq 1 "$runs"); do
    local out="$WORK/$kind-$i"; rm -rf "$out"; mkdir -p "$out"
    if [ "$kind" = history ]; then
      timed "$out/bl.time" "$BL" git "$target" -s --no-banner --exit-code 0 -l error -o "$out/bl.json"
      timed "$out/kf.time" "$KF" scan "$target" --git-history full -n --no-update-check -q -f json -o "$out/kf.json"
      timed "$out/us.time" "$US" "$target" --mode history --out "$out/us"
    else
      timed "$out/bl.time" "$BL" fs "$target" -s --no-banner --exit-code 0 -l error -o "$out/bl.json"
      timed "$out/kf.time" "$KF" scan "$target" --git-history none -n --no-update-check -q -f json -o "$out/kf.json"
      timed "$out/us.time" "$US" "$target" --mode tree --out "$out/us"
    fi
    for tool in bl kf us; do
      local n
      if [ "$tool" = us ]; then n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$out/us/secret-scan.gate.json" 2>/dev/null || echo "?")
      else n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1])).get("findings", [])))' "$out/$tool.json" 2>/dev/null || echo "?"); fi
      echo -e "$tool\t$i\t$(wall "$out/$tool.time")\t$(cpu "$out/$tool.time")\t$(rss "$out/$tool.time")\t$n" | tee -a "$tsv"
    done
  done
  python3 - "$tsv" "$kind" <<'PY'
import csv, statistics, sys, collections
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
g = collections.defaultdict(list)
for r in rows:
    g[r["tool"]].append(r)
med = {t: (statistics.median(float(r["wall_s"]) for r in rs), statistics.median(float(r["cpu_s"]) for r in rs),
           statistics.median(int(r["rss_mb"]) for r in rs), rs[0]["findings"]) for t, rs in g.items()}
names = {"us": "signoff-secrets", "kf": "kingfisher", "bl": "betterleaks"}
print(f"{sys.argv[2]}: medians over {len(g['us'])} runs")
for t in ("us", "bl", "kf"):
    w, c, m, n = med[t]
    print(f"  {names[t]:16s} wall={w:7.2f}s cpu={c:7.1f}s rss={m:5d}MiB findings={n}")
for t in ("bl", "kf"):
    print(f"  wall ratio signoff/{names[t]} = {med['us'][0]/med[t][0]:.3f}   rss ratio = {med['us'][2]/med[t][2]:.3f}")
PY
}

config() {
  local seeds=("$@"); [ ${#seeds[@]} -gt 0 ] || seeds=(1 2 3 4 5)
  local cfg="$PWD/scripts/bench/secrets-gitleaks.toml" status=0
  for seed in "${seeds[@]}"; do
    local tree="$WORK/corpus-$seed"
    [ -d "$tree" ] || python3 "$KIT/make_corpus.py" "$seed" "$tree" 2>/dev/null
    local out="$WORK/config-$seed"; rm -rf "$out"; mkdir -p "$out"
    "$US" "$tree" --mode tree --config "$cfg" --out "$out/us" >/dev/null || true
    "$BL" fs "$tree" --config "$cfg" -s --no-banner --exit-code 0 -l error -o "$out/bl.json" >/dev/null 2>&1 || true
    python3 - "$out/us/secret-scan.gate.json" "$out/bl.json" "$tree" "$seed" <<'PY' || status=1
import json, sys
ours = {(f["location"]["path"], f["location"].get("line", 0), f["rule"])
        for f in json.load(open(sys.argv[1]))["findings"]}
root = sys.argv[3].rstrip("/") + "/"
theirs = set()
for f in json.load(open(sys.argv[2])).get("findings", []):
    path = f["location"]["path"]
    path = path[len(root):] if path.startswith(root) else path
    theirs.add((path, f["location"]["start_line"], f["rule_id"]))
print(f"seed {sys.argv[4]}: signoff={len(ours)} betterleaks={len(theirs)} common={len(ours & theirs)}"
      f" only-signoff={sorted(ours - theirs)[:5]} only-betterleaks={sorted(theirs - ours)[:5]}")
sys.exit(0 if ours == theirs else 1)
PY
  done
  return $status
}

case "${1:-}" in
  config) shift; config "$@" ;;
  corpus) shift; corpus "$@" ;;
  history) compare history "$2" "${3:-3}" ;;
  tree) compare tree "$2" "${3:-3}" ;;
  *) sed -n '2,14p' "$0"; exit 2 ;;
esac
