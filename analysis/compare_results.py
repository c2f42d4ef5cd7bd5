#!/usr/bin/env python3
"""Compare two hcdc results files bit for bit, timings aside.

Usage: compare_results.py A.h5 B.h5 [--runs N]
Every `rows/` column but `seconds` and every `summary/` column but the timings must be equal
(array_equal: bitwise for floats, NaN equal to NaN in the same place — a ρ over tied scores is NaN
in both); `--runs N` also requires N finished runs in both. Exit 0 when
equal, 1 naming the first column that differs. Used by the rank-count and preemption tests and by
scripts/bench_run_scaling.sh.
"""
import argparse
import sys

import h5py
import numpy as np

ROWS = ("candidate", "proxy", "seed", "score", "val_loss", "test_acc")
SUMMARY = ("method", "budget", "c_train", "c_val", "seed", "rho", "rho_accuracy", "tau", "regret", "perf",
           "solves", "skipped_solves")


def same_column(x, y):
    floats = x.dtype.kind == "f" and y.dtype.kind == "f"
    return np.array_equal(x, y, equal_nan=floats)


def differences(a_path, b_path, runs=None):
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        for group, keys in (("rows", ROWS), ("summary", SUMMARY)):
            for k in keys:
                path = f"{group}/{k}"
                if (path in a) != (path in b):
                    return f"{path}: present in only one file"
                if path in a and not same_column(a[path][:], b[path][:]):
                    return f"{path}: differs"
        if runs is not None:
            for name, f in ((a_path, a), (b_path, b)):
                if f.attrs.get("runs_done") != runs:
                    return f"{name}: runs_done is {f.attrs.get('runs_done')}, expected {runs}"
    return None


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--runs", type=int, default=None)
    args = p.parse_args(argv)
    diff = differences(args.a, args.b, args.runs)
    if diff:
        print(f"compare_results: {args.a} vs {args.b}: {diff}")
        return 1
    print(f"compare_results: {args.a} and {args.b} are equal (timings aside)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
