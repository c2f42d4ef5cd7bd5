"""`hcdc nas` end to end: a small image experiment (`hcdc run`), then grid search and regularised
evolution on the original data and on two of its condensed proxies. Checked against what the
files say independently: each search's find is the best of its own history, the grid search on
the original picks the ground truth's best candidate of seed 0 and reports its truth.h5 scores,
the evolution spends exactly its budget, and bad input exits 2 naming the file and field."""
import os
import subprocess
import unittest

import h5py
import numpy as np

import tempfile

from test_report import HCDC, JOB

NAS = """
[nas]
algorithms = ["grid", "evolution"]
sources = ["original", "random", "dc"]
evaluations = 9
population = 4
sample_size = 2
seed = 3
"""


def strs(ds):
    return [x.decode() if isinstance(x, bytes) else x for x in ds[()]]


class NasEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out = tempfile.mkdtemp(dir=os.environ.get("HCDC_TEST_TMP"))
        cls.job = os.path.join(cls.out, "job.toml")
        with open(cls.job, "w") as fh:
            fh.write(JOB.format(out=cls.out, cands=6).replace(
                'methods = ["random", "kcenter", "herding", "dc", "dsa", "dm", "hcdc"]', 'methods = ["random", "dc"]') + NAS)
        r = subprocess.run([HCDC, "run", cls.job], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr[-3000:]
        cls.nas = subprocess.run([HCDC, "nas", cls.job], capture_output=True, text=True)

    def test_searches_are_what_their_histories_say(self):
        self.assertEqual(self.nas.returncode, 0, self.nas.stderr[-3000:])
        path = os.path.join(self.out, "nas.h5")
        self.assertEqual(subprocess.run([HCDC, "validate", path], capture_output=True).returncode, 0)
        with h5py.File(path, "r") as f:
            self.assertEqual(f.attrs["schema_name"], "hcdc.nas")
            src, alg, found = strs(f["searches/source"]), strs(f["searches/algorithm"]), strs(f["searches/found"])
            self.assertEqual(list(zip(src, alg)), [(s, a) for s in ("original", "random", "dc") for a in ("grid", "evolution")])
            search, cand, score = f["history/search"][()], strs(f["history/candidate"]), f["history/score"][()]
            repeat = f["history/repeat"][()]
            evaluations, trained = f["searches/evaluations"][()], f["searches/trained"][()]
            found_val, found_test = f["searches/found_val"][()], f["searches/found_test"][()]
        for i, a in enumerate(alg):
            mine = np.flatnonzero(search == i)
            self.assertEqual(len(mine), evaluations[i])
            self.assertEqual(len(mine), 6 if a == "grid" else 9)
            self.assertEqual(trained[i], int(np.sum(repeat[mine] == 0)))
            best = mine[int(np.argmax(score[mine]))]  # first maximum, as the search
            self.assertEqual(found[i], cand[best])
            # A repeat carries the score of the first evaluation of that name.
            first = {}
            for k in mine:
                if cand[k] in first:
                    self.assertEqual(repeat[k], 1)
                    self.assertEqual(score[k], score[first[cand[k]]])
                else:
                    self.assertEqual(repeat[k], 0)
                    first[cand[k]] = k
            self.assertTrue(0 <= found_test[i] <= 1 and 0 <= found_val[i] <= 1)
        # Grid search on the original = the ground truth's argmax (1 truth seed); its verified
        # scores are the truth rows of that candidate (same data, settings and seed; the truth
        # trains candidates batched, which may move a score by float rounding only).
        with h5py.File(os.path.join(self.out, "truth.h5"), "r") as f:
            names = strs(f["candidates/name"])
            whole = np.array(strs(f["rows/proxy"])) == "whole"  # not the noise ceiling's seeds
            rows_c, rows_score, rows_test = (f[k][()][whole] for k in ("rows/candidate", "rows/score", "rows/test_acc"))
        best = int(rows_c[int(np.argmax(rows_score))])
        self.assertEqual(found[0], names[best])
        self.assertAlmostEqual(found_val[0], rows_score[rows_c == best][0], places=6)
        self.assertAlmostEqual(found_test[0], rows_test[rows_c == best][0], places=6)
        # A proxy's condensation time comes from its condensed file (0 for the original data).
        with h5py.File(path, "r") as f:
            condense_s = f["searches/condense_seconds"][()]
        for i, s in enumerate(src):
            with self.subTest(source=s):
                if s == "original":
                    self.assertEqual(condense_s[i], 0)
                else:
                    with h5py.File(os.path.join(self.out, "condensed", f"{s}-10.0pct-s0.h5"), "r") as c:
                        self.assertAlmostEqual(condense_s[i], c.attrs["condense_seconds"], places=12)
        with open(os.path.join(self.out, "nas.md")) as fh:
            md = fh.read()
        self.assertIn("| dc | evolution |", md)
        self.assertIn("speed-up", md)
        # Every table row keeps its 10 columns: the cells' '|' separators are escaped.
        rows = [l for l in md.splitlines() if l.startswith("| original") or l.startswith("| dc")]
        self.assertEqual(len(rows), 4)
        for l in rows:
            self.assertEqual(l.replace("\\|", "").count("|"), 11, l)

    def test_evaluate_scores_an_image_proxy_as_the_experiment_did(self):
        proxy = os.path.join(self.out, "condensed", "dc-10.0pct-s0.h5")
        out = os.path.join(self.out, "evaluation-dc.h5")
        r = subprocess.run([HCDC, "evaluate", self.job, "--proxy", proxy, "--out", out], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        with h5py.File(out, "r") as f, h5py.File(os.path.join(self.out, "results.h5"), "r") as g:
            methods = strs(g["summary/method"])
            self.assertAlmostEqual(f["summary/rho"][0], g["summary/rho"][methods.index("dc")], places=12)
            self.assertEqual(f["rows/score"].shape[0], 6)

    def test_bad_input_exits_2_naming_it(self):
        cases = [
            (["--set", 'nas.sources=["original","bogus"]'], "nas.sources[1]: 'bogus' is neither"),
            (["--set", "nas.condense_seed=5"], "no condensed set of 'random'"),
            (["--set", "nas.population=20"], "nas.evaluations: must be >= population"),
        ]
        for args, needle in cases:
            r = subprocess.run([HCDC, "nas", *args, self.job], capture_output=True, text=True)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertIn(needle, r.stderr, args)
            self.assertEqual(len([l for l in r.stderr.splitlines() if l.startswith("hcdc: error")]), 1, r.stderr)
        # A job without [nas].
        bare = os.path.join(self.out, "bare.toml")
        with open(self.job) as fh, open(bare, "w") as out:
            out.write(fh.read().split("[nas]")[0])
        r = subprocess.run([HCDC, "nas", bare], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("has no [nas] section", r.stderr)


if __name__ == "__main__":
    unittest.main()
