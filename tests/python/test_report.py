"""Images end to end and the offline report: a small image experiment (`hcdc run` on Gaussian-
mixture images, the cell space, every image method), its ρ recomputed by the analysis package with
scipy, the report folder it makes (tables and PNGs), the condensed-set loader, and bad input."""
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, REPO)
from analysis import AnalysisInputError, load_condensed, load_results  # noqa: E402
from analysis.report import build  # noqa: E402

HCDC = os.environ.get("HCDC_BIN", "hcdc")
REPORT = os.path.join(REPO, "analysis", "report.py")

JOB = """
[job]
name = "images"
seed = 0
threads = 2
output_dir = "{out}"
[dataset]
kind = "gaussian-images"
num_images = 300
num_classes = 3
channels = 1
height = 8
width = 8
noise = 1.0
num_val = 60
num_test = 60
[images]
train_per_class = 40
val_per_class = 20
test_per_class = 20
pool = 1
[search]
kind = "cell"
family = "image-cell"
num_candidates = {cands}
cell_nodes = 3
widths = [4, 6]
seed = 1
[evaluate]
truth_seeds = 1
truth_epochs = 20
truth_batch_size = 50   # 120 training images: minibatch Adam for the ground truth
proxy_epochs = 40
[condense]
methods = ["random", "kcenter", "herding", "dc", "dsa", "dm", "hcdc"]
budgets = [0.1]
val_fraction = 0.5
seeds = [0]
[matching]
iterations = 3
inner = 2
image_width = 4
[hcdc]
trajectories = 3
outer_iterations = 1
trajectory_steps = 10
lambda_every = 5
max_diverged_share = 1.0
"""


def run_job(cands=8, extra=""):
    out = tempfile.mkdtemp(dir=os.environ.get("HCDC_TEST_TMP"))
    job = os.path.join(out, "job.toml")
    with open(job, "w") as fh:
        fh.write(JOB.format(out=out, cands=cands) + extra)
    r = subprocess.run([HCDC, "run", job], capture_output=True, text=True)
    return out, r


class ImageExperimentAndReport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out, r = run_job()
        assert r.returncode == 0, r.stderr[-3000:]

    def test_every_run_is_scored_and_rho_matches_scipy(self):
        res = load_results(os.path.join(self.out, "results.h5"))
        self.assertEqual(len(res.candidates), 8)
        self.assertEqual(sorted(res.summary.method), sorted(["random", "kcenter", "herding", "dc", "dsa", "dm", "hcdc"]))
        for _, row in res.summary.iterrows():
            tag = f"{row.method}@{100 * row.budget:.1f}%#{row.seed}"
            self.assertAlmostEqual(res.rho(tag), row.rho, places=10, msg=tag)
            self.assertEqual(row.c_train, 12)
            self.assertEqual(row.c_val, 6)
        self.assertGreater(res.spread(), 0)

    def test_condensed_files_load_as_numpy(self):
        folder = os.path.join(self.out, "condensed")
        files = sorted(os.listdir(folder))
        self.assertEqual(len(files), 7, files)
        for name in files:
            s = load_condensed(os.path.join(folder, name))
            self.assertEqual(s.train_x.shape, (12, 1, 8, 8), name)
            self.assertEqual(s.val_x.shape, (6, 1, 8, 8), name)
            self.assertEqual(s.train_x.dtype, np.float32)
            self.assertTrue(s.is_images)
            learned = s.method in ("dc", "dsa", "dm", "hcdc")
            self.assertEqual(s.history is not None, learned, name)
            if s.method == "hcdc":
                self.assertEqual(len(s.history), 2)  # 10 steps, an S_val update every 5
                # 1 − cos lies in [0, 2]; a step whose every solve diverged is NaN (max_diverged_share = 1 here).
                h = s.history[np.isfinite(s.history)]
                self.assertTrue(np.all((h >= 0) & (h <= 2)), s.history)
            if s.method in ("dc", "dsa", "dm"):
                self.assertEqual(len(s.history), 3)  # one entry per iteration

    def test_report_folder(self):
        rep = os.path.join(tempfile.mkdtemp(dir=os.environ.get("HCDC_TEST_TMP")), "report")
        r = subprocess.run([sys.executable, REPORT, os.path.join(self.out, "results.h5"), "--out", rep],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(rep, "report.md")) as fh:
            md = fh.read()
        for needle in ("| hcdc |", "| dsa |", "spread", "rank picture", "condensed images", "timings"):
            self.assertIn(needle, md)
        pngs = [f for f in os.listdir(rep) if f.endswith(".png")]
        for kind in ("rank", "scatter", "rho-vs-budget", "timing", "condensed-images", "histories"):
            self.assertTrue(any(kind in f for f in pngs), (kind, pngs))
        for f in pngs:
            self.assertGreater(os.path.getsize(os.path.join(rep, f)), 2000, f)
            self.assertIn(f, md)
        # A second report over it replaces it whole.
        self.assertEqual(subprocess.run([sys.executable, REPORT, self.out, "--out", rep]).returncode, 0)

    def test_bad_input_exits_2_naming_it(self):
        empty = tempfile.mkdtemp(dir=os.environ.get("HCDC_TEST_TMP"))
        rep = os.path.join(empty, "rep")
        r = subprocess.run([sys.executable, REPORT, empty, "--out", rep], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn(empty, r.stderr)
        self.assertIn("no results.h5", r.stderr)
        self.assertFalse(os.path.exists(rep))
        # Another search space (fewer candidates) in one comparison.
        other, rr = run_job(cands=6, extra="")
        self.assertEqual(rr.returncode, 0, rr.stderr[-2000:])
        with self.assertRaises(AnalysisInputError) as e:
            build([os.path.join(self.out, "results.h5"), os.path.join(other, "results.h5")], rep)
        self.assertEqual(e.exception.field, "candidates/name")
        self.assertFalse(os.path.exists(rep))
        # Not a results file.
        cond = os.path.join(self.out, "condensed", sorted(os.listdir(os.path.join(self.out, "condensed")))[0])
        r = subprocess.run([sys.executable, REPORT, cond, "--out", rep], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("schema_name", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
