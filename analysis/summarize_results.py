#!/usr/bin/env python3
"""Summarise hcdc results files: a markdown table (ρ, τ, regret, Perf per method and budget,
mean ± std over seeds) and a plot of ρ against the budget.

Usage: summarize_results.py DIR_OR_RESULTS_H5 [--out PREFIX]
A directory is searched (recursively) for results.h5 files. Writes PREFIX.md and PREFIX.png
(default: beside each results file, summary_py.*) and prints the table.
"""
import argparse
import glob
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402


def load(path):
    """The summary of a results file as a DataFrame; `budget` is always a fraction of n.

    Schema 1.1 files carry c_train, c_val and the solve counts beside the fraction. Schema 1.0
    files are read when their budgets are fractions (`hcdc run`); a 1.0 summary written by
    `hcdc evaluate --proxy` held a node count there and is refused, since n is not in the file.
    """
    with h5py.File(path, "r") as f:
        if f.attrs.get("schema_name") != "hcdc.results":
            raise SystemExit(f"hcdc: error: {path}: schema_name: not an hcdc.results file")
        version = f.attrs.get("schema_version", "1.0")
        version = version.decode() if isinstance(version, bytes) else str(version)
        major, minor = (int(x) for x in version.split("."))
        if major != 1:
            raise SystemExit(f"hcdc: error: {path}: schema_version: {version} is not readable (this tool reads 1.x)")
        if "summary" not in f:
            raise SystemExit(f"hcdc: error: {path}: summary: no per-run summary (not an experiment's results)")
        s = f["summary"]
        budget = s["budget"][:]
        if minor < 1 and (budget > 1).any():
            raise SystemExit(f"hcdc: error: {path}: summary/budget: schema 1.0 file whose budget is a node count "
                             f"(written by an older `hcdc evaluate --proxy`); re-run `hcdc evaluate` to get fractions")
        n = len(budget)
        col = (lambda k: s[k][:]) if minor >= 1 else (lambda k: [float("nan")] * n)
        df = pd.DataFrame({
            "method": [m.decode() if isinstance(m, bytes) else m for m in s["method"][:]],
            "budget": budget, "c_train": col("c_train"), "c_val": col("c_val"),
            "seed": s["seed"][:], "rho": s["rho"][:], "tau": s["tau"][:],
            "regret": s["regret"][:], "perf": s["perf"][:] * 100,
            "solves": col("solves"), "skipped_solves": col("skipped_solves"),
        })
        meta = {k: f.attrs[k] for k in ("noise_ceiling", "whole_perf", "best_test_acc") if k in f.attrs}
    return df, meta


def table(df, meta):
    lines = ["| method | budget | c_train / c_val | ρ | τ_b | regret | Perf (%) | diverged solves |",
             "|---|---|---|---|---|---|---|---|"]
    for (method, budget), d in df.groupby(["method", "budget"], sort=True):
        sizes = "–" if d["c_train"].isna().all() else f"{int(d['c_train'].iloc[0])} / {int(d['c_val'].iloc[0])}"
        solves = d["solves"].sum()
        diverged = "–" if not solves > 0 else f"{int(d['skipped_solves'].sum())} of {int(solves)}"
        lines.append(f"| {method} | {100 * budget:.1f}% | {sizes} | "
                     f"{d['rho'].mean():.3f} ± {d['rho'].std():.3f} | {d['tau'].mean():.3f} ± {d['tau'].std():.3f} | "
                     f"{d['regret'].mean():.4f} | {d['perf'].mean():.1f} ± {d['perf'].std():.1f} | {diverged} |")
    if meta:
        lines.append("")
        lines.append(f"noise ceiling ρ = {meta.get('noise_ceiling', float('nan')):.3f}; whole-graph Perf = "
                     f"{100 * meta.get('whole_perf', float('nan')):.1f}%; best candidate test accuracy = "
                     f"{100 * meta.get('best_test_acc', float('nan')):.1f}%")
    return "\n".join(lines)


def plot(df, path):
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for method, d in df.groupby("method"):
        m = d.groupby("budget")["rho"].agg(["mean", "std"]).reset_index()
        ax.errorbar(100 * m["budget"], m["mean"], yerr=m["std"].fillna(0), marker="o", capsize=3, label=method)
    ax.set_xlabel("budget c_train / n (%)")
    ax.set_ylabel("Spearman ρ")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("path")
    p.add_argument("--out", default=None)
    a = p.parse_args(argv)
    files = [a.path] if a.path.endswith(".h5") else sorted(glob.glob(os.path.join(a.path, "**", "results.h5"), recursive=True))
    if not files:
        raise SystemExit(f"hcdc: error: {a.path}: no results.h5 found")
    for f in files:
        df, meta = load(f)
        prefix = a.out or os.path.join(os.path.dirname(f), "summary_py")
        md = table(df, meta)
        with open(prefix + ".md", "w") as fh:
            fh.write(md + "\n")
        plot(df, prefix + ".png")
        print(f"{f}:\n{md}\nwrote {prefix}.md and {prefix}.png")


if __name__ == "__main__":
    sys.exit(main())
