"""What a user can get wrong or lose, end to end through the `hcdc` executable:

* a cached ground truth of another search space is never reused (the defect: widths/depths/filters
  were missing from its key, and the mismatched rows were read past their vectors);
* a forged or damaged truth file is one error line naming the file and field (exit 2);
* budgets the data cannot fill are refused before any work, all of them in one message;
* a run that fails late keeps the finished runs in results.h5, and `hcdc run --resume` reuses them
  (and refuses a folder with nothing to resume);
* `--resume` accepts the same settings given as --set flags in another order;
* the hypergradient command says when θ is not converged, and finishes the convex family by Newton.
"""
import os
import re
import shutil
import socket
import subprocess
import tempfile
import unittest

import h5py

HCDC = os.environ.get("HCDC_BIN", "hcdc")

BASE = """
[job]
name = "safety"
seed = 0
threads = 1
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
[evaluate]
truth_seeds = 1
truth_epochs = 30
proxy_epochs = 30
"""

NAMED = BASE + """
[search]
kind = "named"
filters = ["mlp", "gcn"]
widths = [8, 16]
depths = [1]
[condense]
methods = ["random"]
budgets = [0.04]
val_fraction = 0.5
seeds = [0]
"""

CONTINUOUS = BASE + """
[search]
num_candidates = 6
hidden = 8
[condense]
methods = ["random", "hcdc"]
budgets = {budgets}
val_fraction = 0.5
seeds = [0]
[hcdc]
trajectories = 2
outer_iterations = 1
trajectory_steps = 16
lambda_every = 4
[dist]
deterministic = true
checkpoint_every = 4
"""


def hcdc(*args):
    return subprocess.run([HCDC, *args], capture_output=True, text=True)


def error_lines(stderr):
    return [line for line in stderr.splitlines() if line.startswith("hcdc: error:")]


