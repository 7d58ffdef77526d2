#!/usr/bin/env bash
# Benchmark popm as a whole process on generated backlogs, next to `grep -r` over the same files.
#
#   bench/run.sh                 # 1 000, 10 000 and 100 000 items, 5 runs each
#   bench/run.sh 10000           # one size
#   RUNS=9 bench/run.sh 1000 10000
#   POPM=/path/to/other/popm bench/run.sh 10000   # another build (a baseline), same backlogs
#
# `popm check` is measured warm (the parse cache filled by the run before timing) and cold
# (`--no-cache`: every file read and parsed, as without a cache).
#
# Prints a markdown table: median wall time of the runs, its ratio to the grep floor measured in the
# same run, and peak memory (one extra run under /usr/bin/time). Backlogs are generated once into
# target/bench/<items> by bench/backlog.sh (deterministic, seed 7) and reused.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
runs=${RUNS:-5}

[ -n "${POPM:-}" ] || cargo build --release --quiet --bin popm --example generate
target=${CARGO_TARGET_DIR:-$PWD/target}
popm=${POPM:-$target/release/popm}
generate=$target/release/examples/generate
# Commands that only the popm of this tree knows are left out for another build.
"$popm" --no-cache --version > /dev/null 2>&1 && cold="check --no-cache" || cold=""

. bench/lib.sh  # the working folder is the repository's root (cd above)

echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
echo "popm $("$popm" --version | awk '{print $2}'), $runs runs per cell, page cache warm (one run before timing)"
echo
echo "| items | command | median (s) | × grep floor | peak memory (MB) |"
echo "|---:|---|---:|---:|---:|"
for n in "${sizes[@]}"; do
  dir=target/bench/$n
  # Generated once, with one staged change for `check --staged` (what a pre-commit hook sees).
  bench/backlog.sh "$generate" "$n"
  grep -r '^status:' "$dir/backlog" > /dev/null   # warm the page cache
  floor=$(median grep -r '^status:' "$dir/backlog")
  printf '| %s | `grep -r '"'"'^status:'"'"'` (floor) | %s | 1.0 | %s |\n' "$n" "$floor" "$(peak_mb grep -r '^status:' "$dir/backlog")"
  cmds=("check")
  [ -z "$cold" ] || cmds+=("$cold")
  cmds+=("check --staged" "list --format json" "list" "backlog" "pi ready PI-2027.1")
  for cmd in "${cmds[@]}"; do
    # shellcheck disable=SC2086
    "$popm" -C "$dir" $cmd > /dev/null 2>&1 || true
    # shellcheck disable=SC2086
    t=$(median "$popm" -C "$dir" $cmd)
    # shellcheck disable=SC2086
    mem=$(peak_mb "$popm" -C "$dir" $cmd)
    ratio=$(awk -v t="$t" -v f="$floor" 'BEGIN { printf "%.1f", (f > 0) ? t / f : 0 }')
    printf '| %s | `popm %s` | %s | %s | %s |\n' "$n" "$cmd" "$t" "$ratio" "$mem"
  done
done
