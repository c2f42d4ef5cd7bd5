"""Markdown tables like the paper's: rows = methods, per budget ρ ± std and Perf ± std over seeds,
the hard-space metrics, the ground truth's spread and the whole-data Perf."""
import numpy as np

from .results import budget_label


def _pm(values, scale=1.0, digits=2):
    v = scale * np.asarray(values, dtype=float)
    sd = v.std(ddof=1) if len(v) > 1 else 0.0
    return f"{v.mean():.{digits}f} ± {sd:.{digits}f}"


def ranking_table(r):
    s = r.summary
    if s.empty:
        return "_no finished condensation runs in this file_\n"
    budgets = sorted(s.budget.unique())
    methods = list(dict.fromkeys(s.method))  # table order as written
    head = "| method | " + " | ".join(f"ρ @ {budget_label(b)} | Perf @ {budget_label(b)}" for b in budgets) + " |"
    lines = [head, "|---|" + "---|---|" * len(budgets)]
    for m in methods:
        cells = []
        for b in budgets:
            d = s[(s.method == m) & (s.budget == b)]
            cells += [_pm(d.rho), _pm(d.perf, 100, 1)] if len(d) else ["–", "–"]
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    hard = ["", "| method | " + " | ".join(f"ρ_top @ {budget_label(b)} | top-5 @ {budget_label(b)} | regret @ "
                                           f"{budget_label(b)}" for b in budgets) + " |",
            "|---|" + "---|---|---|" * len(budgets)]
    for m in methods:
        cells = []
        for b in budgets:
            d = s[(s.method == m) & (s.budget == b)]
            if not len(d):
                cells += ["–"] * 3
                continue
            cells += [_pm(d.rho_top) if "rho_top" in d else "–",
                      _pm(d.top5_overlap, 5, 1) if "top5_overlap" in d else "–", _pm(d.regret, 100, 1)]
        hard.append(f"| {m} | " + " | ".join(cells) + " |")
    return "\n".join(lines + hard) + "\n"


def context_lines(r):
    t = r.truth()
    a = r.attrs
    metric = r.metric
    lines = [f"* candidates: {len(r.candidates)}; ground truth (validation {metric} on the original data): "
             f"{100 * t.val.min():.1f}–{100 * t.val.max():.1f}%, **spread {100 * r.spread():.1f} points**",
             f"* whole-data Perf (test {metric} of the original data's pick): {100 * a.get('whole_perf', np.nan):.1f}%; "
             f"best candidate's test {metric}: {100 * a.get('best_test_acc', np.nan):.1f}%",
             f"* noise ceiling (ρ between two ground truths on disjoint seeds): {a.get('noise_ceiling', np.nan):.2f}",
             f"* proxy score: S_val {r.proxy_score}; budget split: {a.get('baseline_split', 'equal')}",
             *gain_lines(r),
             f"* written by {a.get('writer_version', '?')} (git {a.get('git_commit', '?')}), job seed {a.get('seed', '?')}"]
    return "\n".join(lines) + "\n"


def gain_lines(r):
    """For a continuous filter space: how well a number with no data in it ranks, the filter's gain at
    the lowest frequency, and how closely each method's proxy follows it (ρ near 1: the condensed set
    tells the candidates apart by that gain alone)."""
    rho = r.gain_rho()
    if rho is None:
        return []
    lines = [f"* no-data reference: ranking by the filter's low-frequency gain |h(1)| alone gives ρ = {rho:.2f} "
             f"against the ground truth"]
    runs = r.runs()
    if len(runs):
        follow = []
        for m in dict.fromkeys(runs.method):
            vals = [r.gain_rho(t) for t in runs[runs.method == m].tag]
            follow.append(f"{m} {np.mean(vals):.2f}")
        lines.append("* ρ of each method's proxy against |h(1)| (mean over runs): " + ", ".join(follow))
    return lines
