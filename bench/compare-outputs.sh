#!/usr/bin/env bash
# Runs two popm binaries over the same broad matrix of read commands and compares what each prints,
# byte for byte: stdout, stderr and the exit status. For a change that must not change any output
# (a refactoring), against a binary built from the commit before it.
#
#   bench/compare-outputs.sh BIN_BEFORE BIN_AFTER
#   SIZES="1000" bench/compare-outputs.sh old/popm new/popm     # bench sizes (default: 1000 10000)
#   SHOW=400 bench/compare-outputs.sh ...                        # lines of diff shown per command
#
# The matrix, on fixtures/demo and fixtures/broken (copied into a scratch folder and given a short
# git history) and on the generated bench backlogs (target/bench/N, bench/backlog.sh): every read
# command in every format, at every level, with the common filters; `pi ready` for each PI; `show`,
# `tree` and `log` for a handful of ids; `check` on the index, a revision and since a branch;
# `diff` and `flow` in every format; rules, completions, man, help. Prints one line per command that
# differs, with a diff of each stream that differs, then a summary; exits 1 if anything differs,
# 2 on a setup error.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 BIN_BEFORE BIN_AFTER" >&2
  exit 2
fi
for bin in "$1" "$2"; do
  if [ ! -x "$bin" ]; then
    echo "$0: $bin is not an executable" >&2
    exit 2
  fi
done
cd "$(dirname "$0")/.."
repo=$PWD
read -r -a sizes <<< "${SIZES-1000 10000}"
show=${SHOW:-200}

# Nothing from the caller's environment may change an output: colours, the help width, tracing,
# the date `pi ready` starts from.
unset NO_COLOR CLICOLOR_FORCE COLUMNS POPM_TRACE VISUAL EDITOR
export POPM_TODAY=2027-02-01

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Each binary runs as `popm` (a link of that name), since clap prints the name it was started by in
# usage lines: binaries named popm-before and popm-after must not differ there.
mkdir "$scratch/before" "$scratch/after"
ln -s "$(realpath "$1")" "$scratch/before/popm"
ln -s "$(realpath "$2")" "$scratch/after/popm"
before=$scratch/before/popm
after=$scratch/after/popm

