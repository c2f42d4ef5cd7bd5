#!/usr/bin/env python3
"""A self-contained report folder (markdown + PNG) from one or many hcdc results files.

    python3 analysis/report.py RESULTS.h5 [MORE.h5 | DIR ...] --out DIR

A DIR input is searched recursively for results.h5. Several files must come from the same search
space (the same candidates): they are compared side by side, and their summaries pooled. For each
file: the ranking tables (ρ ± std, Perf ± std per budget, ρ_top / top-5 / regret), the ground
truth's spread and the whole-data Perf; per budget a rank picture (the paper's Fig. 2) and
proxy-vs-truth scatter; ρ vs budget; the condensed images (Fig. 3) and the alignment / matching
loss curves from the condensed files beside it (DIR/condensed/*.h5, or --condensed); timing bars.
Needs only h5py, numpy, scipy, pandas and matplotlib. Exit 2 with one line naming the file and
field on bad input; the folder appears complete or not at all.
"""
import argparse
import glob
import os
import shutil
import sys
import tempfile

if __package__ in (None, ""):  # run as a script: make `analysis` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "analysis"

import pandas as pd  # noqa: E402

from analysis import figures, tables  # noqa: E402
from analysis.condensed import load_condensed  # noqa: E402
from analysis.errors import AnalysisInputError  # noqa: E402
from analysis.results import budget_label, load_results, same_space  # noqa: E402


def find_results(inputs):
    files = []
    for p in inputs:
        if os.path.isdir(p):
            found = sorted(glob.glob(os.path.join(p, "**", "results.h5"), recursive=True))
            if not found:
                raise AnalysisInputError(p, "path", "folder holds no results.h5")
            files += found
        elif os.path.exists(p):
            files.append(p)
        else:
            raise AnalysisInputError(p, "path", "no such file or folder")
    return files


def condensed_of(results_path, override):
    folder = override or os.path.join(os.path.dirname(os.path.abspath(results_path)), "condensed")
    return [load_condensed(p) for p in sorted(glob.glob(os.path.join(folder, "*.h5")))]


def section(r, k, out, condensed_dir):
    tag = f"f{k}"
    md = [f"## {r.path}\n",
          tables.context_lines(r), "", tables.ranking_table(r)]
    if not r.summary.empty:
        for b in sorted(r.summary.budget.unique()):
            bl = budget_label(b).replace("%", "pct")
            rp = figures.rank_picture(r, b, os.path.join(out, f"{tag}-rank-{bl}.png"))
            sc = figures.proxy_scatter(r, b, os.path.join(out, f"{tag}-scatter-{bl}.png"))
            md += [f"\n### Budget {budget_label(b)}\n", f"![rank picture]({os.path.basename(rp)})",
                   f"![proxy vs truth]({os.path.basename(sc)})"]
        rv = figures.rho_vs_budget(r.summary, os.path.join(out, f"{tag}-rho-vs-budget.png"))
        tb = figures.timing_bars(r, os.path.join(out, f"{tag}-timing.png"))
        md += ["\n### ρ vs budget and timings\n", f"![rho vs budget]({os.path.basename(rv)})",
               f"![timings]({os.path.basename(tb)})"]
    sets = condensed_of(r.path, condensed_dir)
    grid = figures.image_grid(sets, os.path.join(out, f"{tag}-condensed-images.png"))
    hist = figures.histories(sets, os.path.join(out, f"{tag}-histories.png"))
    if grid or hist:
        md.append("\n### Condensed sets\n")
    if grid:
        md.append(f"![condensed images]({os.path.basename(grid)})")
    if hist:
        md.append(f"![alignment and matching losses]({os.path.basename(hist)})")
    md.append(f"\n{len(sets)} condensed file(s) read.\n")
    return "\n".join(md)


def comparison(results):
    rows = []
    for r in results:
        if r.summary.empty:
            continue
        g = r.summary.groupby(["method", "budget"], sort=False).agg(rho=("rho", "mean"), rho_sd=("rho", "std"),
                                                                     perf=("perf", "mean"), runs=("rho", "size"))
        g["file"] = r.path
        rows.append(g.reset_index())
    if not rows:
        return ""
    d = pd.concat(rows)
    lines = ["## Side by side\n", "| file | method | budget | runs | ρ | Perf |", "|---|---|---|---|---|---|"]
    for _, x in d.iterrows():
        lines.append(f"| {x.file} | {x.method} | {budget_label(x.budget)} | {x.runs} | {x.rho:.2f} ± "
                     f"{0 if pd.isna(x.rho_sd) else x.rho_sd:.2f} | {100 * x.perf:.1f} |")
    return "\n".join(lines) + "\n"


def build(inputs, out, condensed_dir=None):
    files = find_results(inputs)
    results = [load_results(p) for p in files]
    same_space(results)
    parent = os.path.dirname(os.path.abspath(out)) or "."
    if not os.path.isdir(parent):
        raise AnalysisInputError(out, "--out", f"parent folder {parent} does not exist")
    tmp = tempfile.mkdtemp(prefix=".report-", dir=parent)
    try:
        md = [f"# hcdc report: {len(results)} results file(s)\n"]
        if len(results) > 1:
            md.append(comparison(results))
        for k, r in enumerate(results):
            md.append(section(r, k, tmp, condensed_dir))
        with open(os.path.join(tmp, "report.md"), "w") as fh:
            fh.write("\n".join(md) + "\n")
        if os.path.exists(out):
            old = out.rstrip("/") + f".old-{os.getpid()}"
            os.replace(out, old)
            os.replace(tmp, out)
            shutil.rmtree(old)
        else:
            os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            shutil.rmtree(tmp)
    return os.path.join(out, "report.md")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="+", help="results.h5 files or folders holding them")
    p.add_argument("--out", required=True, help="the report folder (replaced whole if it exists)")
    p.add_argument("--condensed", default=None, help="folder of condensed files (default: condensed/ beside each results file)")
    a = p.parse_args(argv)
    try:
        path = build(a.inputs, a.out, a.condensed)
    except AnalysisInputError as e:
        print(f"report: error: {e}", file=sys.stderr)
        return 2
    print(f"report: wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
