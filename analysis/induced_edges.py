#!/usr/bin/env python3
"""How much structure the subgraph induced by a coreset keeps: for random picks of c_train training
and c_val validation nodes (the sizes of a job's budgets), the mean number of undirected edges
among S_train's nodes (the proxy's training graph) and among S_train ∪ S_val (its validation
graph), and the share of S_val's nodes with no neighbour at all. Reads an hcdc.graph file.

    python3 analysis/induced_edges.py results/cora.h5 --budgets 0.009 0.018 0.036 --val-fraction 0.4
"""
import argparse

import numpy as np

from hcdc_h5 import open_checked


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("graph", help="an hcdc.graph HDF5 file")
    ap.add_argument("--budgets", type=float, nargs="+", default=[0.009, 0.018, 0.036], help="c_train / n")
    ap.add_argument("--val-fraction", type=float, default=0.4, help="c_val / c_train")
    ap.add_argument("--draws", type=int, default=200, help="random picks per budget")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    with open_checked(a.graph, "hcdc.graph") as f:
        indptr, indices = f["adjacency/indptr"][:], f["adjacency/indices"][:]
        train, val = f["splits/train"][:], f["splits/val"][:]
    n = len(indptr) - 1
    rng = np.random.default_rng(a.seed)
    print(f"{a.graph}: {n} nodes, {len(indices) // 2} undirected edges, mean degree {len(indices) / n:.2f}")
    print("| c_train/n | c_train | c_val | edges in S_train | edges in S_train ∪ S_val | S_val nodes without a neighbour |")
    print("|---|---|---|---|---|---|")
    for b in a.budgets:
        ct = max(1, round(b * n))
        cv = max(1, round(a.val_fraction * ct))
        e_tr, e_all, lone = [], [], []
        for _ in range(a.draws):
            s_tr = rng.choice(train, size=min(ct, len(train)), replace=False)
            s_va = rng.choice(val, size=min(cv, len(val)), replace=False)
            both = np.concatenate([s_tr, s_va])
            inside = np.zeros(n, dtype=bool)
            inside[both] = True
            in_train = np.zeros(n, dtype=bool)
            in_train[s_tr] = True
            count_all = sum(int(inside[indices[indptr[u]:indptr[u + 1]]].sum()) for u in both) // 2
            count_tr = sum(int(in_train[indices[indptr[u]:indptr[u + 1]]].sum()) for u in s_tr) // 2
            alone = sum(1 for u in s_va if not inside[indices[indptr[u]:indptr[u + 1]]].any())
            e_tr.append(count_tr)
            e_all.append(count_all)
            lone.append(alone / len(s_va))
        print(f"| {100 * b:.1f}% | {ct} | {cv} | {np.mean(e_tr):.2f} | {np.mean(e_all):.2f} | {100 * np.mean(lone):.0f}% |")


if __name__ == "__main__":
    main()
