#!/bin/bash
# Submits a tensorsim sweep to Slurm as a job array of N shards and a merge job that starts when
# every shard succeeded; prints the two job IDs ("ARRAY_ID MERGE_ID") on standard output.
#
#   examples/slurm/submit.sh SWEEP.yaml N OUTDIR
#
# OUTDIR (and SWEEP, its base scenario and the binary) must be on a filesystem every node sees:
# the tasks write OUTDIR/shard-I, the merge job reads them all and writes OUTDIR/sweep.csv,
# OUTDIR/sweep.md and OUTDIR/sweep.html; the jobs' logs go to OUTDIR/logs/.
#
# Environment:
#   TENSORSIM     the tensorsim binary (default: `tensorsim` on PATH), the same path on the nodes
#   SWEEP_CPUS    CPUs per shard, the points each runs at once (default 2)
#   SBATCH_*      sbatch's own options, e.g. SBATCH_PARTITION, SBATCH_ACCOUNT, SBATCH_TIMELIMIT
#
# If a shard fails, the merge job is cancelled (its dependency can never be met); submit again
# with the same arguments: each shard skips the points it finished and the merge runs after.
set -euo pipefail

if [[ $# -ne 3 ]]; then
    echo "usage: $0 SWEEP.yaml N OUTDIR" >&2
    exit 2
fi
# Slurm's default MaxArraySize is 1001 (task IDs up to 1000); a larger array needs the cluster's
# MaxArraySize raised, and tensorsim takes up to 100000 shards.
if ! [[ $2 =~ ^[1-9][0-9]{0,4}$ ]]; then
    echo "error: N: expected a number of shards from 1 to 99999, got '$2'" >&2
    exit 2
fi
here="$(cd "$(dirname "$0")" && pwd)"
# Absolute paths: a job need not start in the directory this script ran in (sbatch's --chdir,
# SBATCH_CHDIR), and the variables are read there.
SWEEP="$(realpath "$1")"
SWEEP_SHARDS="$2"
SWEEP_OUT="$(realpath -m "$3")"
TENSORSIM="$(command -v "${TENSORSIM:-tensorsim}")" || {
    echo "error: TENSORSIM: no tensorsim binary '${TENSORSIM:-tensorsim}' (set TENSORSIM to its path)" >&2
    exit 2
}
TENSORSIM="$(realpath "$TENSORSIM")"
export SWEEP SWEEP_OUT SWEEP_SHARDS TENSORSIM
mkdir -p "$SWEEP_OUT/logs"

# --parsable prints "ID" or "ID;cluster": the ID is what the dependency names. --export=ALL (the
# default, said here because the scripts need it) hands the variables above to the jobs.
array_id="$(sbatch --parsable --export=ALL \
    --array="0-$((SWEEP_SHARDS - 1))" \
    --cpus-per-task="${SWEEP_CPUS:-2}" \
    --output="$SWEEP_OUT/logs/shard-%a.out" \
    "$here/sweep.sbatch")"
array_id="${array_id%%;*}"

# afterok on the array's ID waits for every task of the array and needs all to succeed;
# --kill-on-invalid-dep cancels the merge when one fails, rather than leaving it pending forever.
merge_id="$(sbatch --parsable --export=ALL \
    --dependency="afterok:$array_id" --kill-on-invalid-dep=yes \
    --output="$SWEEP_OUT/logs/merge.out" \
    "$here/merge.sbatch")"
merge_id="${merge_id%%;*}"

echo "submitted: shards as array job $array_id (0-$((SWEEP_SHARDS - 1))), merge as job $merge_id into $SWEEP_OUT" >&2
echo "$array_id $merge_id"
