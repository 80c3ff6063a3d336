#!/usr/bin/env bash
# Running at scale on one machine (figures printed, never asserted): the same sweep
#   1. in one process (--threads = all cores),
#   2. as N shards in parallel (--threads 1 each) joined by `stancesim merge`,
#   3. under `mpirun -np N` (an -DSTANCESIM_MPI=ON build in build-mpi/, if there is one),
# in turn, REPEATS times, with each way's wall time, its speed-up over (1), the runs per second,
# the peak memory of the process that writes (rank 0), and a byte comparison with (1).
#   bash scripts/bench_scale.sh [RUNS_PER_POINT] [REPEATS] [N]   (default 50 3 = cores)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}
repeats=${2:-3}
n=${3:-$(nproc)}
bin=$(realpath build/stancesim)
mpi_bin=${STANCESIM_MPI_BIN:-build-mpi/stancesim}  # cmake -B build-mpi -DSTANCESIM_MPI=ON
experiment=experiments/un_sanctions_after_test.toml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

seconds() { date +%s.%N; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { print a / b }'; }
# Runs "$@" and prints its wall seconds; the process's own report goes to $work/log.
timed() {
  local t0 t1
  t0=$(seconds)
  "$@" >>"$work/log" 2>&1
  t1=$(seconds)
  awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }'
}
source scripts/same_results.sh
same() { same_results "$1" "$2" >/dev/null && echo yes || echo NO; }
sweep() { "$1" sweep "$experiment" --runs "$runs" --quiet --force "${@:2}"; }
shards() {
  local pids=()
  for k in $(seq 1 "$n"); do
    sweep "$bin" --threads 1 --shard "$k/$n" --out "$work/shard$k" >>"$work/log" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  "$bin" merge "$work"/shard* --out "$work/merged" --force >>"$work/log" 2>&1
}

total=$(( $(sweep "$bin" --dry-run | sed -n 's/.*(\([0-9]*\) in all).*/\1/p') ))
echo "sweep $experiment: $total runs; $n cores; $repeats repeats (wall seconds; speed-up over one process)"
for r in $(seq 1 "$repeats"); do
  one=$(timed sweep "$bin" --threads "$n" --out "$work/one")
  peak_one=$(grep -o 'peak memory [0-9]* MB' "$work/log" | tail -1)
  sh=$(timed shards)
  line=$(printf "  one process %6.2f s (%5.0f runs/s, %s) | %d shards + merge %6.2f s x%.2f, same: %s" \
    "$one" "$(div "$total" "$one")" "$peak_one" "$n" "$sh" "$(div "$one" "$sh")" \
    "$(same "$work/one" "$work/merged")")
  if [ -x "$mpi_bin" ]; then
    mp=$(timed mpirun --oversubscribe -np "$n" "$mpi_bin" sweep "$experiment" --runs "$runs" --quiet \
         --force --threads 1 --out "$work/mpi")
    peak_mpi=$(grep -o 'peak memory [0-9]* MB on rank 0' "$work/log" | tail -1)
    line+=$(printf " | mpirun -np %d %6.2f s x%.2f (%s), same: %s" "$n" "$mp" \
      "$(div "$one" "$mp")" "$peak_mpi" "$(same "$work/one" "$work/mpi")")
  fi
  echo "$line"
done