# The generator of the bench backlogs (a dev build is enough: its output depends only on the seed).
if [ ${#sizes[@]} -gt 0 ]; then
  cargo build --quiet --example generate
  generate=${CARGO_TARGET_DIR:-$repo/target}/debug/examples/generate
fi

# git with a fixed identity and dates, and no user configuration: the same commit ids everywhere.
git_at() {
  local dir=$1 date=$2
  shift 2
  GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 \
    GIT_AUTHOR_NAME="Pat PM" GIT_AUTHOR_EMAIL=pat@example.com GIT_AUTHOR_DATE=$date \
    GIT_COMMITTER_NAME="Pat PM" GIT_COMMITTER_EMAIL=pat@example.com GIT_COMMITTER_DATE=$date \
    git -C "$dir" "$@"
}

# A fixture as a repository: the fixture committed, then a few status moves and a rename, then one
# staged and one unstaged change. `sed` edits only lines that are there; the history is the same
# for both binaries whatever it holds.
fixture_repo() {
  local name=$1 dir=$scratch/$1
  cp -R "fixtures/$name" "$dir"
  git_at "$dir" 2027-01-04T09:00:00Z init -q -b main
  git_at "$dir" 2027-01-04T09:00:00Z add -A
  git_at "$dir" 2027-01-04T09:00:00Z commit -q -m "the $name backlog"
  local day=5 file
  for file in $(cd "$dir" && find backlog -name 'S-*.md' | sort | head -4); do
    sed -i -e 's/^status: in-progress$/status: review/' -e 's/^status: ready$/status: in-progress/' \
      -e 's/^status: backlog$/status: ready/' "$dir/$file"
    git_at "$dir" "2027-01-0${day}T09:00:00Z" commit -q -a -m "move $file" --allow-empty
    day=$((day + 1))
  done
  file=$(cd "$dir" && find backlog -name 'F-*.md' | sort | head -1)
  git_at "$dir" 2027-01-09T09:00:00Z mv "$file" backlog/moved.md
  git_at "$dir" 2027-01-09T09:00:00Z commit -q -m "rename $file"
  file=$(cd "$dir" && find backlog -name 'S-*.md' | sort | tail -1)
  sed -i 's/^status: .*$/status: done/' "$dir/$file"
  git_at "$dir" 2027-01-10T09:00:00Z add "$file"
  file=$(cd "$dir" && find backlog -name 'E-*.md' | sort | head -1)
  sed -i 's/^title: \(.*\)$/title: \1 (renamed)/' "$dir/$file"
}

# The ids of a backlog (from its files, not from either binary), one per line.
ids_of() {
  grep -rhE '^id: ' "$1/backlog" | sed -E 's/^id: *//' | tr -d "\"'" | sort -V | uniq
}

# Up to N ids from the list on stdin, evenly spread (always the first one).
spread() {
  awk -v n="$1" '{ a[NR] = $0 } END { if (NR == 0) exit; step = NR / n; if (step < 1) step = 1;
    for (i = 1; i <= NR && c < n; i += step) { print a[int(i)]; c++ } }'
}

total=0
identical=0
differing=()

# Runs one command with both binaries in $dir and compares the three results.
compare() {
  local dir=$1
  shift
  total=$((total + 1))
  local out=$scratch/run
  set +e
  (cd "$dir" && "$before" "$@" > "$out.before.stdout" 2> "$out.before.stderr"); local code_before=$?
  (cd "$dir" && "$after" "$@" > "$out.after.stdout" 2> "$out.after.stderr"); local code_after=$?
  set -e
  local same=1
  local what
  case $dir in
    "$scratch") what="(no backlog) \$ popm $*" ;;
    "$scratch"/*) what="${dir#"$scratch"/} \$ popm $*" ;;
    *) what="${dir#"$repo"/} \$ popm $*" ;;
  esac
  if [ "$code_before" != "$code_after" ]; then
    same=0
    echo "DIFFERS: $what"
    echo "  exit status: $code_before before, $code_after after"
  fi
  local stream
  for stream in stdout stderr; do
    if ! cmp -s "$out.before.$stream" "$out.after.$stream"; then
      [ "$same" = 0 ] || echo "DIFFERS: $what"
      same=0
      echo "  $stream:"
      diff -u --label before --label after "$out.before.$stream" "$out.after.$stream" | head -n "$show" | sed 's/^/    /' || true
    fi
  done
  if [ "$same" = 1 ]; then
    identical=$((identical + 1))
  else
    differing+=("$what")
  fi
}

# Every read command over one backlog folder.
matrix() {
  local dir=$1
  local ids pis teams first_team level format id pi
  ids=$(ids_of "$dir")
  pis=$(grep -E '^PI-' <<< "$ids" || true)
  teams=$(grep -rhE '^team: ' "$dir/backlog" | sed -E 's/^team: *\[?([^],]*).*/\1/' | sort | uniq | head -3)
  first_team=$(head -1 <<< "$teams")

  for format in human concise json json-lines github sarif junit; do
    compare "$dir" check --format "$format"
    compare "$dir" check --format "$format" --deny-warnings
    compare "$dir" check --format "$format" --staged
  done
  compare "$dir" --color always check
  compare "$dir" check --since main
  compare "$dir" check --since main --format json
  compare "$dir" check --rev HEAD~1 --format concise
  compare "$dir" check --rev HEAD --format sarif

  for format in table json csv; do
    compare "$dir" list --format "$format"
    compare "$dir" list --type story --status backlog,ready --format "$format"
    compare "$dir" list --enabler --format "$format"
    compare "$dir" list --type epic,capability,feature --team "$first_team" --format "$format"
    compare "$dir" list --staged --type feature --format "$format"
  done
  compare "$dir" --color always list

  for level in portfolio art team; do
    for format in table json csv markdown; do
      compare "$dir" backlog --level "$level" --format "$format"
    done
    compare "$dir" backlog --level "$level" --team "$first_team" --limit 5
    compare "$dir" backlog --level "$level" --enabler --format csv
    for format in human json; do
      compare "$dir" board --level "$level" --format "$format"
    done
    compare "$dir" board --level "$level" --team "$first_team"
    compare "$dir" board --level "$level" --rev HEAD~1 --format json
  done

  for pi in $pis; do
    for format in human json markdown; do
      compare "$dir" pi ready "$pi" --format "$format"
    done
    compare "$dir" pi ready "$pi" --staged
    compare "$dir" backlog --pi "$pi" --format markdown
    compare "$dir" board --pi "$pi"
    compare "$dir" flow --pi "$pi"
    compare "$dir" flow --pi "$pi" --level team --format json
  done
  compare "$dir" pi ready

  for id in $(spread 8 <<< "$ids"); do
    compare "$dir" show "$id"
    compare "$dir" show "$id" --format json
    compare "$dir" tree "$id"
    compare "$dir" log "$id"
    compare "$dir" log "$id" --format json
    compare "$dir" backlog --explain "$id"
  done
  compare "$dir" tree
  compare "$dir" tree --rev HEAD~1
  compare "$dir" show NO-SUCH-ID
  compare "$dir" log NO-SUCH-ID

  for format in csv json; do
    compare "$dir" export --format "$format"
    compare "$dir" export --rev HEAD~1 --format "$format"
  done

  for format in human json markdown; do
    compare "$dir" diff --format "$format"
    compare "$dir" diff HEAD~1 HEAD --format "$format"
    compare "$dir" diff main --format "$format"
  done
  compare "$dir" diff NO-SUCH-REV

  for level in portfolio art team; do
    for format in human json csv; do
      compare "$dir" flow --level "$level" --format "$format"
    done
    compare "$dir" flow --level "$level" --team "$first_team"
  done
  compare "$dir" flow --level team --from 2027-01-05 --to 2027-01-09 --format csv
}

fixture_repo demo
fixture_repo broken
matrix "$scratch/demo"
matrix "$scratch/broken"
for n in "${sizes[@]}"; do
  bench/backlog.sh "$generate" "$n"
  matrix "$repo/target/bench/$n"
done

# Commands that read no backlog.
compare "$scratch" rules
for shell in bash zsh fish powershell elvish; do
  compare "$scratch" completions "$shell"
done
compare "$scratch" man
compare "$scratch" --help
compare "$scratch" check --help
compare "$scratch" --version
compare "$scratch" no-such-command

echo
echo "compared $total commands: $identical identical, ${#differing[@]} differ"
for what in "${differing[@]}"; do
  echo "  differs: $what"
done
[ ${#differing[@]} -eq 0 ]
