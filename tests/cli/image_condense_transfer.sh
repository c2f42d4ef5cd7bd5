#!/usr/bin/env bash
# `hcdc condense` on an image job (DC, then DSA, at depth 3 with instance norm), then the papers'
# evaluation protocol on the condensed file (`hcdc evaluate --proxy … --transfer`, transfer.network =
# "matching-convnet"; DC's without augmentation, DSA's with transfer.augment = "dsa"): every step
# exits 0, the results file validates, holds one row per run and records its augmentation, and the
# same seed gives the same accuracies (the evaluation is seeded, its augmentation too).
# Usage: image_condense_transfer.sh HCDC JOB.toml TMPDIR
set -euo pipefail
hcdc=$1 job=$2 out=$3/image-transfer
rm -rf "$out"
for pair in dc:none dsa:dsa; do
  method=${pair%%:*} augment=${pair##*:}
  set_args=(--set "job.output_dir=\"$out\"" --set matching.image_depth=3 --set matching.image_norm=\"instance\"
            --set matching.image_width=4 --set matching.iterations=2 --set matching.inner=1
            --set transfer.network=\"matching-convnet\" --set transfer.epochs=40 --set transfer.lr=0.05 --set transfer.batch_size=4
            --set transfer.runs=2 --set condense.val_fraction=1.0 --set "transfer.augment=\"$augment\"")
  "$hcdc" --threads 1 condense "$job" --method "$method" "${set_args[@]}"
  test -f "$out/condensed-$method.h5"
  "$hcdc" validate "$out/condensed-$method.h5"
  for f in a b; do
    "$hcdc" --threads 1 evaluate "$job" --proxy "$out/condensed-$method.h5" --transfer --out "$out/transfer-$method-$f.h5" \
      "${set_args[@]}" | tee "$out/transfer-$method-$f.log"
    "$hcdc" validate "$out/transfer-$method-$f.h5"
  done
  grep -q "transfer: matching-convnet-d3-w4-instance trained on .* ($method |S_train| " "$out/transfer-$method-a.log"
  line() { grep "^transfer: matching-convnet" "$1" | sed 's/ in [0-9.]*s; wrote.*//'; }
  if [ "$(line "$out/transfer-$method-a.log")" != "$(line "$out/transfer-$method-b.log")" ]; then
    echo "FAIL: two $method evaluations with the same seed differ"; exit 1
  fi
  # One row per run, the augmentation recorded, and a network that learned something (gaussian
  # classes are separable).
  /usr/bin/python3 - "$out/transfer-$method-a.h5" "$augment" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
assert len(f["rows/candidate"]) == 2, len(f["rows/candidate"])
aug = f.attrs["transfer_augment"]
aug = aug.decode() if isinstance(aug, bytes) else aug
assert aug == sys.argv[2], (aug, sys.argv[2])
acc = f["rows/test_acc"][:]
assert min(acc) > 0.5, acc   # chance is 1/3
PY
done
echo ok
