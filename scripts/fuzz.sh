#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ with clang-14 and runs each for a bounded time.
# Usage: bash scripts/fuzz.sh [SECONDS] [TARGET...]
#   SECONDS   fuzzing time per target (default 60)
#   TARGET    fuzz_scenario fuzz_model fuzz_condition fuzz_results fuzz_experiment
#             fuzz_sweep_results (default: all six, in turn)
# First replays tests/fuzz/regressions/<target>/* (each must now run clean), then fuzzes each
# target from a fresh copy of its seed corpus (tests/fuzz/make_corpus.py). Exits 1 on any crash,
# sanitizer report, leak, timeout (-timeout=10) or out-of-memory (-rss_limit_mb=2048), printing the
# reproducer's path and the top of its stack. Reproduce one with
#   build-fuzz/tests/fuzz/<target> <reproducer>
# Environment: STANCESIM_FUZZ_BUILD (build folder, default build-fuzz), STANCESIM_FUZZ_JOBS
# (build jobs, default all cores), STANCESIM_FUZZ_KEEP_GOING=1 (libFuzzer's -fork=1 with
# -ignore_crashes/-ignore_timeouts/-ignore_ooms: collect every crash of the time budget rather
# than stop at the first; still exits 1 if there was one). See tests/fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

seconds=${1:-60}
[[ $seconds =~ ^[0-9]+$ ]] || { echo "fuzz.sh: SECONDS must be a whole number, got '$seconds'" >&2; exit 2; }
shift $(($# > 0 ? 1 : 0))
all_targets=(fuzz_scenario fuzz_model fuzz_condition fuzz_results fuzz_experiment fuzz_sweep_results)
targets=("$@")
((${#targets[@]})) || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $t "* ]] || { echo "fuzz.sh: unknown target '$t'" >&2; exit 2; }
done

# clang-14 with libFuzzer and the sanitizer runtimes (Debian: clang-14, libclang-rt-14-dev).
fuzzer_lib=$(ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null | head -1 || true)
if ! command -v clang++-14 >/dev/null || [ -z "$fuzzer_lib" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "fuzz.sh: installing clang-14 libclang-rt-14-dev"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang-14 libclang-rt-14-dev >/dev/null
  else
    echo "fuzz.sh: needs clang++-14 and libFuzzer: apt-get install clang-14 libclang-rt-14-dev (as root)" >&2
    exit 1
  fi
fi

build=${STANCESIM_FUZZ_BUILD:-build-fuzz}
echo "== fuzz: building ${targets[*]} in $build (clang-14, libFuzzer, address + undefined)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_COMPILER=clang++-14 -DSTANCESIM_FUZZ=ON -DSTANCESIM_TESTS=OFF >/dev/null
cmake --build "$build" --target "${targets[@]}" -j "${STANCESIM_FUZZ_JOBS:-$(nproc)}"

# One working folder per set of targets, so that runs of different targets can go side by side.
work="$root/$build/fuzz-run/$(IFS=-; echo "${targets[*]}")"
rm -rf "$work"
mkdir -p "$work"
python3 tests/fuzz/make_corpus.py "$work/corpus" "$root" >/dev/null
# Each fuzzer's scratch files (model copies, inputs) live on tmpfs when there is one.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then tmp=$(mktemp -d /dev/shm/stancesim-fuzz.XXXXXX); else tmp=$(mktemp -d); fi
trap 'rm -rf "$tmp"' EXIT
export STANCESIM_FUZZ_TMP="$tmp"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

limits=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048)
failed=()

# The reproducer(s) a log names, with the first lines of the report and the stack top.
report() {
  local log=$1
  grep -E "^(==[0-9]+==ERROR|SUMMARY|==FINDING==|ALARM|.*runtime error)" "$log" | sort -u | head -8 || true
  local noise="in (fuzzer::|__sanitizer|__asan|__ubsan|__interceptor|LLVMFuzzer|std::__|__libc|_start"
  noise+="|main |void stancesim::fuzz::guarded|__pthread_kill|raise |abort )|libc\.so"
  grep -E "^ +#[0-9]+ " "$log" | grep -vE "$noise" | head -8 || true
}

for t in "${targets[@]}"; do
  bin="$build/tests/fuzz/$t"
  dict="$root/tests/fuzz/toml.dict"
  [ "$t" = fuzz_condition ] && dict="$root/tests/fuzz/condition.dict"
  [ "$t" = fuzz_results ] && dict="$root/tests/fuzz/results.dict"
  [ "$t" = fuzz_sweep_results ] && dict="$root/tests/fuzz/sweep_results.dict"
  # libFuzzer takes one dictionary: the experiment format's words on top of toml.dict.
  if [ "$t" = fuzz_experiment ]; then
    dict="$work/fuzz_experiment.dict"
    cat "$root/tests/fuzz/toml.dict" "$root/tests/fuzz/experiment.dict" >"$dict"
  fi
  art="$work/artifacts/$t"
  mkdir -p "$art"

  # 1. Regressions: every saved reproducer must run clean.
  shopt -s nullglob
  regressions=(tests/fuzz/regressions/"$t"/*)
  shopt -u nullglob
  for r in "${regressions[@]}"; do
    [ -f "$r" ] || continue
    log="$work/$t.regression.$(basename "$r").log"
    if ! "$bin" -runs=1 "${limits[@]}" "$r" >"$log" 2>&1; then
      echo "FAIL  $t: regression $r still crashes (log: $log)"
      report "$log"
      failed+=("$t: $r")
    fi
  done
  echo "== fuzz: $t, ${#regressions[@]} regression(s) replayed; fuzzing ${seconds}s"

  # 2. Fuzzing from a fresh copy of the seeds.
  log="$work/$t.log"
  args=(-max_total_time="$seconds" "${limits[@]}" -dict="$dict" -artifact_prefix="$art/"
        -print_final_stats=1)
  [ "${STANCESIM_FUZZ_KEEP_GOING:-0}" = 1 ] &&
    args+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  status=0
  (cd "$work" && "$root/$bin" "${args[@]}" "$work/corpus/$t") >"$log" 2>&1 || status=$?
  shopt -s nullglob
  found=("$art"/*)
  shopt -u nullglob
  execs=$(grep -oE "stat::number_of_executed_units: [0-9]+" "$log" | tail -1 | grep -oE "[0-9]+$" || true)
  [ -n "$execs" ] || execs=$(grep -oE "^#[0-9]+" "$log" | tail -1 | tr -d '#' || true)
  corpus=$(ls "$work/corpus/$t" | wc -l)
  if ((status != 0 || ${#found[@]} > 0)); then
    echo "FAIL  $t: exit $status after ${execs:-?} executions; corpus $corpus; log $log"
    for f in "${found[@]}"; do echo "      reproducer: $f"; done
    report "$log"
    failed+=("$t")
  else
    echo "ok    $t: ${execs:-?} executions, corpus $corpus inputs, no crash"
  fi
done

if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]}"
  echo "reproduce: $build/tests/fuzz/<target> <reproducer>; minimise: add -minimize_crash=1 -runs=10000"
  exit 1
fi
echo "fuzz: ok (${targets[*]}, ${seconds}s each)"
