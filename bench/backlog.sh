#!/usr/bin/env bash
# Generates the benchmark backlog of N items into target/bench/N, once: the one recipe that
# bench/run.sh and bench/compare-outputs.sh share.
#
#   bench/backlog.sh GENERATE N     # GENERATE: a built examples/generate binary
#
# The recipe: examples/generate with seed 7 and a history of 300 commits (statuses moving one an
# hour from 2027-01-04, a story file moved at commit 250), so log, diff and flow have something to
# read; then one staged change (S-1 backlog -> ready) for `check --staged`. The folder is kept while
# its .done file names this recipe, and made again when the recipe changes.
set -euo pipefail
cd "$(dirname "$0")/.."

generate=$1
n=$2
dir=target/bench/$n
recipe="generate --items $n --seed 7 --commits 300; S-1 backlog -> ready, staged"

if [ "$(cat "$dir/.done" 2>/dev/null)" != "$recipe" ]; then
  rm -rf "$dir"
  "$generate" --items "$n" --out "$dir" --seed 7 --commits 300 > /dev/null
  sed -i 's/^status: backlog$/status: ready/' "$dir/backlog/stories/S-1.md"
  git -C "$dir" add backlog/stories/S-1.md
  printf '%s\n' "$recipe" > "$dir/.done"
fi
