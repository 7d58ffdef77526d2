#!/usr/bin/env bash
# Benchmark the history commands on a long history, next to git itself reading the same history.
#
#   bench/history.sh               # 10 000 items x 5 000 commits, 5 runs each
#   RUNS=7 bench/history.sh 10000 5000
#   POPM=/path/to/other/popm bench/history.sh   # another build, same repository
#
# The repository is generated once into target/bench/history-<items>x<commits> (examples/generate,
# seed 7: one commit an hour, five stories moved per commit, a file move every 250 commits), then
# repacked (`git repack -a -d -f`) as a clone from a server would be. The floor is
# `git log --first-parent --name-only` over the same history. `popm flow --level team` is measured
# warm (the parse cache and the commit records filled by the run before timing) and cold
# (`--no-cache`: every commit, tree and changed blob read from git and parsed).
#
# Prints a markdown table: median wall time of the runs, its ratio to the git floor measured in the
# same run, and peak memory (one extra run under /usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."

items=${1:-10000}
commits=${2:-5000}
runs=${RUNS:-5}

[ -n "${POPM:-}" ] || cargo build --release --quiet --bin popm --example generate
target=${CARGO_TARGET_DIR:-$PWD/target}
popm=${POPM:-$target/release/popm}
generate=$target/release/examples/generate

dir=target/bench/history-${items}x${commits}
recipe="generate --items $items --seed 7 --commits $commits; git repack -a -d -f"
if [ "$(cat "$dir/.git/popm-bench" 2>/dev/null)" != "$recipe" ]; then
  rm -rf "$dir"
  "$generate" --items "$items" --out "$dir" --seed 7 --commits "$commits" > /dev/null
  git -C "$dir" repack -a -d -f -q
  printf '%s\n' "$recipe" > "$dir/.git/popm-bench"
fi

. bench/lib.sh  # the working folder is the repository's root (cd above)

echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "popm $("$popm" --version | awk '{print $2}'), $runs runs per cell, $(git -C "$dir" rev-list --count HEAD) commits, page cache warm"
echo
echo "| command | median (s) | × git floor | peak memory (MB) |"
echo "|---|---:|---:|---:|"
git -C "$dir" log --first-parent --name-only > /dev/null   # warm the page cache
floor=$(median git -C "$dir" log --first-parent --name-only)
printf '| `git log --first-parent --name-only` (floor) | %s | 1.0 | %s |\n' "$floor" \
  "$(peak_mb git -C "$dir" log --first-parent --name-only)"
for cmd in "flow --level team" "--no-cache flow --level team" "flow"; do
  # shellcheck disable=SC2086
  "$popm" -C "$dir" $cmd > /dev/null 2>&1 || true
  # shellcheck disable=SC2086
  t=$(median "$popm" -C "$dir" $cmd)
  # shellcheck disable=SC2086
  mem=$(peak_mb "$popm" -C "$dir" $cmd)
  ratio=$(awk -v t="$t" -v f="$floor" 'BEGIN { printf "%.2f", (f > 0) ? t / f : 0 }')
  printf '| `popm %s` | %s | %s | %s |\n' "$cmd" "$t" "$ratio" "$mem"
done
