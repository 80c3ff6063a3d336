#!/usr/bin/env bash
# Executes the notebooks headless on a results folder; saves their figures as PNG and the executed
# notebooks as HTML in <results>/figures (or $2). notebooks/experiments.ipynb runs when the folder
# holds experiments/ (the sweeps, sensitivity and discovery folders of scripts/experiments.sh).
# Usage: bash scripts/notebooks.sh [RESULTS_DIR] [FIGURES_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
results=$(realpath "${1:-results}")
figures=$(realpath -m "${2:-$results/figures}")
mkdir -p "$figures"
export STANCESIM_RESULTS="$results" STANCESIM_FIGURES="$figures" PYDEVD_DISABLE_FILE_VALIDATION=1
for nb in compare_scenarios explain_decisions; do
  /usr/bin/jupyter nbconvert --to html --execute --ExecutePreprocessor.timeout=900 \
    "notebooks/$nb.ipynb" --output-dir "$figures" --log-level WARN
done
# Sweeps, sensitivity and discovery folders under <results>/experiments (scripts/main_job.sh).
if [ -d "$results/experiments" ]; then
  STANCESIM_EXPERIMENTS="$results/experiments" /usr/bin/jupyter nbconvert --to html --execute \
    --ExecutePreprocessor.timeout=900 notebooks/experiments.ipynb --output-dir "$figures" --log-level WARN
fi
echo "figures: $figures"
