"""Helpers shared by the Python tools: schema versions from hdf5_schemas/, the standard root
attributes every hcdc file carries, and atomic (temp file + rename) writes."""
import contextlib
import datetime
import json
import os
import subprocess
import sys

import h5py

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA_DIR = os.path.join(REPO, "hdf5_schemas")
PROJECT_VERSION = "0.1.0"


def schema_version(schema_name):
    for f in sorted(os.listdir(SCHEMA_DIR)):
        if f.endswith(".json"):
            with open(os.path.join(SCHEMA_DIR, f)) as fh:
                spec = json.load(fh)
            if spec["schema_name"] == schema_name:
                return spec["schema_version"]
    raise KeyError(f"no schema named {schema_name} in {SCHEMA_DIR}")


def git_commit():
    try:
        out = subprocess.run(["git", "-C", REPO, "rev-parse", "--short=12", "HEAD"],
                             capture_output=True, text=True, check=True)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def stamp(f, schema_name, tool):
    commit = git_commit()
    f.attrs["schema_name"] = schema_name
    f.attrs["schema_version"] = schema_version(schema_name)
    f.attrs["writer_version"] = f"hcdc {PROJECT_VERSION} ({commit}) {tool}"
    f.attrs["git_commit"] = commit
    f.attrs["created"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_array(f, name, data):
    """Chunked + compressed for anything but tiny arrays (the same policy as the C++ writer)."""
    if data.nbytes >= 4096:
        f.create_dataset(name, data=data, compression="gzip", compression_opts=4, shuffle=True)
    else:
        f.create_dataset(name, data=data)


@contextlib.contextmanager
def atomic_h5(path):
    """Yields an h5py.File open on a temporary name beside `path`; renames it into place only
    if the block finishes without an exception."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise SystemExit(f"error: {path}: output directory does not exist")
    tmp = os.path.join(directory, f".{os.path.basename(path)}.tmp.{os.getpid()}")
    try:
        with h5py.File(tmp, "w") as f:
            yield f
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def open_checked(path, schema_name):
    """An h5py.File open for reading, after checking that it carries `schema_name`; otherwise
    one error line naming the file and the field, exit 2."""
    if not os.path.isfile(path):
        print(f"error: {path}: file does not exist", file=sys.stderr)
        raise SystemExit(2)
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        print(f"error: {path}: not an HDF5 file ({e})", file=sys.stderr)
        raise SystemExit(2)
    found = f.attrs.get("schema_name")
    if isinstance(found, bytes):
        found = found.decode()
    if found != schema_name:
        f.close()
        print(f"error: {path}: schema_name: {found!r}, expected {schema_name!r}", file=sys.stderr)
        raise SystemExit(2)
    return f
