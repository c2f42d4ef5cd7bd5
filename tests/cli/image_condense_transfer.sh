#!/usr/bin/env bash
# `hcdc condense` on an image job (DC at depth 3 with instance norm), then DC's evaluation protocol
# on the condensed file (`hcdc evaluate --proxy … --transfer`, transfer.network =
# "matching-convnet"): both exit 0, the results file validates and holds one row per run, and the
# same seed gives the same accuracies (the evaluation is seeded).
# Usage: image_condense_transfer.sh HCDC JOB.toml TMPDIR
set -euo pipefail
hcdc=$1 job=$2 out=$3/image-transfer
rm -rf "$out"
set_args=(--set "job.output_dir=\"$out\"" --set matching.image_depth=3 --set matching.image_norm=\"instance\"
          --set matching.image_width=4 --set matching.iterations=2 --set matching.inner=1
          --set transfer.network=\"matching-convnet\" --set transfer.epochs=40 --set transfer.lr=0.05 --set transfer.batch_size=4
          --set transfer.runs=2 --set condense.val_fraction=1.0)
"$hcdc" --threads 1 condense "$job" --method dc "${set_args[@]}"
test -f "$out/condensed-dc.h5"
"$hcdc" validate "$out/condensed-dc.h5"
for f in a b; do
  "$hcdc" --threads 1 evaluate "$job" --proxy "$out/condensed-dc.h5" --transfer --out "$out/transfer-$f.h5" "${set_args[@]}" \
    | tee "$out/transfer-$f.log"
  "$hcdc" validate "$out/transfer-$f.h5"
done
grep -q "transfer: matching-convnet-d3-w4-instance trained on .* (dc |S_train| " "$out/transfer-a.log"
line() { grep "^transfer: matching-convnet" "$1" | sed 's/ in [0-9.]*s; wrote.*//'; }
if [ "$(line "$out/transfer-a.log")" != "$(line "$out/transfer-b.log")" ]; then
  echo "FAIL: two evaluations with the same seed differ"; exit 1
fi
# One row per run, and a network that learned something (gaussian classes are separable).
/usr/bin/python3 - "$out/transfer-a.h5" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
assert len(f["rows/candidate"]) == 2, len(f["rows/candidate"])
acc = f["rows/test_acc"][:]
assert min(acc) > 0.5, acc   # chance is 1/3
PY
echo ok
