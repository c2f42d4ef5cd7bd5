"""hcdc's offline analysis: read results and condensed files copied off a cluster (h5py, numpy,
scipy, pandas, matplotlib only; no build needed) and turn them into tables, figures and a report.

    from analysis import load_results, load_condensed
    r = load_results("results/table1/results.h5")      # rows, summary, truth, per-run proxies
    s = load_condensed("results/table1/condensed/hcdc-10.0pct-s0.h5")   # numpy arrays

Command: python3 analysis/report.py RESULTS.h5 [MORE.h5 ...] --out DIR
"""
from .condensed import CondensedSet, load_condensed
from .errors import AnalysisInputError
from .results import Results, load_results

__all__ = ["AnalysisInputError", "CondensedSet", "Results", "load_condensed", "load_results"]
