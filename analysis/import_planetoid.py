#!/usr/bin/env python3
"""Planetoid (Cora, Citeseer, PubMed) -> hcdc.graph HDF5, with the public split.

The source files are Python 2 pickles: x/tx/allx scipy CSR feature matrices, y/ty/ally one-hot
numpy label matrices, `graph` a dict of adjacency lists, `test.index` the test node ids.
Public split (Kipf's loader): train = first |y| nodes, val = the next 500, test = the ids in
test.index; rows of tx/ty belong at the sorted test ids. Citeseer's test ids have gaps (isolated
nodes): tx/ty are padded with zero rows over the full [min, max] id range, and the padded nodes
belong to no split. Edges are de-duplicated, self-loops dropped, and the graph symmetrised.

Usage: import_planetoid.py --root ../shared/datasets/planetoid --name cora --out cora.h5
"""
import argparse
import warnings
import os
import pickle
import sys

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hcdc_h5  # noqa: E402

# Old pickles name scipy.sparse.csr, a deprecated (but working) module path.
warnings.filterwarnings("ignore", category=DeprecationWarning)

PARTS = ["x", "y", "tx", "ty", "allx", "ally", "graph"]


def fail(path, field, what):
    print(f"hcdc: error: {path}: {field}: {what}", file=sys.stderr)
    sys.exit(2)


def load_pickle(path):
    if not os.path.exists(path):
        fail(path, "", "file does not exist")
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh, encoding="latin1")
    except Exception as e:  # a truncated or foreign file: one line, not a traceback
        fail(path, "", f"cannot unpickle ({type(e).__name__}: {e})")


def load(root, name):
    parts = {p: load_pickle(os.path.join(root, f"ind.{name}.{p}")) for p in PARTS}
    index_path = os.path.join(root, f"ind.{name}.test.index")
    if not os.path.exists(index_path):
        fail(index_path, "", "file does not exist")
    test_index = np.loadtxt(index_path, dtype=np.int64, ndmin=1)
    return parts, test_index


def build(parts, test_index, name):
    x, y, tx, ty, allx, ally, graph = (parts[p] for p in PARTS)
    test_sorted = np.sort(test_index)
    if name == "citeseer" or (test_sorted[-1] - test_sorted[0] + 1) != len(test_sorted):
        # Pad tx/ty over the full id range so every test id has a row (Citeseer's gaps).
        full = np.arange(test_sorted[0], test_sorted[-1] + 1)
        tx_ext = sp.lil_matrix((len(full), tx.shape[1]), dtype=tx.dtype)
        tx_ext[test_sorted - test_sorted[0], :] = tx
        ty_ext = np.zeros((len(full), ty.shape[1]), dtype=ty.dtype)
        ty_ext[test_sorted - test_sorted[0], :] = ty
        tx, ty = tx_ext.tocsr(), ty_ext
    else:
        full = test_sorted
    features = sp.vstack([sp.csr_matrix(allx), sp.csr_matrix(tx)]).tolil()
    labels_onehot = np.vstack([ally, ty])
    # Rows arrive in file order of test.index; place them at the sorted ids.
    features[test_index, :] = features[test_sorted, :]
    labels_onehot[test_index, :] = labels_onehot[test_sorted, :]
    features = features.tocsr().astype(np.float32)
    n = features.shape[0]
    unlabelled = labels_onehot.sum(axis=1) == 0
    labels = labels_onehot.argmax(axis=1).astype(np.int64)

    rows, cols = [], []
    for u, nbrs in graph.items():
        for v in nbrs:
            rows.append(u)
            cols.append(v)
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    if rows.size and (rows.max() >= n or cols.max() >= n):
        fail(name, "graph", f"edge endpoint {max(rows.max(), cols.max())} >= number of nodes {n}")
    keep = rows != cols
    a = sp.coo_matrix((np.ones(keep.sum(), dtype=np.float32), (rows[keep], cols[keep])), shape=(n, n))
    a = ((a + a.T) > 0).astype(np.float32).tocsr()
    a.sort_indices()

    n_train = y.shape[0]
    # Padded (unlabelled) nodes belong to no split. On the real datasets the public ranges never
    # touch them or each other; the filter only matters for small or unusual layouts.
    excluded = set(np.flatnonzero(unlabelled).tolist()) | set(test_sorted.tolist())
    val = [i for i in range(n_train, min(n_train + 500, n)) if i not in excluded]
    split = {
        "train": np.arange(n_train, dtype=np.int64),
        "val": np.asarray(val, dtype=np.int64),
        "test": test_sorted.astype(np.int64),
    }
    return dict(features=features, labels=labels, adjacency=a, splits=split,
                num_classes=labels_onehot.shape[1], padded=int(len(full) - len(test_sorted)),
                unlabelled=np.flatnonzero(unlabelled).astype(np.int64))


def write(out, g, name, root, sparse_features, argv):
    with hcdc_h5.atomic_h5(out) as f:
        hcdc_h5.stamp(f, "hcdc.graph", "import_planetoid.py")
        n = g["features"].shape[0]
        f.attrs["num_nodes"] = np.int64(n)
        f.attrs["num_features"] = np.int64(g["features"].shape[1])
        f.attrs["num_classes"] = np.int64(g["num_classes"])
        f.attrs["config"] = " ".join(argv)
        f.attrs["source"] = os.path.abspath(root) + f" (ind.{name}.*)"
        f.attrs["dataset_name"] = name
        f.attrs["num_padded_nodes"] = np.int64(g["padded"])
        a = g["adjacency"]
        hcdc_h5.write_array(f, "adjacency/indptr", a.indptr.astype(np.int64))
        hcdc_h5.write_array(f, "adjacency/indices", a.indices.astype(np.int64))
        if sparse_features:
            x = g["features"]
            x.sort_indices()
            hcdc_h5.write_array(f, "features_csr/indptr", x.indptr.astype(np.int64))
            hcdc_h5.write_array(f, "features_csr/indices", x.indices.astype(np.int64))
            hcdc_h5.write_array(f, "features_csr/data", x.data.astype(np.float32))
        else:
            hcdc_h5.write_array(f, "features", g["features"].toarray().astype(np.float32))
        hcdc_h5.write_array(f, "labels", g["labels"])
        hcdc_h5.write_array(f, "unlabelled_nodes", g["unlabelled"])
        for k, v in g["splits"].items():
            hcdc_h5.write_array(f, f"splits/{k}", v)


def main(argv=None):
    argv = sys.argv if argv is None else argv
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--root", default=os.path.join(hcdc_h5.REPO, "..", "shared", "datasets", "planetoid"),
                   help="folder with the ind.NAME.* files (default: ../shared/datasets/planetoid)")
    p.add_argument("--name", default="cora", help="cora, citeseer or pubmed (default: cora)")
    p.add_argument("--out", required=True, help="output HDF5 file")
    p.add_argument("--sparse-features", action="store_true", help="store features as CSR (large graphs)")
    args = p.parse_args(argv[1:])
    parts, test_index = load(args.root, args.name)
    g = build(parts, test_index, args.name)
    write(args.out, g, args.name, args.root, args.sparse_features, argv)
    a = g["adjacency"]
    print(f"wrote {args.out}: {g['features'].shape[0]} nodes, {a.nnz // 2} undirected edges, "
          f"{g['features'].shape[1]} features, {g['num_classes']} classes, split "
          f"{len(g['splits']['train'])}/{len(g['splits']['val'])}/{len(g['splits']['test'])}")


if __name__ == "__main__":
    main()
