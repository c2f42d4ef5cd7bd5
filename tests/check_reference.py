#!/usr/bin/env python3
"""jobs/README.md carries the output of `hcdc reference` between its markers: exit 1 with a diff
when they differ (a key, default or registered name changed without the reference), 0 when equal.
--write replaces the README's section with the current output."""
import difflib
import subprocess
import sys


def main():
    args = [a for a in sys.argv[1:] if a != "--write"]
    if len(args) != 2:
        print("usage: check_reference.py HCDC_BIN README.md [--write]", file=sys.stderr)
        return 2
    hcdc, readme = args
    ref = subprocess.run([hcdc, "reference"], capture_output=True, text=True, check=True).stdout
    begin, end = ref.splitlines()[0], ref.rstrip("\n").splitlines()[-1]
    with open(readme, encoding="utf-8") as fh:
        text = fh.read()
    i, j = text.find(begin), text.find(end)
    if i < 0 or j < 0:
        print(f"{readme}: no generated reference section (markers '{begin}' … '{end}')", file=sys.stderr)
        return 1
    current = text[i:j + len(end)] + "\n"
    if "--write" in sys.argv:
        with open(readme, "w", encoding="utf-8") as fh:
            fh.write(text[:i] + ref + text[j + len(end) + 1:])
        print(f"{readme}: reference section written")
        return 0
    if current == ref:
        print(f"{readme}: the reference section matches `hcdc reference`")
        return 0
    sys.stdout.writelines(difflib.unified_diff(current.splitlines(True), ref.splitlines(True), readme, "hcdc reference"))
    print(f"\n{readme} is out of date: run `python3 tests/check_reference.py build/src/hcdc {readme} --write`",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
