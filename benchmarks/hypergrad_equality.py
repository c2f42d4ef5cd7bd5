#!/usr/bin/env python3
"""hcdc's hypergradient against hypertorch's on the same point (issue 15: "same hypergradient").

hcdc_hypergrad_point writes θ (trained by hcdc), λ, both losses and hcdc's Neumann hypergradients
(K = 5, 10, 20, α from the file) in float32 and float64. This script rebuilds the problem from
the graph file on its own (Â = D̃^-1/2 (A+I) D̃^-1/2 with scipy, the 2-layer filter GNN
in PyTorch with θ split as hcdc lays it out: W1, b1, W2, b2), checks the two losses, and runs
hypertorch's neumann() with the fixed-point map θ − α∇L_train at the same θ and λ. Compared:
the whole hypergradient, and its implicit part (the hypergradient less ∇_λ L_val: the part the
Neumann series computes, small next to the direct part at α = 0.01) on its own, in float64 only:
in float32 both sides round g = direct + implicit to the grid of the direct part, so the implicit
part recovered from g is quantised to about 1e-3 of itself there.

Usage: hypergrad_equality.py GRAPH_H5 POINT_H5 HYPERTORCH_DIR [TOLERANCE]
Prints one row per precision and K; exit 1 when a relative difference exceeds TOLERANCE
(default 1e-4), 0 otherwise.
"""
import sys

import h5py
import numpy as np
import scipy.sparse as sp
import torch

graph_path, point_path, htdir = sys.argv[1:4]
tolerance = float(sys.argv[4]) if len(sys.argv) > 4 else 1e-4
sys.path.insert(0, htdir)
import hypergrad as hg  # noqa: E402

torch.set_num_threads(1)

with h5py.File(graph_path, "r") as g:
    n, f_in, classes = (int(g.attrs[k]) for k in ("num_nodes", "num_features", "num_classes"))
    indptr, indices = g["adjacency/indptr"][:], g["adjacency/indices"][:]
    weights = g["adjacency/weights"][:] if "adjacency/weights" in g else np.ones(len(indices), np.float32)
    features = g["features"][:].reshape(n, f_in)
    labels = g["labels"][:]
    train_idx, val_idx = g["splits/train"][:], g["splits/val"][:]
with h5py.File(point_path, "r") as p:
    hidden, order = int(p.attrs["hidden"]), int(p.attrs["order"])
    weight_decay, alpha = float(p.attrs["weight_decay"]), float(p.attrs["neumann_alpha"])
    points = {}
    for prec in ("float32", "float64"):
        grp = p[prec]
        points[prec] = dict(theta=grp["theta"][:], lam=grp["lambda"][:],
                            direct=grp["direct"][:],
                            train_loss=float(grp["theta"].attrs["train_loss"]),
                            val_loss=float(grp["theta"].attrs["val_loss"]),
                            hypergrad={int(k[len("hypergrad_K"):]): grp[k][:] for k in grp if k.startswith("hypergrad_K")})

a = sp.csr_matrix((weights.astype(np.float64), indices, indptr), shape=(n, n))
deg_tilde = np.asarray(a.sum(1)).ravel() + 1.0
d = sp.diags(deg_tilde ** -0.5)
a_hat = (d @ (a + sp.eye(n)) @ d).tocoo()

failed = False
print(f"{'precision':<9} {'K':>3} {'|g| hypertorch':>15} {'rel diff g':>11} {'|implicit|':>11} {'rel diff implicit':>18}")
for prec, pt in points.items():
    dt = torch.float32 if prec == "float32" else torch.float64
    A = torch.sparse_coo_tensor(np.vstack((a_hat.row, a_hat.col)), a_hat.data, (n, n), dtype=dt).coalesce()
    X = torch.tensor(features, dtype=dt)
    y = torch.tensor(labels, dtype=torch.long)
    tr, va = torch.tensor(train_idx, dtype=torch.long), torch.tensor(val_idx, dtype=torch.long)
    shapes = [(f_in, hidden), (hidden,), (hidden, classes), (classes,)]
    flat = torch.tensor(pt["theta"], dtype=dt)
    assert flat.numel() == sum(int(np.prod(s)) for s in shapes), f"{point_path}: θ has {flat.numel()} entries"
    params, off = [], 0
    for s in shapes:
        k = int(np.prod(s))
        params.append(flat[off:off + k].view(*s).clone().requires_grad_(True))
        off += k
    lam = torch.tensor(pt["lam"], dtype=dt, requires_grad=True)

    def filt(z, lam):
        out, cur = lam[0] * z, z
        for k in range(1, order + 1):
            cur = torch.sparse.mm(A, cur)
            out = out + lam[k] * cur
        return out

    def logits(ps, lam):
        w1, b1, w2, b2 = ps
        h = torch.relu(filt(X @ w1, lam) + b1)
        return filt(h @ w2, lam) + b2

    def train_loss(ps, hps):
        return (torch.nn.functional.cross_entropy(logits(ps, hps[0])[tr], y[tr])
                + 0.5 * weight_decay * sum((q * q).sum() for q in ps))

    def val_loss(ps, hps):
        return torch.nn.functional.cross_entropy(logits(ps, hps[0])[va], y[va])

    def fp_map(ps, hps):
        grads = torch.autograd.grad(train_loss(ps, hps), ps, create_graph=True)
        return [q - alpha * gq for q, gq in zip(ps, grads)]

    with torch.no_grad():
        lt, lv = float(train_loss(params, [lam])), float(val_loss(params, [lam]))
    for name, ours, theirs in (("train_loss", pt["train_loss"], lt), ("val_loss", pt["val_loss"], lv)):
        rel = abs(ours - theirs) / abs(theirs)
        print(f"{prec:<9} {name}: hcdc {ours:.8f}  torch {theirs:.8f}  rel diff {rel:.2e}")
        failed |= rel > tolerance
    direct = torch.autograd.grad(val_loss(params, [lam]), lam)[0].detach().double().numpy()

    def rel(a, b):
        return float(np.linalg.norm(a - b) / np.linalg.norm(b))

    for k, ours in sorted(pt["hypergrad"].items()):
        theirs = hg.neumann(params, [lam], K=k, fp_map=fp_map, outer_loss=val_loss, tol=0.0, set_grad=False)[0]
        theirs = theirs.detach().double().numpy()
        ours = ours.astype(np.float64)
        implicit_ours, implicit_theirs = ours - pt["direct"].astype(np.float64), theirs - direct
        r_total, r_implicit = rel(ours, theirs), rel(implicit_ours, implicit_theirs)
        shown = f"{r_implicit:18.2e}" if prec == "float64" else f"{'(float64 only)':>18}"
        print(f"{prec:<9} {k:>3} {np.linalg.norm(theirs):15.6e} {r_total:11.2e} "
              f"{np.linalg.norm(implicit_theirs):11.3e} {shown}")
        failed |= r_total > tolerance or (prec == "float64" and r_implicit > tolerance)
print(f"hypergrad vs hypertorch: {'FAIL' if failed else 'equal'} to {tolerance:g} relative (norm of the difference, whole and implicit part)")
sys.exit(1 if failed else 0)
