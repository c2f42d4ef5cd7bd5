"""`hcdc import npz` and `hcdc import ogb` against an independent oracle, and their bad input.

The inputs are written here by numpy (np.savez / np.savez_compressed) and Python's gzip module,
in exactly the layouts users hold (yandex-research/heterophilous-graphs .npz; OGB's raw CSV
folders). The oracle shares no code with the importer: it builds the undirected edge set with
Python sets of node pairs and reads the splits from the masks / CSV lines directly.
With HCDC_HETEROPHILOUS set to the folder of tolokers.npz / minesweeper.npz, the real files are
checked the same way (tests/needs_files.sh reports that test skipped where they are absent).
Environment: HCDC_BIN (the hcdc executable), HCDC_TEST_TMP (scratch folder).
"""
import gzip
import os
import subprocess
import tempfile
import unittest

import h5py
import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HCDC = os.environ.get("HCDC_BIN", os.path.join(REPO, "build", "src", "hcdc"))
TMP = os.environ.get("HCDC_TEST_TMP", tempfile.gettempdir())
HETEROPHILOUS = os.environ.get("HCDC_HETEROPHILOUS")


def hcdc(*args):
    return subprocess.run([HCDC, *map(str, args)], capture_output=True, text=True)


def undirected_pairs(edges):
    """The oracle's adjacency: the set of (u, v) with u != v for every edge in either direction."""
    pairs = set()
    for u, v in edges:
        u, v = int(u), int(v)
        if u != v:
            pairs.add((u, v))
            pairs.add((v, u))
    return pairs


def csr_pairs(f):
    indptr, indices = f["adjacency/indptr"][:], f["adjacency/indices"][:]
    pairs = []
    for i in range(len(indptr) - 1):
        row = indices[indptr[i]:indptr[i + 1]]
        assert list(row) == sorted(set(row.tolist())), f"row {i} not sorted/unique"
        pairs.extend((i, int(j)) for j in row)
    return pairs


class ImportCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(dir=TMP, prefix="graph-import-")

    def path(self, name):
        return os.path.join(self.dir, name)

    def assert_bad(self, args, *expected, out=None):
        """Exit 2, one error line naming every string in `expected`, and no output file."""
        r = hcdc(*args)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        errors = [l for l in r.stderr.splitlines() if l.startswith("hcdc: error")]
        self.assertEqual(len(errors), 1, r.stderr)
        for e in expected:
            self.assertIn(e, errors[0])
        if out:
            self.assertFalse(os.path.exists(out), f"{out} was written")
            self.assertEqual([n for n in os.listdir(os.path.dirname(out)) if n.endswith(".tmp")], [])
        return errors[0]


