"""Fold selection end to end (`hcdc run` of a job with [folds], the paper's Table 6): a small
image job split into 6 folds, every method, then the results file checked independently — the
folds are the candidates, the ground truth has one row per fold and seed, each run's ρ is scipy's
Spearman ρ of its rows against the truth, a second run reuses every finished run, the report
builds on it — and bad input exits 2 naming the field."""
import os
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np
from scipy import stats

from test_report import HCDC, JOB, REPORT

FOLDS = """
[folds]
folds = 6
architecture = 1
seed = 2
"""


def strs(ds):
    return [x.decode() if isinstance(x, bytes) else x for x in ds[()]]


def fold_job(out):
    job = os.path.join(out, "job.toml")
    text = JOB.format(out=out, cands=4).replace(
        'methods = ["random", "kcenter", "herding", "dc", "dsa", "dm", "hcdc"]',
        'methods = ["random", "dc", "dm", "hcdc"]')
    text = text.replace("truth_seeds = 1", "truth_seeds = 2\nnoise_ceiling = true")
    with open(job, "w") as fh:
        fh.write(text + FOLDS)
    return job


class FoldSelection(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out = tempfile.mkdtemp(dir=os.environ.get("HCDC_TEST_TMP"))
        cls.job = fold_job(cls.out)
        cls.first = subprocess.run([HCDC, "run", cls.job], capture_output=True, text=True)
        assert cls.first.returncode == 0, cls.first.stderr[-3000:]

    def test_folds_are_the_candidates_and_rho_matches_scipy(self):
        path = os.path.join(self.out, "results.h5")
        self.assertEqual(subprocess.run([HCDC, "validate", path], capture_output=True).returncode, 0)
        with h5py.File(path, "r") as f:
            names = strs(f["candidates/name"])
            cand, proxy, seed = f["rows/candidate"][()], strs(f["rows/proxy"]), f["rows/seed"][()]
            score, loss = f["rows/score"][()], f["rows/val_loss"][()]
            methods, rho = strs(f["summary/method"]), f["summary/rho"][()]
            c_train, c_val = f["summary/c_train"][()], f["summary/c_val"][()]
            ceiling = f.attrs["noise_ceiling"]
        self.assertEqual(names, [f"fold-{i:02d}" for i in range(6)])
        self.assertEqual(methods, ["random", "dc", "dm", "early-stop", "hcdc"])
        self.assertTrue(np.all(c_train == 12) and np.all(c_val == 6), (c_train, c_val))
        proxy = np.array(proxy)
        whole = proxy == "whole"
        self.assertEqual(int(whole.sum()), 6 * 2)  # one row per fold and truth seed
        self.assertEqual(int((proxy == "whole-noise").sum()), 6 * 2)
        truth = np.array([score[whole & (cand == i)].mean() for i in range(6)])
        noise = np.array([score[(proxy == "whole-noise") & (cand == i)].mean() for i in range(6)])
        self.assertAlmostEqual(ceiling, stats.spearmanr(truth, noise)[0], places=10)
        for m, r in zip(methods, rho):
            mine = proxy == f"{m}@10.0%#0"
            self.assertEqual(int(mine.sum()), 6, m)
            order = np.argsort(cand[mine])
            # The job ranks by S_val loss (evaluate.proxy_score = "loss"): ρ of −loss against the truth.
            expect = stats.spearmanr(-loss[mine][order], truth)[0]
            if np.isnan(expect):
                self.assertTrue(np.isnan(r), m)
            else:
                self.assertAlmostEqual(r, expect, places=10, msg=m)
        self.assertIn("fold selection (6 folds)", self.first.stdout)

    def test_second_run_reuses_every_run_and_the_report_builds(self):
        again = subprocess.run([HCDC, "run", self.job], capture_output=True, text=True)
        self.assertEqual(again.returncode, 0, again.stderr[-2000:])
        self.assertIn("reusing the ground truth", again.stderr + again.stdout)
        self.assertEqual((again.stderr + again.stdout).count("reusing the finished run"), 5)
        rep = os.path.join(tempfile.mkdtemp(dir=os.environ.get("HCDC_TEST_TMP")), "report")
        r = subprocess.run([sys.executable, REPORT, os.path.join(self.out, "results.h5"), "--out", rep],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(rep, "report.md")) as fh:
            self.assertIn("| early-stop |", fh.read())

    def test_whole_fold_reference_scores_the_same_models_on_the_whole_fold(self):
        out = tempfile.mkdtemp(dir=os.environ.get("HCDC_TEST_TMP"))
        args = ["--set", f"job.output_dir={out}", "--set", "folds.whole_fold_reference=true",
                "--set", 'condense.methods=["random","hcdc"]']
        r = subprocess.run([HCDC, "run", *args, self.job], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        with h5py.File(os.path.join(out, "results.h5"), "r") as f:
            cand, proxy = f["rows/candidate"][()], np.array(strs(f["rows/proxy"]))
            score, loss, test = f["rows/score"][()], f["rows/val_loss"][()], f["rows/test_acc"][()]
            methods, rho, c_val = strs(f["summary/method"]), f["summary/rho"][()], f["summary/c_val"][()]
        self.assertEqual(methods, ["random", "random+whole-fold", "early-stop", "hcdc", "hcdc+whole-fold"])
        self.assertEqual(list(c_val), [6, 20, 6, 6, 20])  # the reference validates on the whole fold: 120 / 6
        whole = proxy == "whole"
        truth = np.array([score[whole & (cand == i)].mean() for i in range(6)])
        for m in ("random", "hcdc"):
            mine, ref = proxy == f"{m}@10.0%#0", proxy == f"{m}+whole-fold@10.0%#0"
            a, b = np.argsort(cand[mine]), np.argsort(cand[ref])
            # The same trained model (S_train^i, seed): the same test score; another validation set.
            np.testing.assert_array_equal(test[mine][a], test[ref][b])
            self.assertFalse(np.allclose(loss[mine][a], loss[ref][b]), m)
            expect = stats.spearmanr(-loss[ref][b], truth)[0]
            self.assertAlmostEqual(rho[methods.index(m + "+whole-fold")], expect, places=10, msg=m)
        again = subprocess.run([HCDC, "run", *args, self.job], capture_output=True, text=True)
        self.assertEqual(again.returncode, 0, again.stderr[-2000:])
        self.assertEqual((again.stderr + again.stdout).count("reusing the finished run"), 3)

    def test_bad_input_exits_2_naming_it(self):
        cases = [
            (["--set", "folds.architecture=9"], "folds.architecture: 9 is not a candidate of the search space"),
            (["--set", "folds.folds=2"], "folds.folds: must be in [3, 1000]"),
            (["--set", "folds.folds=100"], "folds.folds: 100 folds of 120 training samples"),
            (["--set", "hcdc.architecture_sampling=gdas"], "hcdc.architecture_sampling: fold selection's λ picks a validation fold"),
            (["--set", "hcdc.sval_start=noise"], "hcdc.sval_start: fold selection starts every S_val^i from real images"),
        ]
        for args, needle in cases:
            out = tempfile.mkdtemp(dir=os.environ.get("HCDC_TEST_TMP"))
            r = subprocess.run([HCDC, "run", "--set", f"job.output_dir={out}", *args, self.job],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 2, (args, r.stderr[-2000:]))
            self.assertIn(needle, r.stderr, args)
            self.assertFalse(os.path.exists(os.path.join(out, "results.h5")), args)

    def test_resume_refuses_a_folder_with_nothing_to_resume_and_continues_a_finished_one(self):
        empty = tempfile.mkdtemp(dir=os.environ.get("HCDC_TEST_TMP"))
        r = subprocess.run([HCDC, "run", "--resume", "--set", f"job.output_dir={empty}", self.job],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 2, r.stderr[-2000:])
        self.assertIn("--resume: nothing to resume here", r.stderr)
        self.assertEqual(os.listdir(empty), [])
        again = subprocess.run([HCDC, "run", "--resume", self.job], capture_output=True, text=True)
        self.assertEqual(again.returncode, 0, again.stderr[-2000:])
        self.assertEqual((again.stderr + again.stdout).count("reusing the finished run"), 5)


if __name__ == "__main__":
    unittest.main()
