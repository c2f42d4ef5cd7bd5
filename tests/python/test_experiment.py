"""A small condensation experiment end to end (`hcdc run`), its metrics recomputed with scipy
from the rows it wrote: Spearman (average ranks for ties), Kendall tau-b, top-1 regret, Perf,
rho over the better half by ground truth, top-5 overlap."""
import os
import subprocess
import tempfile
import unittest

import h5py
import numpy as np
from scipy import stats

HCDC = os.environ.get("HCDC_BIN", "hcdc")

JOB = """
[job]
name = "exp"
seed = 0
threads = 2
output_dir = "{out}"
[dataset]
kind = "csbm"
num_nodes = 300
num_classes = 3
num_features = 10
avg_degree = 5
train_per_class = 20
num_val = 60
num_test = 60
[search]
num_candidates = 10
hidden = 8
[evaluate]
truth_seeds = 1
truth_epochs = 60
proxy_epochs = 60
proxy_score = "{score}"
[condense]
methods = ["random", "herding", "hcdc"]
budgets = [0.04]
val_fraction = 0.5
seeds = [0, 1]
[hcdc]
trajectories = 3
outer_iterations = 1
trajectory_steps = 20
lambda_every = 10
# This test checks the metrics against scipy, not HCDC's quality: 20-step trajectories leave θ far
# from converged, so some solves diverge; the run must still be scored.
max_diverged_share = 1.0
"""


class Experiment(unittest.TestCase):
    def run_job(self, score):
        out = tempfile.mkdtemp(dir=os.environ.get("HCDC_TEST_TMP"))
        job = os.path.join(out, "job.toml")
        with open(job, "w") as fh:
            fh.write(JOB.format(out=out, score=score))
        r = subprocess.run([HCDC, "run", job], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        self.assertTrue(os.path.exists(os.path.join(out, "summary.md")))
        r = subprocess.run([HCDC, "validate", os.path.join(out, "results.h5")], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return out

    def check_metrics(self, out, score):
        with h5py.File(os.path.join(out, "results.h5"), "r") as f:
            cand = f["rows/candidate"][:]
            proxy = np.array([p.decode() if isinstance(p, bytes) else p for p in f["rows/proxy"][:]])
            acc, loss, test = f["rows/score"][:], f["rows/val_loss"][:], f["rows/test_acc"][:]
            whole = proxy == "whole"
            n = whole.sum()
            truth_val = np.zeros(n)
            truth_test = np.zeros(n)
            truth_val[cand[whole]] = acc[whole]
            truth_test[cand[whole]] = test[whole]
            methods = [m.decode() if isinstance(m, bytes) else m for m in f["summary/method"][:]]
            budgets, seeds = f["summary/budget"][:], f["summary/seed"][:]
            checked = 0
            for i, (m, b, s) in enumerate(zip(methods, budgets, seeds)):
                tag = f"{m}@{100 * b:.1f}%#{s}"
                sel = proxy == tag
                self.assertEqual(sel.sum(), n, tag)
                p = np.zeros(n)
                p[cand[sel]] = -loss[sel] if score == "loss" else acc[sel]
                rho = stats.spearmanr(p, truth_val).correlation
                tau = stats.kendalltau(p, truth_val, variant="b").correlation
                self.assertAlmostEqual(f["summary/rho"][i], rho, places=10, msg=tag)
                self.assertAlmostEqual(f["summary/tau"][i], tau, places=10, msg=tag)
                pick = int(np.argmax(p))
                self.assertAlmostEqual(f["summary/regret"][i], truth_val.max() - truth_val[pick], places=12)
                self.assertAlmostEqual(f["summary/perf"][i], truth_test[pick], places=12)
                # The better half by truth (stable: ties keep the lower index first), and top-5.
                half = np.argsort(-truth_val, kind="stable")[: (n + 1) // 2]
                np.testing.assert_allclose(f["summary/rho_top"][i], stats.spearmanr(p[half], truth_val[half]).correlation,
                                           atol=1e-10, err_msg=tag)
                top = set(np.argsort(-p, kind="stable")[:5]) & set(np.argsort(-truth_val, kind="stable")[:5])
                self.assertAlmostEqual(f["summary/top5_overlap"][i], len(top) / 5, places=12, msg=tag)
                checked += 1
            self.assertEqual(checked, 6)
            return p

    def test_loss_scores_match_scipy(self):
        out = self.run_job("loss")
        self.check_metrics(out, "loss")
        # The ground truth was cached and is reused by a second run.
        with h5py.File(os.path.join(out, "truth.h5"), "r") as f:
            key = f.attrs["truth_key"]
        self.run_job_again(out)
        with h5py.File(os.path.join(out, "truth.h5"), "r") as f:
            self.assertEqual(f.attrs["truth_key"], key)

    def test_low_frequency_gain_reference(self):
        """The analysis package's no-data reference: Spearman ρ of |Σ λ_k| (the monomial filter's
        gain where Â's eigenvalue is 1) against the ground truth and against each run's proxy,
        against ranks computed here with numpy (ties averaged) and a Pearson correlation."""
        import sys
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
        from analysis import load_results, tables
        out = self.run_job("loss")
        path = os.path.join(out, "results.h5")
        with h5py.File(path, "r") as f:
            lam = f["candidates/lambda"][:]
            cand, loss, acc = f["rows/candidate"][:], f["rows/val_loss"][:], f["rows/score"][:]
            proxy = np.array([p.decode() if isinstance(p, bytes) else p for p in f["rows/proxy"][:]])
        gain = np.abs(lam.sum(axis=1))

        def ranks(v):  # tied values share the mean of their positions
            r = np.empty(len(v))
            r[np.argsort(v, kind="stable")] = np.arange(len(v))
            for x in np.unique(v):
                r[v == x] = r[v == x].mean()
            return r

        def rank_corr(a, b):
            return float(np.corrcoef(ranks(a), ranks(b))[0, 1])

        truth = np.zeros(len(lam))
        truth[cand[proxy == "whole"]] = acc[proxy == "whole"]
        r = load_results(path)
        self.assertAlmostEqual(r.gain_rho(), rank_corr(gain, truth), places=10)
        tag = "random@4.0%#1"
        p = np.zeros(len(lam))
        p[cand[proxy == tag]] = -loss[proxy == tag]
        self.assertAlmostEqual(r.gain_rho(tag), rank_corr(gain, p), places=10)
        text = tables.context_lines(r)
        self.assertIn(f"|h(1)| alone gives ρ = {rank_corr(gain, truth):.2f}", text)
        # Another space (named candidates): no such line.
        r.attrs["config"] = '[search]\nkind = "named"\n'
        self.assertIsNone(r.gain_rho())
        self.assertNotIn("|h(1)|", tables.context_lines(r))

    def run_job_again(self, out):
        r = subprocess.run([HCDC, "run", os.path.join(out, "job.toml")], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        self.assertIn("ground truth: reusing", r.stderr)

    def test_accuracy_scores_with_ties_match_scipy(self):
        out = self.run_job("accuracy")
        p = self.check_metrics(out, "accuracy")
        self.assertLess(len(np.unique(p)), len(p), "expected tied accuracies on a small S_val")


if __name__ == "__main__":
    unittest.main(verbosity=2)
