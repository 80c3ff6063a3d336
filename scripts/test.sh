#!/usr/bin/env bash
# Sets up, builds with warnings as errors and runs the whole test suite (ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh -DSTANCESIM_WERROR=ON
ctest --test-dir build --output-on-failure -j "$(nproc)"
