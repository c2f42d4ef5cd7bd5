"""analysis/induced_edges.py against a count written here: with budgets that pick every training
and every validation node, the picks no longer depend on the random draws, so the edges inside the
training split, inside train ∪ val, and the validation nodes without a neighbour there are counted
from the CSR with Python sets and compared with the script's table.
Environment: HCDC_BIN (the hcdc executable, to generate the graph), HCDC_TEST_TMP (scratch folder).
"""
import os
import subprocess
import sys
import tempfile
import unittest

import h5py

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HCDC = os.environ.get("HCDC_BIN", os.path.join(REPO, "build", "src", "hcdc"))
TMP = os.environ.get("HCDC_TEST_TMP", tempfile.gettempdir())
SCRIPT = os.path.join(REPO, "analysis", "induced_edges.py")


class InducedEdges(unittest.TestCase):
    def test_whole_splits_match_a_direct_count(self):
        out = tempfile.mkdtemp(dir=TMP)
        g = os.path.join(out, "g.h5")
        r = subprocess.run([HCDC, "generate", "csbm", "--out", g, "--nodes", "300", "--classes", "3", "--features", "4",
                            "--avg-degree", "10", "--train-per-class", "10", "--val", "60", "--test", "60", "--seed", "3"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        with h5py.File(g, "r") as f:
            indptr, indices = f["adjacency/indptr"][:], f["adjacency/indices"][:]
            train, val = set(f["splits/train"][:].tolist()), set(f["splits/val"][:].tolist())
        n = len(indptr) - 1
        pairs = {(u, int(v)) for u in range(n) for v in indices[indptr[u]:indptr[u + 1]]}
        both = train | val
        in_train = sum(1 for u, v in pairs if u < v and u in train and v in train)
        in_both = sum(1 for u, v in pairs if u < v and u in both and v in both)
        alone = sum(1 for u in val if not any((u, v) in pairs for v in both))
        budget = len(train) / n
        r = subprocess.run([sys.executable, SCRIPT, g, "--budgets", str(budget), "--val-fraction",
                            str(len(val) / len(train)), "--draws", "3"], capture_output=True, text=True,
                           cwd=os.path.join(REPO, "analysis"))
        self.assertEqual(r.returncode, 0, r.stderr)
        row = [c.strip() for c in r.stdout.strip().splitlines()[-1].strip("|").split("|")]
        self.assertEqual(int(row[1]), len(train))
        self.assertEqual(int(row[2]), len(val))
        self.assertAlmostEqual(float(row[3]), in_train, places=2)
        self.assertAlmostEqual(float(row[4]), in_both, places=2)
        self.assertEqual(row[5], f"{100 * alone / len(val):.0f}%")
        self.assertGreater(in_train, 0, "the fixture should put edges inside the training split")


if __name__ == "__main__":
    unittest.main(verbosity=2)
