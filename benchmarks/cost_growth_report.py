#!/usr/bin/env python3
"""Table, log-log plot and fitted exponents of benchmarks/cost_growth.sh's stages.tsv.

For each stage: wall seconds and peak memory at each size, the exponent b of time ∝ edges^b fitted
by least squares on log-log over all sizes, and the exponent between the two largest sizes (less
bent by the fixed start-up cost: loading LibTorch alone takes ~0.8 s and ~170 MiB).

    python3 benchmarks/cost_growth_report.py STAGES.tsv [--md docs/results/cost_growth.md]
"""
import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def exponents(sub, column):
    x, y = np.log(sub["edges"].to_numpy(float)), np.log(sub[column].to_numpy(float))
    fit = np.polyfit(x, y, 1)[0] if len(sub) >= 2 else float("nan")
    last = (y[-1] - y[-2]) / (x[-1] - x[-2]) if len(sub) >= 2 else float("nan")
    return fit, last


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("tsv", help="stages.tsv written by benchmarks/cost_growth.sh")
    p.add_argument("--md", default=None, help="also write this markdown file (and a .png beside it)")
    args = p.parse_args(argv)
    df = pd.read_csv(args.tsv, sep="\t").sort_values(["stage", "n"])
    stages = list(dict.fromkeys(pd.read_csv(args.tsv, sep="\t")["stage"]))
    sizes = sorted(df["n"].unique())
    lines = ["| stage | " + " | ".join(f"n = {n:,}: s / MiB" for n in sizes)
             + " | time exponent (fit / last step) | memory exponent (fit / last step) |",
             "|---|" + "---|" * len(sizes) + "---|---|"]
    for s in stages:
        sub = df[df["stage"] == s].sort_values("n")
        cells = [f"{r.wall_s:.1f} / {r.peak_mib:.0f}" for r in sub.itertuples()]
        tf, tl = exponents(sub, "wall_s")
        mf, ml = exponents(sub, "peak_mib")
        lines.append(f"| {s} | " + " | ".join(cells) + f" | {tf:.2f} / {tl:.2f} | {mf:.2f} / {ml:.2f} |")
    edges = df.drop_duplicates("n").sort_values("n")
    lines.append("")
    lines.append("Edges (undirected): " + ", ".join(f"n = {r.n:,}: {r.edges:,}" for r in edges.itertuples()) + ".")
    table = "\n".join(lines)
    print(table)
    if args.md:
        fig, axes = plt.subplots(1, 2, figsize=(10, 4))
        for s in stages:
            sub = df[df["stage"] == s].sort_values("n")
            axes[0].loglog(sub["edges"], sub["wall_s"], "o-", label=s)
            axes[1].loglog(sub["edges"], sub["peak_mib"], "o-", label=s)
        for ax, what in zip(axes, ("wall time (s)", "peak resident memory (MiB)")):
            ax.set_xlabel("undirected edges")
            ax.set_ylabel(what)
            ax.grid(True, which="both", alpha=0.3)
        axes[0].legend()
        fig.tight_layout()
        png = os.path.splitext(args.md)[0] + ".png"
        fig.savefig(png, dpi=100)
        with open(args.md, "w") as fh:
            fh.write(table + "\n")
        print(f"wrote {args.md} and {png}")


if __name__ == "__main__":
    main()
