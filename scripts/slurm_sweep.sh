#!/usr/bin/env bash
# A sweep as a Slurm job array (docs/scale.md): task K of N runs the K-th block of design points
# into its own shard folder; a last job, started when every task has succeeded, merges them.
#
#   sbatch --array=1-16 scripts/slurm_sweep.sh experiments/un_sanctions_after_test.toml results/sobol
#   sbatch --dependency=afterok:<array job id> --wrap \
#     "build/stancesim merge results/sobol.shards/* --out results/sobol"
#
# A task that is killed (time limit, pre-emption) keeps its checkpoints; resubmitting the same
# task resumes it (--resume; nothing to resume starts from the beginning). The result is
# byte-identical to one process's sweep. Extra arguments after OUT go to `stancesim sweep`.
#SBATCH --job-name=stancesim-sweep
#SBATCH --cpus-per-task=4
#SBATCH --time=02:00:00
#SBATCH --output=%x-%A_%a.log
set -euo pipefail
experiment=${1:?usage: scripts/slurm_sweep.sh EXPERIMENT.toml OUT [sweep options]}
out=${2:?usage: scripts/slurm_sweep.sh EXPERIMENT.toml OUT [sweep options]}
shift 2
k=${SLURM_ARRAY_TASK_ID:?run with sbatch --array=1-N}
n=${SLURM_ARRAY_TASK_COUNT:?run with sbatch --array=1-N}
bin=${STANCESIM:-build/stancesim}
mkdir -p "$out.shards"
exec "$bin" sweep "$experiment" --shard "$k/$n" --threads "${SLURM_CPUS_PER_TASK:-1}" --resume \
  --out "$out.shards/$(printf '%05d' "$k")" "$@"
