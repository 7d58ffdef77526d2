#!/usr/bin/env bash
# The portfolio benchmark (issue 18): generated ART repositories of ITEMS items each, and for each
# count in ARTS a portfolio repository listing that many of them by path; one `popm portfolio
# fetch` each, then `popm portfolio check` from the fetched cache, cold (`--no-cache`: every item
# read from the cache repositories and parsed) and warm (the parse cache filled by a first run),
# RUNS times each, the counts side by side in one run (medians and ranges printed).
#
#   bench/portfolio.sh [ITEMS] [ARTS...]     # default 2000 10 50; needs a release build:
#   cargo build --release --bin popm --example generate
#
# Uses git to commit the generated ARTs (test data, not popm). The data goes to
# $CARGO_TARGET_DIR/bench/portfolio-ITEMS (target/ by default), made once per recipe; delete it
# when done (50 ARTs of 2 000 items: about 1 GB with the fetched caches).
set -euo pipefail
cd "$(dirname "$0")/.."

items=${1:-2000}
shift || true
counts=("${@:-10 50}")
read -r -a counts <<< "${counts[*]}"
runs=${RUNS:-5}
target=${CARGO_TARGET_DIR:-target}
popm=$target/release/popm
generate=$target/release/examples/generate
dir=$target/bench/portfolio-$items
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench \
  GIT_COMMITTER_EMAIL=bench@example.com GIT_AUTHOR_DATE=2027-01-04T00:00:00Z \
  GIT_COMMITTER_DATE=2027-01-04T00:00:00Z GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
# The parse cache of each ART lives in its cache repository (inside the portfolio's .git).
unset POPM_CACHE_DIR POPM_NO_CACHE

now() { date +%s.%N; }
seconds() { echo "$2 - $1" | bc; }

max=0
for n in "${counts[@]}"; do [ "$n" -gt "$max" ] && max=$n; done
mkdir -p "$dir"
for i in $(seq 1 "$max"); do
  recipe="generate --items $items --seed $i, one commit"
  [ "$(cat "$dir/art-$i.done" 2>/dev/null)" = "$recipe" ] && continue
  rm -rf "$dir/art-$i"
  "$generate" --items "$items" --out "$dir/art-$i" --seed "$i" > /dev/null
  git -C "$dir/art-$i" init -q -b main
  git -C "$dir/art-$i" add -A
  git -C "$dir/art-$i" commit -q -m "art $i"
  printf '%s\n' "$recipe" > "$dir/art-$i.done"
done

# One portfolio repository per count, fetched once (the first fetch copies every object).
for n in "${counts[@]}"; do
  p=$dir/portfolio-$n
  recipe="arts 1..$n by path"
  [ "$(cat "$p.done" 2>/dev/null)" = "$recipe" ] && continue
  rm -rf "$p"
  mkdir -p "$p/backlog"
  {
    echo 'name = "portfolio"'
    echo '[portfolio]'
    echo 'arts = ['
    for i in $(seq 1 "$n"); do echo "  { name = \"art-$i\", url = \"../art-$i\" },"; done
    echo ']'
  } > "$p/popm.toml"
  git -C "$p" init -q -b main
  git -C "$p" add -A
  git -C "$p" commit -q -m portfolio
  start=$(now)
  "$popm" -C "$p" portfolio fetch > /dev/null
  echo "fetch (first, $n ARTs by path): $(seconds "$start" "$(now)") s"
  printf '%s\n' "$recipe" > "$p.done"
done

# Median and range of RUNS timings of `popm ARGS...`.
time_runs() {
  local times=() start
  for _ in $(seq 1 "$runs"); do
    start=$(now)
    "$popm" "$@" > /dev/null || true
    times+=("$(seconds "$start" "$(now)")")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v n="$runs" '
    { t[NR] = $1 } END { printf "median %.2f s (%.2f-%.2f)", t[int((n + 1) / 2)], t[1], t[n] }'
}

echo "portfolio check, ARTs x $items items, $runs runs each:"
for n in "${counts[@]}"; do
  p=$dir/portfolio-$n
  findings=$("$popm" -C "$p" portfolio check --format concise | wc -l || true)
  cold=$(time_runs --no-cache -C "$p" portfolio check --format concise)
  "$popm" -C "$p" portfolio check --format concise > /dev/null || true
  warm=$(time_runs -C "$p" portfolio check --format concise)
  echo "  $n x $items ($((n * items)) items, $findings findings): cold $cold, warm $warm"
done
