#!/usr/bin/env bash
# The optional MPI build (docs/scale.md): installs Open MPI (Debian: libopenmpi-dev, openmpi-bin)
# if missing, builds build-mpi/ with -DSTANCESIM_MPI=ON, runs an example sweep on 3 ranks and in
# one process (build/stancesim, the README's build), and fails unless every file is identical
# (the manifests but for command_line and threads). Then a 3-rank sweep interrupted by SIGINT is
# finished by --resume, identical again.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for p in libopenmpi-dev openmpi-bin; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
cmake -S . -B build-mpi -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTANCESIM_MPI=ON -DSTANCESIM_TESTS=OFF \
  -DSTANCESIM_WERROR=ON >/dev/null
cmake --build build-mpi
[ -x build/stancesim ] || bash scripts/setup.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
experiment=experiments/un_sanctions_after_test.toml
source scripts/same_results.sh
same() { same_results "$1" "$2"; }
./build/stancesim sweep "$experiment" --runs 6 --per-run --threads 2 --quiet --out "$work/one"
mpirun --allow-run-as-root --oversubscribe -np 3 build-mpi/stancesim sweep "$experiment" --runs 6 \
  --per-run --threads 1 --quiet --out "$work/mpi"
same "$work/one" "$work/mpi"
echo "mpi: 3 ranks = one process, byte for byte"

# Interrupted after 100 units (a SIGINT raised by rank 0 itself), then resumed on 3 ranks.
status=0
STANCESIM_CHECKPOINT_SECONDS=0 STANCESIM_FAULT=interrupt_at_unit STANCESIM_FAULT_AT=100 \
  mpirun --allow-run-as-root --oversubscribe -np 3 build-mpi/stancesim sweep "$experiment" \
  --runs 6 --per-run --threads 1 --quiet --out "$work/resumed" >"$work/log" 2>&1 || status=$?
[ "$status" -ne 0 ] || { echo "mpi: the interrupted sweep did not stop"; exit 1; }
[ ! -e "$work/resumed" ] || { echo "mpi: a partial result was published"; exit 1; }
ls -a "$work" | grep -q '^\.stancesim-resume-' || { cat "$work/log"; echo "mpi: no resumable work kept"; exit 1; }
mpirun --allow-run-as-root --oversubscribe -np 3 build-mpi/stancesim sweep "$experiment" --runs 6 \
  --per-run --threads 1 --quiet --resume --out "$work/resumed"
same "$work/one" "$work/resumed"
echo "mpi: interrupted on 3 ranks and resumed = one process, byte for byte"
