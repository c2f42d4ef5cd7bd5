"""Small h5py helpers: decoded strings and attributes, and opening a file that must follow one of
hcdc's schemas (major version 1)."""
import os

import h5py

from .errors import AnalysisInputError


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def strings(ds):
    return [text(v) for v in ds[:]]


def attrs(f):
    return {k: (text(v) if isinstance(v, (bytes, str)) else v.item() if hasattr(v, "item") else v)
            for k, v in f.attrs.items()}


def open_schema(path, schema_name):
    if not os.path.isfile(path):
        raise AnalysisInputError(path, "path", "file does not exist")
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise AnalysisInputError(path, "path", f"not an HDF5 file ({e})")
    found = text(f.attrs.get("schema_name", ""))
    if found != schema_name:
        f.close()
        raise AnalysisInputError(path, "schema_name", f"{found!r}, expected {schema_name!r}")
    version = text(f.attrs.get("schema_version", "1.0"))
    if version.split(".")[0] != "1":
        f.close()
        raise AnalysisInputError(path, "schema_version", f"{version} is not readable (this package reads 1.x)")
    return f
