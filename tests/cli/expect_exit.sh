#!/usr/bin/env bash
# Runs a command and checks its exit code, that its output matches a pattern, and that an output
# path it was told to write does not exist afterwards ("-" for none).
# Usage: expect_exit.sh CODE PATTERN MUST_NOT_EXIST -- command args...
set -u
want=$1 pattern=$2 absent=$3
shift 4
out=$("$@" 2>&1)
rc=$?
echo "$out"
if [ "$rc" -ne "$want" ]; then echo "FAIL: exit code $rc, expected $want"; exit 1; fi
if ! grep -qE -- "$pattern" <<<"$out"; then echo "FAIL: output does not match /$pattern/"; exit 1; fi
if [ "$absent" != "-" ] && [ -e "$absent" ]; then echo "FAIL: $absent exists"; exit 1; fi
if [ "$want" -ne 0 ] && [ "$(grep -c '^hcdc: error' <<<"$out")" -gt 1 ]; then echo "FAIL: more than one error line"; exit 1; fi
echo "ok"
