#!/usr/bin/env bash
# The portfolio benchmark (issue 18): ARTS generated ART repositories of ITEMS items each, a
# portfolio repository that lists them by path, one `popm portfolio fetch`, then
# `popm portfolio check` from the fetched cache, RUNS times (the median is printed).
#
#   bench/portfolio.sh [ARTS] [ITEMS]      # default 50 2000; needs a release build:
#   cargo build --release --bin popm --example generate
#
# Uses git to commit the generated ARTs (test data, not popm). The data goes to
# target/bench/portfolio-ARTSxITEMS, made once per recipe.
set -euo pipefail
cd "$(dirname "$0")/.."

arts=${1:-50}
items=${2:-2000}
runs=${RUNS:-5}
target=${CARGO_TARGET_DIR:-target}
popm=$target/release/popm
generate=$target/release/examples/generate
dir=$target/bench/portfolio-${arts}x$items
recipe="arts $arts, generate --items $items --seed <art>, one commit each"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench \
  GIT_COMMITTER_EMAIL=bench@example.com GIT_AUTHOR_DATE=2027-01-04T00:00:00Z \
  GIT_COMMITTER_DATE=2027-01-04T00:00:00Z GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1

if [ "$(cat "$dir/.done" 2>/dev/null)" != "$recipe" ]; then
  rm -rf "$dir"
  mkdir -p "$dir/portfolio/backlog"
  {
    echo 'name = "portfolio"'
    echo '[portfolio]'
    echo 'arts = ['
    for i in $(seq 1 "$arts"); do
      "$generate" --items "$items" --out "$dir/art-$i" --seed "$i" > /dev/null
      git -C "$dir/art-$i" init -q -b main
      git -C "$dir/art-$i" add -A
      git -C "$dir/art-$i" commit -q -m "art $i"
      echo "  { name = \"art-$i\", url = \"../art-$i\" },"
    done
    echo ']'
  } > "$dir/portfolio/popm.toml"
  git -C "$dir/portfolio" init -q -b main
  git -C "$dir/portfolio" add -A
  git -C "$dir/portfolio" commit -q -m portfolio
  start=$(date +%s.%N)
  "$popm" -C "$dir/portfolio" portfolio fetch > /dev/null
  end=$(date +%s.%N)
  echo "fetch (first, $arts ARTs by path): $(echo "$end - $start" | bc) s"
  printf '%s\n' "$recipe" > "$dir/.done"
fi

times=()
for _ in $(seq 1 "$runs"); do
  start=$(date +%s.%N)
  "$popm" -C "$dir/portfolio" portfolio check --format concise > /dev/null || true
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc)")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
findings=$("$popm" -C "$dir/portfolio" portfolio check --format concise | wc -l || true)
echo "portfolio check, $arts ARTs x $items items: median $median s of $runs runs ($findings findings)"
