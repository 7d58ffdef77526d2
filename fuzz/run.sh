#!/usr/bin/env bash
# Fuzz popm's input parsers for a bounded time each and print what happened.
#
#   fuzz/run.sh [SECONDS] [TARGET...]     default: 600 seconds for each of frontmatter, item, config
#   FUZZ_ARGS='-max_len=65536' fuzz/run.sh 600 item     extra libFuzzer flags
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). cargo-fuzz asks for nightly -Z flags; RUSTC_BOOTSTRAP=1
# lets the stable compiler accept them, so no other toolchain is needed. The corpus of each target
# starts from the fixtures (copied in at run time; fuzz/corpus is not committed) and grows across runs.
# A crash leaves its input in fuzz/artifacts/TARGET/; turn it into a test in tests/ and fix it.
set -euo pipefail

seconds="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(frontmatter item config)

fuzz_dir="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$fuzz_dir")"
cd "$root"
export RUSTC_BOOTSTRAP=1

seed() {
    local target="$1" corpus="$fuzz_dir/corpus/$1"
    mkdir -p "$corpus"
    local pattern='*.md'
    [ "$target" = config ] && pattern='popm.toml'
    local n=0
    while IFS= read -r -d '' file; do
        n=$((n + 1))
        cp "$file" "$corpus/seed-$(printf '%s' "$file" | cksum | cut -d' ' -f1)"
    done < <(find fixtures src/cli/templates src/edit/templates -name "$pattern" -type f -print0 2>/dev/null)
    echo "$n"
}

cargo fuzz build

summary=()
for target in "${targets[@]}"; do
    seeded="$(seed "$target")"
    log="$fuzz_dir/artifacts/$target.log"
    mkdir -p "$fuzz_dir/artifacts/$target"
    before="$(find "$fuzz_dir/artifacts/$target" -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' | wc -l)"
    echo "== $target: ${seconds}s, seeded with $seeded fixture files"
    set +e
    cargo fuzz run "$target" "$fuzz_dir/corpus/$target" -- \
        -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 -timeout=10 \
        ${FUZZ_ARGS:-} >"$log" 2>&1
    status=$?
    set -e
    after="$(find "$fuzz_dir/artifacts/$target" -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' | wc -l)"
    execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo '?')"
    rate="$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo '?')"
    corpus="$(find "$fuzz_dir/corpus/$target" -type f | wc -l)"
    line="$target: ${seconds}s, $execs executions ($rate/s), corpus $corpus files, new crashes $((after - before)), exit $status"
    echo "$line"
    [ $status -eq 0 ] || tail -n 30 "$log"
    summary+=("$line")
done
echo
echo "== summary"
printf '%s\n' "${summary[@]}"