class JobSafety(unittest.TestCase):
    def job(self, text, **fmt):
        out = tempfile.mkdtemp(dir=os.environ.get("HCDC_TEST_TMP"))
        path = os.path.join(out, "job.toml")
        with open(path, "w") as fh:
            fh.write(text.format(out=out, **fmt))
        return out, path

    def test_truth_of_another_space_is_recomputed_and_a_forged_one_refused(self):
        out, job = self.job(NAMED)
        r = hcdc("evaluate", job)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        wide = os.path.join(out, "truth-wide.h5")
        shutil.copy(os.path.join(out, "truth.h5"), wide)
        with h5py.File(wide, "r") as f:
            self.assertEqual(len(f["candidates/name"]), 4)
        # The repro of the heap corruption: another `search.widths`, same dataset.
        r = hcdc("run", job, "--set", "search.widths=[8]")
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        self.assertNotIn("ground truth: reusing", r.stderr)
        self.assertIn("recomputing", r.stderr)
        self.assertEqual(hcdc("validate", os.path.join(out, "results.h5")).returncode, 0)
        with h5py.File(os.path.join(out, "truth.h5"), "r") as f:
            self.assertEqual(len(f["candidates/name"]), 2)
            narrow_key = f.attrs["truth_key"]
        # A truth file whose key claims the narrow space but whose rows are the wide one's.
        with h5py.File(wide, "r+") as f:
            f.attrs["truth_key"] = narrow_key
        proxy = os.path.join(out, "condensed", "random-4.0pct-s0.h5")
        self.assertTrue(os.path.exists(proxy))
        r = hcdc("evaluate", job, "--set", "search.widths=[8]", "--proxy", proxy, "--truth", wide,
                 "--out", os.path.join(out, "eval.h5"))
        self.assertEqual(r.returncode, 2, r.stderr[-2000:])
        lines = error_lines(r.stderr)
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn(wide, lines[0])
        self.assertIn("candidates/name", lines[0])
        self.assertFalse(os.path.exists(os.path.join(out, "eval.h5")))
        # As a cache, `hcdc run` ignores it with a warning naming the field and recomputes.
        shutil.copy(wide, os.path.join(out, "truth.h5"))
        r = hcdc("run", job, "--set", "search.widths=[8]")
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        self.assertIn("candidates/name", r.stderr)

    def test_infeasible_budgets_are_refused_before_any_work(self):
        out, job = self.job(CONTINUOUS, budgets="[0.04, 0.5, 0.6]")
        r = hcdc("run", job)
        self.assertEqual(r.returncode, 2, r.stderr[-2000:])
        lines = error_lines(r.stderr)
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn("condense.budgets", lines[0])
        for needle in ("random at 50.00%", "random at 60.00%", "hcdc at 50.00%", "largest feasible budget for random"):
            self.assertIn(needle, lines[0])
        self.assertNotIn("random at 4.00%", lines[0])
        self.assertFalse(os.path.exists(os.path.join(out, "truth.h5")), "work started before the check")

    def test_a_late_failure_keeps_finished_runs_and_the_rerun_continues(self):
        out, job = self.job(CONTINUOUS, budgets="[0.04]")
        # --resume on a folder with nothing to resume is refused before any work.
        r = hcdc("run", job, "--resume")
        self.assertEqual(r.returncode, 2, r.stderr[-2000:])
        self.assertIn("--resume: nothing to resume here", error_lines(r.stderr)[0])
        self.assertFalse(os.path.exists(os.path.join(out, "truth.h5")), "work started before the check")
        # Every Neumann solve diverges at this α, and no divergence is allowed: the hcdc run fails
        # after the random run finished.
        bad = ["--set", "hcdc.neumann_alpha=50", "--set", "hcdc.neumann_terms=30", "--set", "hcdc.max_diverged_share=0"]
        r = hcdc("run", job, *bad)
        self.assertEqual(r.returncode, 2, r.stderr[-2000:])
        self.assertIn("hcdc.max_diverged_share", error_lines(r.stderr)[0])
        res = os.path.join(out, "results.h5")
        self.assertEqual(hcdc("validate", res).returncode, 0)
        with h5py.File(res, "r") as f:
            self.assertEqual([m.decode() if isinstance(m, bytes) else m for m in f["summary/method"][:]], ["random"])
            self.assertEqual(f.attrs["runs_done"], 1)
            self.assertEqual(f.attrs["runs_total"], 2)
            self.assertAlmostEqual(f["summary/budget"][0], 0.04)
            self.assertEqual(f["summary/c_train"][0], 12)
            self.assertEqual(f["summary/c_val"][0], 6)
        # The threshold does not change what is computed: the rerun keeps the random run.
        r = hcdc("run", job, "--resume", *bad[:-1], "hcdc.max_diverged_share=1")
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        self.assertIn("random@4.0%#0: reusing the finished run", r.stderr)
        with h5py.File(res, "r") as f:
            self.assertEqual(f.attrs["runs_done"], 2)
            i = [m.decode() if isinstance(m, bytes) else m for m in f["summary/method"][:]].index("hcdc")
            self.assertGreater(f["summary/solves"][i], 0)
            self.assertEqual(f["summary/skipped_solves"][i], f["summary/solves"][i])
        with open(os.path.join(out, "summary.md")) as fh:
            self.assertRegex(fh.read(), r"\| hcdc \|.*\| (\d+) of \1 \|")
        # A changed job file never replaces finished runs silently.
        with open(res, "rb") as fh:
            before = fh.read()
        r = hcdc("run", job, *bad[:-1], "hcdc.max_diverged_share=1", "--set", "evaluate.proxy_epochs=5")
        self.assertEqual(r.returncode, 2, r.stderr[-2000:])
        self.assertIn("experiment_key", error_lines(r.stderr)[0])
        with open(res, "rb") as fh:
            self.assertEqual(fh.read(), before)

    def test_one_writer_per_output_folder(self):
        out, job = self.job(CONTINUOUS, budgets="[0.04]")
        only_random = ["--set", 'condense.methods=["random"]']
        lock = os.path.join(out, ".hcdc.lock")
        host = socket.gethostname()
        # A live holder (this test process) on this host: refused with its host and PID.
        with open(lock, "w") as fh:
            fh.write(f"{host} {os.getpid()} - 2026-11-29T00:00:00Z\n")
        env = dict(os.environ, HCDC_LOCK_WAIT="0")
        r = subprocess.run([HCDC, "run", job, *only_random], capture_output=True, text=True, env=env)
        self.assertEqual(r.returncode, 2, r.stderr[-2000:])
        line = error_lines(r.stderr)[0]
        self.assertIn(f"host {host}, PID {os.getpid()}", line)
        self.assertIn(".hcdc.lock: lock:", line)
        # A holder that is gone: the lock is taken over with a message, and released at the end.
        gone = subprocess.Popen(["true"])
        gone.wait()
        with open(lock, "w") as fh:
            fh.write(f"{host} {gone.pid} - 2026-11-29T00:00:00Z\n")
        r = subprocess.run([HCDC, "run", job, *only_random], capture_output=True, text=True, env=env)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        self.assertIn("taking over a lock left by a process that is gone", r.stderr)
        self.assertFalse(os.path.exists(lock))

    def test_resume_accepts_reordered_set_flags(self):
        out, job = self.job(CONTINUOUS, budgets="[0.04]")
        a, b = ["--set", "hcdc.sval_lr=0.02"], ["--set", "evaluate.proxy_epochs=12"]
        r = hcdc("condense", job, "--method", "hcdc", *a, *b)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        self.assertTrue(os.listdir(os.path.join(out, "checkpoints")))
        r = hcdc("condense", job, "--method", "hcdc", "--resume", *b, *a)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        self.assertIn("resumed from", r.stderr)
        r = hcdc("condense", job, "--method", "hcdc", "--resume", *b, "--set", "hcdc.sval_lr=0.03")
        self.assertEqual(r.returncode, 2, r.stderr[-2000:])
        self.assertIn("config_digest", error_lines(r.stderr)[0])


