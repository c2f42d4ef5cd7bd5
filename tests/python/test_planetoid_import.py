"""The Planetoid importer against facts computed independently from the pickles.

The oracle here shares no code with analysis/import_planetoid.py: it walks the adjacency-list
dict with Python sets (the importer uses scipy sparse algebra) and checks rows one by one.
Environment: HCDC_BIN (the hcdc executable), HCDC_PLANETOID (the Planetoid folder),
HCDC_CORA_H5 (where to write Cora), HCDC_TEST_TMP (scratch folder).
"""
import os
import pickle
import subprocess
import sys
import tempfile
import unittest
import warnings

import h5py
import numpy as np
import scipy.sparse as sp

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IMPORTER = os.path.join(REPO, "analysis", "import_planetoid.py")
PLANETOID = os.environ.get("HCDC_PLANETOID", os.path.join(REPO, "..", "shared", "datasets", "planetoid"))
HCDC = os.environ.get("HCDC_BIN", os.path.join(REPO, "build", "src", "hcdc"))
warnings.filterwarnings("ignore", category=DeprecationWarning)


def unpickle(path):
    with open(path, "rb") as fh:
        return pickle.load(fh, encoding="latin1")


def run_importer(root, name, out):
    return subprocess.run([sys.executable, IMPORTER, "--root", root, "--name", name, "--out", out],
                          capture_output=True, text=True)


def hcdc(*args):
    return subprocess.run([HCDC, *args], capture_output=True, text=True)


