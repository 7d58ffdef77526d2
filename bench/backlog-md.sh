#!/usr/bin/env bash
# popm next to Backlog.md (the anchor, npm package `backlog.md`, pinned) on the same tasks.
#
#   bench/backlog-md.sh            # 10 000 tasks, 5 runs each
#   RUNS=9 bench/backlog-md.sh 10000
#
# Generates N Backlog.md tasks (deterministic: frontmatter with an unquoted creation time,
# labels and dependencies, a long body with Backlog.md's section markers, acceptance criteria,
# a plan and notes) into target/bench/backlog-md-N/bmd, imports them into a popm project with
# `popm import backlog-md` (target/bench/backlog-md-N/popm), then times `backlog task list
# --plain` against `popm list` and `popm check` (warm cache and `--no-cache`), all in one run.
set -euo pipefail
cd "$(dirname "$0")/.."

n=${1:-10000}
runs=${RUNS:-5}
version=1.52.0
[ -n "${POPM:-}" ] || cargo build --release --quiet --bin popm
target=${CARGO_TARGET_DIR:-$PWD/target}
popm=${POPM:-$target/release/popm}
root=$PWD/target/bench/backlog-md-$n
tool=$PWD/target/bench/backlog-md-tool-$version

if [ ! -x "$tool/node_modules/.bin/backlog" ]; then
  mkdir -p "$tool"
  npm install --silent --no-audit --no-fund --prefix "$tool" "backlog.md@$version" > /dev/null
fi
backlog=$tool/node_modules/.bin/backlog

recipe="backlog-md tasks $n v2"
if [ "$(cat "$root/.done" 2>/dev/null)" != "$recipe" ]; then
  rm -rf "$root"
  mkdir -p "$root/bmd/backlog/tasks" "$root/popm"
  cat > "$root/bmd/backlog/config.yml" <<'EOF'
project_name: "bench"
default_status: "To Do"
statuses: ["To Do", "In Progress", "Done"]
labels: []
date_format: yyyy-mm-dd hh:mm
remote_operations: false
auto_commit: false
filesystem_only: true
check_active_branches: false
task_prefix: "task"
EOF
  awk -v n="$n" -v dir="$root/bmd/backlog/tasks" 'BEGIN {
    split("To Do,In Progress,Done", status, ",")
    split("checkout,payment,account,search,catalog,order,invoice,report,login,profile,cart,shipping", word, ",")
    srand(7)
    for (i = 1; i <= n; i++) {
      t = word[1 + i % 12] " " word[1 + int(i / 12) % 12] " flow " i
      slug = t; gsub(/ /, "-", slug)
      f = dir "/task-" i " - " slug ".md"
      printf "---\nid: task-%d\ntitle: %s\nstatus: %s\nassignee:\n  - \"@dev%d\"\n", i, t, status[1 + i % 3], i % 7 > f
      printf "created_date: 2025-%02d-%02d %02d:%02d\nlabels:\n  - %s\n  - backend\n", 1 + i % 12, 1 + i % 28, i % 24, i % 60, word[1 + i % 12] > f
      printf "dependencies:%s\npriority: %s\n---\n\n", (i > 1 ? "\n  - task-" (i - 1) : " []"), (i % 2 ? "high" : "medium") > f
      printf "## Description\n\n<!-- SECTION:DESCRIPTION:BEGIN -->\n" > f
      for (p = 0; p < 4; p++)
        printf "The %s service needs to handle the %s case without losing data; today it retries forever and the queue grows until an operator restarts it by hand.\n", word[1 + (i + p) % 12], word[1 + (i * 3 + p) % 12] > f
      printf "<!-- SECTION:DESCRIPTION:END -->\n\n## Acceptance Criteria\n<!-- AC:BEGIN -->\n" > f
      for (a = 1; a <= 4; a++) printf "- [%s] #%d The %s path is covered by a test\n", (a <= i % 5 || i % 3 == 2 ? "x" : " "), a, word[1 + (i + a) % 12] > f
      printf "<!-- AC:END -->\n\n## Implementation Plan\n\n<!-- SECTION:PLAN:BEGIN -->\n1. Read the code\n2. Write the test\n3. Fix it\n<!-- SECTION:PLAN:END -->\n\n" > f
      printf "## Implementation Notes\n\n<!-- SECTION:NOTES:BEGIN -->\nDone in small steps; see the pull request for the discussion.\n<!-- SECTION:NOTES:END -->\n" > f
      close(f)
    }
  }'
  (cd "$root/popm" && git init -q && "$popm" init > /dev/null \
    && "$popm" import backlog-md "$root/bmd/backlog" > /dev/null && git add -A && git -c user.name=b -c user.email=b@b commit -qm import)
  printf '%s\n' "$recipe" > "$root/.done"
fi

. bench/lib.sh  # the working folder is the repository's root (cd above)

echo "Backlog.md $version against popm $("$popm" --version | awk '{print $2}'), $n tasks, $runs runs per cell"
echo
echo "| command | median (s) | range (s) | Backlog.md / popm |"
echo "|---|---:|---:|---:|"
(cd "$root/bmd" && "$backlog" task list --plain > /dev/null 2>&1) || true
read -r anchor low high < <(cd "$root/bmd" && median_range "$backlog" task list --plain)
printf '| `backlog task list --plain` | %s | %s-%s | 1.0 |\n' "$anchor" "$low" "$high"
for cmd in "list" "list --format json" "check" "--no-cache list" "--no-cache check"; do
  # shellcheck disable=SC2086
  "$popm" -C "$root/popm" $cmd > /dev/null 2>&1 || true
  # shellcheck disable=SC2086
  read -r t low high < <(median_range "$popm" -C "$root/popm" $cmd)
  ratio=$(awk -v a="$anchor" -v t="$t" 'BEGIN { printf "%.0f", (t > 0) ? a / t : 0 }')
  printf '| `popm %s` | %s | %s-%s | %s× |\n' "$cmd" "$t" "$low" "$high" "$ratio"
done