HYPERGRAD = """
[job]
name = "hg"
seed = 0
threads = 1
output_dir = "{out}"
[dataset]
kind = "csbm"
num_nodes = 300
num_classes = 3
num_features = 8
train_per_class = 30
num_val = 60
num_test = 60
[model]
family = "linear"
per_class_lambda = true
lambda = [-3.0, -1.0, -2.5]
weight_decay = 0.0
dtype = "float64"
[train]
optimizer = "adam"
lr = 0.05
steps = 50
[hypergrad]
solvers = ["exact", "cg"]
"""


class UnconvergedTheta(unittest.TestCase):
    def run_hg(self, *sets):
        out = tempfile.mkdtemp(dir=os.environ.get("HCDC_TEST_TMP"))
        job = os.path.join(out, "job.toml")
        with open(job, "w") as fh:
            fh.write(HYPERGRAD.format(out=out))
        r = hcdc("hypergrad", job, *sets)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        with h5py.File(os.path.join(out, "hypergrad.h5"), "r") as f:
            attrs = {k: f.attrs[k] for k in f.attrs}
        return r, {k: v.decode() if isinstance(v, bytes) else v for k, v in attrs.items()}

    def test_fifty_adam_steps_warn_and_say_so_in_the_file(self):
        r, a = self.run_hg("--set", "train.finish=\"none\"")
        self.assertIn("θ is not converged", r.stderr)
        self.assertEqual(a["ift_premise"], "violated")
        self.assertEqual(a["inner_finish"], "none")
        self.assertGreater(a["ift_ratio"], a["ift_tolerance"])

    def test_the_linear_family_is_finished_by_newton(self):
        r, a = self.run_hg()
        self.assertNotIn("θ is not converged", r.stderr)
        self.assertEqual(a["inner_finish"], "newton")
        self.assertEqual(a["ift_premise"], "holds")
        self.assertLess(a["train_grad_norm"], 1e-8)


if __name__ == "__main__":
    unittest.main(verbosity=2)
