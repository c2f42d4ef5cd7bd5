"""A results file (schema hcdc.results, written by `hcdc run`) as pandas frames: every candidate's
ground truth, every run's proxy scores, the per-run summary and the file's attributes."""
import dataclasses
import re
import tomllib

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
    lambdas: np.ndarray = None  # candidates/lambda (candidates × coefficients), where the file has it

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

    def search_setting(self, key, default):
        """A [search] key of the job that wrote the file (its `config` attribute), or its default."""
        try:
            cfg = tomllib.loads(str(self.attrs.get("config", "")))
        except tomllib.TOMLDecodeError:
            return default
        return cfg.get("search", {}).get(key, default)

    def low_frequency_gain(self):
        """Per candidate of a continuous decoupled-filter space: |h| at the graph's lowest frequency,
        where the propagation operator's eigenvalue is 1 (Â's top eigenvector; −1 for the Chebyshev
        basis's L̃ = −D^-1/2 A D^-1/2), i.e. |Σ_k λ_k| (monomial) or |Σ_k (−1)^k λ_k| (Chebyshev).
        A number every candidate has without any data; None for other spaces."""
        if self.lambdas is None or self.search_setting("kind", "continuous") != "continuous" or \
                self.search_setting("family", "decoupled-filter") != "decoupled-filter":
            return None
        basis = self.search_setting("basis", "monomial")
        k = np.arange(self.lambdas.shape[1])
        sign = {"monomial": np.ones_like(k), "chebyshev": (-1.0) ** k}.get(basis)
        return None if sign is None else np.abs(self.lambdas @ sign)

    def gain_rho(self, tag=None):
        """Spearman ρ of the low-frequency gain against the ground truth (tag None), or against run
        `tag`'s proxy: how much of a ranking that number alone explains. None where it is undefined."""
        g = self.low_frequency_gain()
        if g is None:
            return None
        other = self.truth()["val"] if tag is None else self.proxy(tag)
        return float(stats.spearmanr(g, other.to_numpy()).statistic)


def load_results(path):
    with open_schema(path, "hcdc.results") as f:
        for k in ROW_COLUMNS:
            if f"rows/{k}" not in f:
                raise AnalysisInputError(path, f"rows/{k}", "missing")
        rows = pd.DataFrame({k: (strings(f[f"rows/{k}"]) if k == "proxy" else f[f"rows/{k}"][:]) for k in ROW_COLUMNS})
        names = strings(f["candidates/name"]) if "candidates/name" in f else []
        lambdas = f["candidates/lambda"][:] if "candidates/lambda" in f else None
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
    if lambdas is not None and (lambdas.ndim != 2 or lambdas.shape[0] != len(names)):
        raise AnalysisInputError(path, "candidates/lambda", f"shape {lambdas.shape} is not candidates × coefficients "
                                                            f"({len(names)} candidates)")
    return Results(path, rows, summary, names, a, lambdas)


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