class CoraImport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out = os.environ.get("HCDC_CORA_H5") or os.path.join(tempfile.mkdtemp(), "cora.h5")
        os.makedirs(os.path.dirname(cls.out), exist_ok=True)
        r = run_importer(PLANETOID, "cora", cls.out)
        assert r.returncode == 0, r.stderr
        cls.f = h5py.File(cls.out, "r")

    @classmethod
    def tearDownClass(cls):
        cls.f.close()

    def test_sizes_and_split(self):
        allx = unpickle(os.path.join(PLANETOID, "ind.cora.allx"))
        tx = unpickle(os.path.join(PLANETOID, "ind.cora.tx"))
        y = unpickle(os.path.join(PLANETOID, "ind.cora.y"))
        test_index = [int(l) for l in open(os.path.join(PLANETOID, "ind.cora.test.index"))]
        n = allx.shape[0] + tx.shape[0]
        self.assertEqual(n, 2708)
        self.assertEqual(self.f.attrs["num_nodes"], n)
        self.assertEqual(self.f["features"].shape, (2708, 1433))
        self.assertEqual(self.f.attrs["num_classes"], 7)
        self.assertEqual(len(self.f["splits/train"]), y.shape[0])
        self.assertEqual(len(self.f["splits/train"]), 140)
        self.assertEqual(list(self.f["splits/val"][:]), list(range(140, 640)))
        self.assertEqual(sorted(test_index), list(self.f["splits/test"][:]))
        self.assertEqual(len(test_index), 1000)

    def test_undirected_edges_without_duplicates_or_self_loops(self):
        graph = unpickle(os.path.join(PLANETOID, "ind.cora.graph"))
        pairs = set()
        for u, nbrs in graph.items():
            for v in nbrs:
                if u != v:
                    pairs.add((min(u, v), max(u, v)))
        indptr, indices = self.f["adjacency/indptr"][:], self.f["adjacency/indices"][:]
        stored = set()
        for u in range(len(indptr) - 1):
            for v in indices[indptr[u]:indptr[u + 1]]:
                self.assertNotEqual(u, v)
                stored.add((min(u, int(v)), max(u, int(v))))
        self.assertEqual(len(indices), 2 * len(pairs), "every undirected edge stored once per direction")
        self.assertEqual(stored, pairs)
        print(f"\nCora: {len(pairs)} undirected edges after de-duplication and self-loop removal")

    def test_test_rows_are_placed_at_their_ids(self):
        tx = unpickle(os.path.join(PLANETOID, "ind.cora.tx")).toarray()
        ty = unpickle(os.path.join(PLANETOID, "ind.cora.ty"))
        allx = unpickle(os.path.join(PLANETOID, "ind.cora.allx")).toarray()
        ally = unpickle(os.path.join(PLANETOID, "ind.cora.ally"))
        test_index = [int(l) for l in open(os.path.join(PLANETOID, "ind.cora.test.index"))]
        x, labels = self.f["features"][:], self.f["labels"][:]
        for k, node in enumerate(test_index):
            np.testing.assert_array_equal(x[node], tx[k])
            self.assertEqual(labels[node], int(np.argmax(ty[k])))
        for i in range(0, allx.shape[0], 97):
            np.testing.assert_array_equal(x[i], allx[i])
            self.assertEqual(labels[i], int(np.argmax(ally[i])))

    def test_hcdc_validates_and_reads_it(self):
        r = hcdc("validate", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = hcdc("inspect", self.out)
        self.assertIn("train    n=140", r.stdout)
        self.assertIn("20 20 20 20 20 20 20", r.stdout)

    def test_standard_attributes(self):
        for key in ("schema_name", "schema_version", "writer_version", "created", "git_commit", "config"):
            self.assertIn(key, self.f.attrs)
        self.assertEqual(self.f.attrs["schema_name"], "hcdc.graph")


class CiteseerLayout(unittest.TestCase):
    """A tiny dataset in Citeseer's layout: test ids with gaps must be padded with zero rows."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(dir=os.environ.get("HCDC_TEST_TMP"))
        rng = np.random.default_rng(0)
        self.n_all, self.f_dim, self.c = 6, 4, 3
        allx = sp.csr_matrix(rng.integers(0, 2, (self.n_all, self.f_dim)).astype(np.float32))
        ally = np.eye(self.c)[[0, 1, 2, 0, 1, 2]]
        self.test_ids = [9, 6, 11]  # range 6..11: ids 7, 8 and 10 are missing (padded)
        self.tx = rng.integers(1, 3, (3, self.f_dim)).astype(np.float32)
        self.ty = np.eye(self.c)[[2, 0, 1]]
        graph = {0: [1, 1, 0], 1: [0], 2: [9], 9: [2, 11], 11: [9], 6: []}
        parts = dict(x=allx[:2], y=ally[:2], allx=allx, ally=ally, tx=sp.csr_matrix(self.tx), ty=self.ty,
                     graph=graph)
        for k, v in parts.items():
            with open(os.path.join(self.dir, f"ind.citeseer.{k}"), "wb") as fh:
                pickle.dump(v, fh, protocol=2)
        with open(os.path.join(self.dir, "ind.citeseer.test.index"), "w") as fh:
            fh.write("\n".join(map(str, self.test_ids)) + "\n")

    def test_padding_and_placement(self):
        out = os.path.join(self.dir, "citeseer.h5")
        r = run_importer(self.dir, "citeseer", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with h5py.File(out, "r") as f:
            n = 6 + (11 - 6 + 1)
            self.assertEqual(f.attrs["num_nodes"], n)
            self.assertEqual(f.attrs["num_padded_nodes"], 3)
            x, labels = f["features"][:], f["labels"][:]
            for k, node in enumerate(self.test_ids):
                np.testing.assert_array_equal(x[node], self.tx[k])
                self.assertEqual(labels[node], int(np.argmax(self.ty[k])))
            padded = [7, 8, 10]
            for node in padded:
                self.assertFalse(x[node].any())
            self.assertEqual(sorted(f["unlabelled_nodes"][:]), padded)
            in_split = set(f["splits/train"][:]) | set(f["splits/val"][:]) | set(f["splits/test"][:])
            self.assertFalse(in_split & set(padded))
            self.assertEqual(list(f["splits/test"][:]), [6, 9, 11])
            # Edges: 0-1 (duplicate and self-loop dropped), 2-9, 9-11.
            self.assertEqual(len(f["adjacency/indices"]), 6)
        r = hcdc("validate", out)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_missing_file_is_one_clear_error(self):
        os.remove(os.path.join(self.dir, "ind.citeseer.graph"))
        out = os.path.join(self.dir, "x.h5")
        r = run_importer(self.dir, "citeseer", out)
        self.assertEqual(r.returncode, 2)
        self.assertRegex(r.stderr.strip(), r"^hcdc: error: .*ind\.citeseer\.graph: : file does not exist$")
        self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    unittest.main(verbosity=2)
