# Timing helpers shared by the bench scripts (sourced, not run). Each reads $runs.

# Wall times of $runs runs of a command, in microseconds, fastest first (output discarded; a
# failing run is timed too: popm exits 1 when it has findings).
times_us() {
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" > /dev/null 2>&1 || true
    end=$(date +%s%N)
    times+=("$(( (end - start) / 1000 ))")
  done
  printf '%s\n' "${times[@]}" | sort -n
}

# The median wall time, in seconds.
median() {
  times_us "$@" | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.3f", m / 1e6 }'
}

# The median, then the fastest and the slowest run, in seconds.
median_range() {
  times_us "$@" | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.3f %.3f %.3f\n", m / 1e6, a[1] / 1e6, a[NR] / 1e6 }'
}

# Peak resident memory of one run, in MB ("n/a" without GNU time).
peak_mb() {
  if [ -x /usr/bin/time ]; then
    { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null || true; } | tail -1 | awk '{ printf "%.0f", $1 / 1024 }'
  else
    echo "n/a"
  fi
}
