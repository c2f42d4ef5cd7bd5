#!/usr/bin/env bash
# Distributed bad input: more ranks than trajectories; --resume without a checkpoint folder;
# leftover checkpoints without --resume; resuming another job config; `hcdc evaluate` with more
# ranks than candidates, a bad slice, a missing slice to merge, a proxy condensed from another
# dataset. Each: one clear error, non-zero exit, never a silent restart, nothing written.
# Usage: bad_input.sh HCDC MPIEXEC NPFLAG TMPDIR EXPECT_EXIT_SH
set -uo pipefail
hcdc=$1 mpiexec=$2 npflag=$3 tmp=$4/mpi_bad_input expect=$5
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$tmp" && mkdir -p "$tmp"
job() { sed -e "s|@OUT@|$tmp/$1|" -e "s|@DET@|true|" -e "s|@OUTER@|1|" "$here/mpi_job.toml.in" > "$tmp/$1.toml"; echo "$tmp/$1.toml"; }
ok=0
j=$(job few); sed -i 's/trajectories = 6/trajectories = 2/' "$j"
"$expect" 2 "hcdc.trajectories: 3 ranks but only 2 trajectories" - -- $mpiexec $npflag 3 "$hcdc" condense "$j" || ok=1
j=$(job noresume)
"$expect" 2 "--resume: the checkpoint directory does not exist" - -- "$hcdc" condense "$j" --resume || ok=1
"$hcdc" condense "$j" > /dev/null 2>&1 || ok=1                   # a complete run leaves checkpoints
"$expect" 2 "checkpoints of an earlier run exist" - -- "$hcdc" condense "$j" || ok=1
sed -i 's/seed = 0/seed = 5/' "$j"                                 # another config, same folder
"$expect" 2 "belongs to another job config" - -- "$hcdc" condense "$j" --resume || ok=1
j=$(job evalfew); sed -i 's/num_candidates = 12/num_candidates = 2/' "$j"
"$expect" 2 "search.num_candidates: 3 ranks but only 2 candidates" "$tmp/evalfew/truth.h5" -- \
  $mpiexec $npflag 3 "$hcdc" evaluate "$j" || ok=1
j=$(job evalslice)
"$expect" 2 "--slice: expected 0 ≤ I < N, got '3/3'" - -- "$hcdc" evaluate "$j" --slice 3/3 || ok=1
"$expect" 2 "--slice: expected I/N" - -- "$hcdc" evaluate "$j" --slice x || ok=1
"$expect" 2 "truth-slice-0-of-2.h5: --merge-slices: slice 0 of 2 is missing" "$tmp/evalslice/truth.h5" -- \
  "$hcdc" evaluate "$j" --merge-slices 2 || ok=1
"$hcdc" condense "$j" --method random > /dev/null 2>&1 || ok=1
k=$(job evalother); sed -i "s/^seed = 0/seed = 5/" "$k"   # the job seed seeds the generated graph
"$expect" 2 "condensed-random.h5: source_digest: condensed from another dataset" "$tmp/evalother/evaluation-condensed-random.h5" -- \
  "$hcdc" evaluate "$k" --proxy "$tmp/evalslice/condensed-random.h5" || ok=1
exit $ok
