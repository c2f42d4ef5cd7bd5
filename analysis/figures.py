"""The report's figures (PNG, matplotlib's Agg backend: no display needed)."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy import stats  # noqa: E402

from .results import budget_label  # noqa: E402


def _save(fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def rank_picture(r, budget, path, seed=None):
    """Like the paper's Fig. 2: one strip per method, candidates ordered by that method's proxy
    ranking (best left), each coloured by its rank in the ground truth (dark = best). A good proxy's
    strip runs dark to light; the top strip is the ground truth itself."""
    truth = r.truth()["val"].to_numpy()
    true_rank = stats.rankdata(-truth, method="ordinal") - 1
    runs = r.runs()
    runs = runs[np.isclose(runs.budget_pct, round(100 * budget, 1) / 100)]
    if seed is None and len(runs):
        seed = int(runs.seed.min())
    runs = runs[runs.seed == seed]
    strips, labels = [true_rank[np.argsort(-truth, kind="stable")]], ["ground truth"]
    for _, run in runs.iterrows():
        proxy = r.proxy(run.tag).to_numpy()
        strips.append(true_rank[np.argsort(-proxy, kind="stable")])
        labels.append(f"{run.method} (ρ {r.rho(run.tag):.2f})")
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(strips) + 1.2))
    im = ax.imshow(np.vstack(strips), aspect="auto", cmap="viridis", interpolation="nearest")
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlabel("candidates in each method's order (its best first)")
    ax.set_title(f"rank picture at {budget_label(budget)} (seed {seed}); colour = true rank", fontsize=9)
    fig.colorbar(im, ax=ax, label="true rank (0 = best)")
    return _save(fig, path)


def proxy_scatter(r, budget, path):
    """Proxy score against the ground truth, one panel per method, every seed of the budget."""
    truth = r.truth()["val"].to_numpy()
    runs = r.runs()
    runs = runs[np.isclose(runs.budget_pct, round(100 * budget, 1) / 100)]
    methods = list(dict.fromkeys(runs.method))
    cols = min(4, max(1, len(methods)))
    rows = int(np.ceil(len(methods) / cols)) or 1
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.8 * rows), squeeze=False)
    for ax, m in zip(axes.flat, methods):
        for _, run in runs[runs.method == m].iterrows():
            ax.scatter(100 * truth, r.proxy(run.tag).to_numpy(), s=10, alpha=0.7, label=f"seed {run.seed}")
        ax.set_title(m, fontsize=9)
        ax.set_xlabel(f"true validation {r.metric} (%)", fontsize=8)
        ax.set_ylabel("proxy " + ("−loss" if r.proxy_score == "loss" else r.metric), fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(methods):]:
        ax.axis("off")
    fig.suptitle(f"proxy vs ground truth at {budget_label(budget)}", fontsize=10)
    return _save(fig, path)


def rho_vs_budget(summary, path):
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for m in dict.fromkeys(summary.method):
        d = summary[summary.method == m].groupby("budget")["rho"].agg(["mean", "std"]).reset_index()
        ax.errorbar(100 * d["budget"], d["mean"], yerr=d["std"].fillna(0), marker="o", capsize=3, label=m)
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_xlabel("budget c_train / n (%)")
    ax.set_ylabel("Spearman ρ (mean ± std over seeds)")
    ax.legend(fontsize=7)
    return _save(fig, path)


def image_grid(condensed_sets, path, per_class=5):
    """Like the paper's Fig. 3: for each condensed image set, up to `per_class` S_train images per
    class (rows = methods, columns = classes × images), each rescaled to its own range."""
    sets = [s for s in condensed_sets if s.is_images]
    if not sets:
        return None
    classes = int(max(s.train_y.max() for s in sets)) + 1
    fig, axes = plt.subplots(len(sets), 1, figsize=(min(16, 0.55 * classes * per_class + 1), 1.0 * len(sets) + 0.6),
                             squeeze=False)
    for ax, s in zip(axes[:, 0], sets):
        tiles = []
        for c in range(classes):
            imgs = s.train_x[s.train_y == c][:per_class]
            for k in range(per_class):
                if k < len(imgs):
                    im = imgs[k].mean(0) if imgs[k].shape[0] != 3 else imgs[k].transpose(1, 2, 0).mean(2)
                    lo, hi = im.min(), im.max()
                    tiles.append((im - lo) / (hi - lo) if hi > lo else np.zeros_like(im))
                else:
                    tiles.append(np.ones_like(s.train_x[0, 0]))
        h, w = tiles[0].shape
        pad = np.ones((h, 1))
        ax.imshow(np.hstack([np.hstack([t, pad]) for t in tiles]), cmap="gray", vmin=0, vmax=1)
        ax.set_yticks([])
        ax.set_xticks([(w + 1) * per_class * (c + 0.5) for c in range(classes)], [str(c) for c in range(classes)],
                      fontsize=7)
        ax.set_ylabel(f"{s.method} s{s.attrs.get('seed', '?')}\n{s.attrs.get('budget', '')} imgs", fontsize=7, rotation=0,
                      ha="right", va="center")
    axes[-1, 0].set_xlabel("class")
    return _save(fig, path)


def histories(condensed_sets, path):
    """The alignment loss (HCDC: 1 − cos of the hypergradients on S and on the original data) and
    the other learned methods' matching losses over their iterations."""
    sets = [s for s in condensed_sets if s.history is not None and len(s.history)]
    if not sets:
        return None
    hcdc = [s for s in sets if s.method == "hcdc"]
    other = [s for s in sets if s.method != "hcdc"]
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), squeeze=False)
    for s in hcdc:
        axes[0, 0].plot(1 - s.history, lw=1, label=f"seed {s.attrs.get('seed')} ({s.attrs.get('budget')})")
    axes[0, 0].set_title("HCDC: hypergradient cosine cos(g_T, g_S) per S_val step", fontsize=9)
    axes[0, 0].set_xlabel("S_val step")
    for s in other:
        axes[0, 1].plot(s.history, lw=1, label=f"{s.method} s{s.attrs.get('seed')} ({s.attrs.get('budget')})")
    axes[0, 1].set_title("matching loss per iteration", fontsize=9)
    axes[0, 1].set_xlabel("iteration")
    if other:
        axes[0, 1].set_yscale("log")
    for ax in axes[0]:
        if ax.lines:
            ax.legend(fontsize=6)
    return _save(fig, path)


def timing_bars(r, path):
    """Mean condensation and proxy-search seconds per method (over budgets and seeds), beside the
    search on the original data."""
    s = r.summary
    if s.empty:
        return None
    g = s.groupby("method", sort=False)[["condense_seconds", "proxy_seconds"]].mean()
    names = list(g.index) + ["original data"]
    cond = list(g.condense_seconds) + [0.0]
    prox = list(g.proxy_seconds) + [float(r.attrs.get("original_search_seconds", np.nan))]
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.bar(names, cond, label="condense")
    ax.bar(names, prox, bottom=cond, label="search (train every candidate)")
    ax.set_ylabel("seconds (mean per run)")
    ax.tick_params(axis="x", labelsize=7, rotation=30)
    ax.legend(fontsize=7)
    return _save(fig, path)
