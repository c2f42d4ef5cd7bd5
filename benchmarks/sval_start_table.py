#!/usr/bin/env python3
"""One row per (results folder, method): mean ± sample sd over seeds of ρ (by S_val loss), accuracy-ρ and
Perf at each budget, from each folder's results.h5 (DIR,DIR,... pools the seeds of several runs of one job).
Used for docs/results/sval_start.md and docs/results/table2_cora_gcond_schedule.md:

    benchmarks/sval_start_table.py LABEL=DIR[,DIR ...] [LABEL=DIR ...]
"""
import sys

import h5py
import numpy as np


def read(folder):
    with h5py.File(f"{folder}/results.h5", "r") as f:
        s = f["summary"]
        method = [m.decode() if isinstance(m, bytes) else str(m) for m in s["method"][()]]
        return [method] + [s[k][()] for k in ("budget", "rho", "rho_accuracy", "perf")]


def rows(label, folders):
    parts = [read(f) for f in folders.split(",")]
    method = sum((p[0] for p in parts), [])
    budget, rho, rho_acc, perf = (np.concatenate([p[i] for p in parts]) for i in range(1, 5))
    for m in dict.fromkeys(method):
        cells = []
        for b in sorted(set(budget)):
            pick = [i for i in range(len(method)) if method[i] == m and budget[i] == b]
            r, a, p = rho[pick], rho_acc[pick], 100 * perf[pick]
            cells.append(f"{r.mean():.2f} ± {r.std(ddof=1) if len(r) > 1 else 0:.2f} | {a.mean():.2f} | {p.mean():.1f}")
        yield f"| {label} | {m} | " + " | ".join(cells) + " |", sorted(set(budget))


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) >= 2 else 2
    header = None
    for arg in argv[1:]:
        label, _, folder = arg.partition("=")
        for line, budgets in rows(label, folder):
            if header is None:
                header = "| run | method | " + " | ".join(f"ρ @ {100 * b:.3g}% | acc-ρ | Perf" for b in budgets) + " |"
                print(header)
                print("|" + "---|" * (2 + 3 * len(budgets)))
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
