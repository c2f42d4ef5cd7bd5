"""A condensed set (schema hcdc.condensed_set) as numpy arrays, for use in any framework."""
import dataclasses

import numpy as np

from .errors import AnalysisInputError
from .h5read import attrs, open_schema


@dataclasses.dataclass
class CondensedSet:
    path: str
    train_x: np.ndarray          # [n_train, ...sample] float32 (images: [n, C, H, W], standardised)
    train_y: np.ndarray          # [n_train] int64
    val_x: np.ndarray
    val_y: np.ndarray
    adjacency: np.ndarray = None  # [M, M] over S_train ∪ S_val, or None
    history: np.ndarray = None    # the method's loss per iteration (HCDC: 1 − hypergradient cosine), or None
    attrs: dict = dataclasses.field(default_factory=dict)

    @property
    def method(self):
        return self.attrs.get("method", "")

    @property
    def is_images(self):
        return self.train_x.ndim == 4


def load_condensed(path):
    with open_schema(path, "hcdc.condensed_set") as f:
        for k in ("train/x", "train/y", "val/x", "val/y"):
            if k not in f:
                raise AnalysisInputError(path, k, "missing")
        s = CondensedSet(path, f["train/x"][:], f["train/y"][:], f["val/x"][:], f["val/y"][:],
                         f["adjacency"][:] if "adjacency" in f else None,
                         f["history"][:] if "history" in f else None, attrs(f))
    if s.train_x.shape[1:] != s.val_x.shape[1:]:
        raise AnalysisInputError(path, "val/x", f"sample shape {s.val_x.shape[1:]} differs from train/x's "
                                                f"{s.train_x.shape[1:]}")
    if len(s.train_y) != len(s.train_x) or len(s.val_y) != len(s.val_x):
        raise AnalysisInputError(path, "train/y", "labels and samples differ in number")
    return s
