"""A results file (schema hcdc.results, written by `hcdc run`) as pandas frames: every candidate's
ground truth, every run's proxy scores, the per-run summary and the file's attributes."""
import dataclasses
import re

import numpy as np
import pandas as pd
from scipy import stats

from .errors import AnalysisInputError
from .h5read import attrs, open_schema, strings

ROW_COLUMNS = ("candidate", "proxy", "seed", "score", "val_loss", "test_acc", "seconds")
TAG = re.compile(r"^(?P<method>[^@]+)@(?P<budget>[0-9.]+)%#(?P<seed>-?[0-9]+)$")


@dataclasses.dataclass
class Results:
    path: str
    rows: pd.DataFrame        # one row per (candidate, proxy, seed)
    summary: pd.DataFrame     # one row per run (method, budget, seed); empty without runs
    candidates: list          # candidate names, by id
    attrs: dict

    @property
    def proxy_score(self):
        return self.attrs.get("proxy_score", "loss")

    @property
    def metric(self):
        return self.attrs.get("metric", "accuracy")

    def truth(self):
        """Per candidate: the mean validation score and test score over the ground truth's seeds."""
        w = self.rows[self.rows.proxy == "whole"]
        if w.empty:
            raise AnalysisInputError(self.path, "rows/proxy", "no ground-truth rows ('whole')")
        t = w.groupby("candidate").agg(val=("score", "mean"), test=("test_acc", "mean"))
        return t.reindex(range(len(self.candidates)))

    def runs(self):
        """The run tags in the file (method@budget%#seed), with method, budget (fraction) and seed."""
        out = []
        for tag in sorted(set(self.rows.proxy) - {"whole", "whole-noise"}):
            m = TAG.match(tag)
            if not m:
                raise AnalysisInputError(self.path, "rows/proxy", f"'{tag}' is neither a ground truth nor a run tag")
            out.append((tag, m["method"], float(m["budget"]) / 100, int(m["seed"])))
        return pd.DataFrame(out, columns=["tag", "method", "budget_pct", "seed"])

    def proxy(self, tag):
        """The proxy's score per candidate for run `tag`: what ranks candidates on the condensed set
        (−val_loss when the file's proxy_score is loss, else the validation metric)."""
        r = self.rows[self.rows.proxy == tag].set_index("candidate").reindex(range(len(self.candidates)))
        if r["score"].isna().any():
            raise AnalysisInputError(self.path, "rows/candidate", f"run {tag} lacks a row for some candidate")
        return -r["val_loss"] if self.proxy_score == "loss" else r["score"]

    def rho(self, tag):
        """Spearman ρ of a run's proxy against the ground truth (scipy: average ranks for ties)."""
        return float(stats.spearmanr(self.proxy(tag).to_numpy(), self.truth()["val"].to_numpy()).statistic)

    def spread(self):
        v = self.truth()["val"]
        return float(v.max() - v.min())


def load_results(path):
    with open_schema(path, "hcdc.results") as f:
        for k in ROW_COLUMNS:
            if f"rows/{k}" not in f:
                raise AnalysisInputError(path, f"rows/{k}", "missing")
        rows = pd.DataFrame({k: (strings(f[f"rows/{k}"]) if k == "proxy" else f[f"rows/{k}"][:]) for k in ROW_COLUMNS})
        names = strings(f["candidates/name"]) if "candidates/name" in f else []
        summary = pd.DataFrame()
        if "summary/method" in f:
            cols = {k: (strings(v) if k == "method" else v[:]) for k, v in f["summary"].items()}
            summary = pd.DataFrame(cols)
        a = attrs(f)
    n = int(rows.candidate.max()) + 1 if len(rows) else 0
    if not names:
        names = [f"c{i}" for i in range(n)]
    if len(rows) and (rows.candidate.min() < 0 or n > len(names)):
        raise AnalysisInputError(path, "rows/candidate", f"ids outside [0, {len(names)}) (candidates/name)")
    return Results(path, rows, summary, names, a)


def same_space(results):
    """Refuses results files whose search spaces differ (other candidates): a comparison across
    them would pair unrelated candidates."""
    first = results[0]
    for r in results[1:]:
        if r.candidates != first.candidates:
            raise AnalysisInputError(r.path, "candidates/name",
                                     f"another search space than {first.path} ({len(r.candidates)} vs "
                                     f"{len(first.candidates)} candidates, or other names): not comparable")
    return first


def budget_label(budget_fraction):
    return f"{100 * budget_fraction:.3g}%"


def seeds_of(summary):
    return sorted(set(np.asarray(summary["seed"]).tolist())) if len(summary) else []
