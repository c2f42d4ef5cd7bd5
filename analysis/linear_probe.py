#!/usr/bin/env python3
"""Linear probes of a node classification graph (hcdc.graph): how much each propagation of the
features tells about the labels. A ridge classifier (closed form, one-hot targets) is fitted on the
training split and scored on the test split for X, ÂX, Â²X, [X, ÂX, Â²X] and the high-pass X − ÂX,
with Â the symmetrically normalised adjacency with self-loops (GCN's).

Use it to calibrate a synthetic graph (hcdc generate csbm) against a real graph's known accuracies
(e.g. ogbn-arxiv: MLP ≈ 55 %, GCN ≈ 71 %): docs/results/csbm_presets.md.

    python3 analysis/linear_probe.py GRAPH.h5 [GRAPH.h5 ...]
"""
import argparse
import sys

import numpy as np
import scipy.sparse as sp

from hcdc_h5 import open_checked


def probes(path, ridge=1e-2):
    with open_checked(path, "hcdc.graph") as f:
        n = int(f.attrs["num_nodes"])
        if "features" not in f:
            sys.exit(f"{path}: features: the probe needs dense features")
        a = sp.csr_matrix((np.ones(f["adjacency/indices"].shape[0]), f["adjacency/indices"][:],
                           f["adjacency/indptr"][:]), shape=(n, n))
        x = f["features"][:].astype(np.float64)
        y = f["labels"][:]
        train, test = f["splits/train"][:], f["splits/test"][:]
    a = a + sp.eye(n)
    d = sp.diags(np.asarray(a.sum(1)).ravel() ** -0.5)
    a = d @ a @ d
    ax = a @ x
    a2x = a @ ax
    classes = int(y.max()) + 1

    def score(z):
        z = np.hstack([z, np.ones((n, 1))])
        targets = np.eye(classes)[y[train]]
        w = np.linalg.solve(z[train].T @ z[train] + ridge * np.eye(z.shape[1]), z[train].T @ targets)
        return float((np.argmax(z[test] @ w, 1) == y[test]).mean())

    return {"X": score(x), "AX": score(ax), "A2X": score(a2x), "[X,AX,A2X]": score(np.hstack([x, ax, a2x])),
            "X-AX": score(x - ax), "majority": float(np.bincount(y[test]).max() / len(test))}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("graphs", nargs="+", help="hcdc.graph HDF5 files")
    p.add_argument("--ridge", type=float, default=1e-2, help="ridge penalty (default 1e-2)")
    args = p.parse_args(argv)
    names = None
    for g in args.graphs:
        r = probes(g, args.ridge)
        if names is None:
            names = list(r)
            print("| graph | " + " | ".join(names) + " |")
            print("| --- " * (len(names) + 1) + "|")
        print(f"| {g} | " + " | ".join(f"{r[k]:.3f}" for k in names) + " |")


if __name__ == "__main__":
    main()