def random_npz_arrays(rng, n=60, f=5, c=3, splits=3):
    x = rng.normal(size=(n, f)).astype(np.float32)
    y = rng.integers(0, c, size=n).astype(np.int64)
    y[:c] = np.arange(c)  # every class present
    e = rng.integers(0, n, size=(150, 2)).astype(np.int64)
    e = np.concatenate([e, e[:10, ::-1], e[10:15], [[4, 4], [7, 7]]])  # reversed, repeated, self-loops
    masks = np.zeros((3, splits, n), dtype=bool)
    for s in range(splits):
        part = rng.permutation(n)
        masks[0, s, part[: n // 2]] = True
        masks[1, s, part[n // 2: 3 * n // 4]] = True
        masks[2, s, part[3 * n // 4:]] = True
    return dict(node_features=x, node_labels=y, edges=e,
                train_masks=masks[0], val_masks=masks[1], test_masks=masks[2])


class NpzImport(ImportCase):
    def write(self, name, arrays, compressed=True):
        p = self.path(name)
        (np.savez_compressed if compressed else np.savez)(p, **arrays)
        return p

    def check(self, out, a, split):
        with h5py.File(out, "r") as f:
            n = a["node_features"].shape[0]
            self.assertEqual(f.attrs["num_nodes"], n)
            self.assertEqual(f.attrs["num_features"], a["node_features"].shape[1])
            self.assertEqual(f.attrs["num_classes"], int(a["node_labels"].max()) + 1)
            np.testing.assert_array_equal(f["features"][:], a["node_features"].astype(np.float32))
            np.testing.assert_array_equal(f["labels"][:], a["node_labels"])
            got = csr_pairs(f)
            self.assertEqual(len(got), len(set(got)))
            self.assertEqual(set(got), undirected_pairs(a["edges"]))
            for key, mask in (("train", "train_masks"), ("val", "val_masks"), ("test", "test_masks")):
                m = a[mask] if a[mask].ndim == 1 else a[mask][split]
                self.assertEqual(f[f"splits/{key}"][:].tolist(), [i for i in range(n) if m[i]])
            self.assertIn(f"(split {split})", f.attrs["source"])
        self.assertEqual(hcdc("validate", out).returncode, 0)

    def test_matches_the_oracle_for_every_split(self):
        a = random_npz_arrays(np.random.default_rng(1))
        src = self.write("g.npz", a)
        for split in (0, 2):
            out = self.path(f"g{split}.h5")
            r = hcdc("import", "npz", "--src", src, "--out", out, "--split", split)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.check(out, a, split)

    def test_other_dtypes_and_one_split_masks(self):
        a = random_npz_arrays(np.random.default_rng(2), splits=1)
        a["node_features"] = a["node_features"].astype(np.float64)
        a["node_labels"] = a["node_labels"].astype(np.int32)
        a["edges"] = a["edges"].astype(np.uint16)
        for m in ("train_masks", "val_masks", "test_masks"):
            a[m] = a[m][0].astype(np.uint8)  # [N], 0/1 bytes
        src = self.write("d.npz", a, compressed=False)
        out = self.path("d.h5")
        r = hcdc("import", "npz", "--src", src, "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.check(out, a, 0)

    def test_a_job_reads_the_npz_directly(self):
        a = random_npz_arrays(np.random.default_rng(3))
        src = self.write("j.npz", a)
        job = self.path("job.toml")
        with open(job, "w") as fh:
            fh.write(f'[job]\nname = "npz"\noutput_dir = "{self.path("run")}"\n'
                     f'[dataset]\nkind = "npz"\nsrc = "{src}"\nsplit = 1\n')
        r = hcdc("run", job, "--dataset-only")
        self.assertEqual(r.returncode, 0, r.stderr)
        made = [os.path.join(dp, n) for dp, _, ns in os.walk(self.path("run")) for n in ns if n.endswith(".h5")]
        self.assertEqual(len(made), 1, made)
        self.check(made[0], a, 1)

    def bad(self, arrays, *expected, args=(), compressed=True):
        src = self.write("bad.npz", arrays, compressed)
        out = self.path("bad.h5")
        return self.assert_bad(["import", "npz", "--src", src, "--out", out, *args], src, *expected, out=out)

    def test_bad_input(self):
        base = random_npz_arrays(np.random.default_rng(4))
        without_edges = {k: v for k, v in base.items() if k != "edges"}
        self.bad(without_edges, "edges", "array missing")
        out_of_range = dict(base, edges=np.concatenate([base["edges"], [[3, 60]]]))
        self.bad(out_of_range, "edges", "outside [0, 60)")
        negative = dict(base, edges=np.concatenate([base["edges"], [[-1, 2]]]))
        self.bad(negative, "edges", "outside")
        self.bad(base, "train_masks", "split 3 requested", "3 split(s)", args=("--split", 3))
        overlap = dict(base, val_masks=base["train_masks"].copy())
        self.bad(overlap, "train_masks/val_masks", "in both")
        labels = base["node_labels"].copy()
        labels[5] = -1
        self.bad(dict(base, node_labels=labels), "node_labels", "node 5")
        self.bad(dict(base, node_labels=base["node_labels"][:-1]), "node_labels", "shape [59]")
        feats = base["node_features"].copy()
        feats[2, 1] = np.nan
        self.bad(dict(base, node_features=feats), "node_features", "not finite")
        self.bad(dict(base, node_labels=base["node_labels"].astype(np.float32)), "node_labels", "integers expected")
        self.bad(dict(base, edges=base["edges"][:, :1]), "edges", "[num_edges, 2]")
        self.bad(dict(base, train_masks=base["train_masks"][:, :10]), "train_masks", "neither")
        twos = base["test_masks"].astype(np.uint8)
        twos[0, 0] = 2
        self.bad(dict(base, test_masks=twos), "test_masks", "0/1")
        forged = base["val_masks"].copy()
        forged.view(np.uint8)[0, 1] = 2  # a bool array holding the byte 2 (read as bool: undefined)
        self.bad(dict(base, val_masks=forged), "val_masks", "0/1")
        self.bad(dict(base, node_features=base["node_features"].astype(np.complex64)), "node_features", "dtype")

    def test_not_an_archive_and_a_damaged_entry(self):
        junk = self.path("junk.npz")
        with open(junk, "wb") as fh:
            fh.write(b"not a zip file at all")
        out = self.path("junk.h5")
        self.assert_bad(["import", "npz", "--src", junk, "--out", out], junk, "zip", out=out)
        self.assert_bad(["import", "npz", "--src", self.path("absent.npz"), "--out", out], "absent.npz", out=out)
        # An uncompressed archive whose edges.npy payload is cut short but whose zip is intact.
        import zipfile
        import io
        a = random_npz_arrays(np.random.default_rng(5))
        src = self.path("short.npz")
        with zipfile.ZipFile(src, "w") as z:
            for k, v in a.items():
                buf = io.BytesIO()
                np.save(buf, v)
                data = buf.getvalue()
                z.writestr(k + ".npy", data[:-16] if k == "edges" else data)
        self.assert_bad(["import", "npz", "--src", src, "--out", out], src, "edges", "truncated", out=out)


def write_gz_lines(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with gzip.open(path, "wt") as fh:
        for r in rows:
            fh.write(",".join(str(v) for v in (r if isinstance(r, (list, tuple, np.ndarray)) else [r])) + "\n")


def write_ogb(root, rng, n=40, f=6, c=4, scheme="time"):
    x = rng.normal(size=(n, f)).astype(np.float32)
    y = rng.integers(0, c, size=n)
    y[:c] = np.arange(c)
    e = rng.integers(0, n, size=(120, 2))
    e = np.concatenate([e, e[:7, ::-1], [[1, 1]]])  # directed both ways, a self-loop
    part = rng.permutation(n)
    split = {"train": part[:20], "valid": part[20:30], "test": part[30:]}
    write_gz_lines(os.path.join(root, "raw", "node-feat.csv.gz"), [[repr(float(v)) for v in row] for row in x])
    write_gz_lines(os.path.join(root, "raw", "node-label.csv.gz"), y.tolist())
    write_gz_lines(os.path.join(root, "raw", "edge.csv.gz"), e.tolist())
    write_gz_lines(os.path.join(root, "raw", "num-node-list.csv.gz"), [n])
    for k, ids in split.items():
        write_gz_lines(os.path.join(root, "split", scheme, f"{k}.csv.gz"), ids.tolist())
    return x, y, e, split


class OgbImport(ImportCase):
    def test_matches_the_oracle(self):
        root = self.path("ogbn-toy")
        x, y, e, split = write_ogb(root, np.random.default_rng(6))
        out = self.path("ogb.h5")
        r = hcdc("import", "ogb", "--src", root, "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with h5py.File(out, "r") as f:
            np.testing.assert_array_equal(f["features"][:], x)
            np.testing.assert_array_equal(f["labels"][:], y)
            self.assertEqual(f.attrs["num_classes"], 4)
            self.assertEqual(set(csr_pairs(f)), undirected_pairs(e))
            for key, ogb in (("train", "train"), ("val", "valid"), ("test", "test")):
                self.assertEqual(f[f"splits/{key}"][:].tolist(), sorted(split[ogb].tolist()))
        self.assertEqual(hcdc("validate", out).returncode, 0)

    def bad(self, root, *expected, args=()):
        out = self.path("bad.h5")
        return self.assert_bad(["import", "ogb", "--src", root, "--out", out, *args], *expected, out=out)

    def test_bad_input(self):
        rng = np.random.default_rng(7)
        root = self.path("missing")
        write_ogb(root, rng)
        os.remove(os.path.join(root, "split", "time", "valid.csv.gz"))
        self.bad(root, "valid.csv.gz", "file missing")

        root = self.path("edge-range")
        write_ogb(root, rng)
        write_gz_lines(os.path.join(root, "raw", "edge.csv.gz"), [[0, 1], [2, 40]])
        self.bad(root, "edge.csv.gz", "line 2", "[0, 40)")

        root = self.path("two-schemes")
        write_ogb(root, rng)
        write_ogb(root, rng, scheme="random")
        self.bad(root, "split scheme", "random, time")
        self.bad(root, "split scheme", "no folder 'year'", args=("--split-scheme", "year"))

        root = self.path("ragged")
        write_ogb(root, rng)
        write_gz_lines(os.path.join(root, "raw", "node-feat.csv.gz"), [[1.0, 2.0], [3.0]])
        self.bad(root, "node-feat.csv.gz", "line 2", "1 features")

        root = self.path("word")
        write_ogb(root, rng)
        write_gz_lines(os.path.join(root, "raw", "node-label.csv.gz"), ["1", "nan"])
        self.bad(root, "node-label.csv.gz", "line 2", "'nan'")

        root = self.path("count")
        write_ogb(root, rng)
        write_gz_lines(os.path.join(root, "raw", "num-node-list.csv.gz"), [41])
        self.bad(root, "num-node-list.csv.gz", "node count")

        root = self.path("dup")
        write_ogb(root, rng)
        write_gz_lines(os.path.join(root, "split", "time", "test.csv.gz"), [3, 3])
        self.bad(root, "test.csv.gz", "node 3 listed twice")


@unittest.skipUnless(HETEROPHILOUS, "HCDC_HETEROPHILOUS not set (ctest runs this part as import_heterophilous)")
class RealHeterophilousFiles(ImportCase):
    """The shipped tolokers and minesweeper files: sizes from their documentation, contents by the oracle."""

    def test_tolokers_and_minesweeper(self):
        documented = {"tolokers": (11758, 519000, 10, 2), "minesweeper": (10000, 39402, 7, 2)}
        for name, (n, m, f, c) in documented.items():
            src = os.path.join(HETEROPHILOUS, f"{name}.npz")
            a = dict(np.load(src))
            out = self.path(f"{name}.h5")
            r = hcdc("import", "npz", "--src", src, "--out", out, "--split", 0)
            self.assertEqual(r.returncode, 0, r.stderr)
            with h5py.File(out, "r") as h:
                self.assertEqual((h.attrs["num_nodes"], h.attrs["num_features"], h.attrs["num_classes"]), (n, f, c))
                # each undirected edge once in the file, so 2m directed entries
                self.assertEqual(h["adjacency/indices"].shape[0], 2 * m)
                self.assertEqual(set(csr_pairs(h)), undirected_pairs(a["edges"]))
                np.testing.assert_array_equal(h["features"][:], a["node_features"])
                np.testing.assert_array_equal(h["splits/train"][:], np.flatnonzero(a["train_masks"][0]))
                np.testing.assert_array_equal(h["splits/test"][:], np.flatnonzero(a["test_masks"][0]))


if __name__ == "__main__":
    unittest.main()
