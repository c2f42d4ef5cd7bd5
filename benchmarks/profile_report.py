#!/usr/bin/env python3
"""Groups a `perf report --no-children --sort dso,symbol --stdio -g none` listing by kind of work.

Usage: profile_report.py NAME REPORT_TXT      (benchmarks/profile.sh calls it)
Prints a markdown table: share of samples per kind (first matching rule wins), then the heaviest
symbols. The rules look at the library and the symbol name; "other libtorch" is what no rule
recognises inside libtorch or c10.
"""
import collections
import re
import sys

RULES = [  # (kind, library pattern, symbol pattern): either may match
    ("OS kernel (page faults, scheduling)", r"kernel\.kallsyms", None),
    ("BLAS (dense matrix products)", r"blas|lapack|mkl", r"gemm|gemv"),
    ("OpenMP runtime (thread pool waits)", r"gomp|libomp", None),
    ("sparse kernels", None, r"[Ss]parse|coo|coalesce|index_add|index_select|scatter|gather|embedding"),
    ("element-wise and reduction kernels", None,
     r"Vectorized|vectorized|cpu_kernel|reduce|loop2d|TensorIterator|binary_op|unary|_kernel|softmax|"
     r"cross_entropy|nll_loss|copy_|fill_|threshold|relu"),
    ("autograd engine", None, r"torch::autograd"),
    ("dispatch and tensor bookkeeping", None,
     r"c10::|at::_ops|at::Tensor|TensorImpl|intrusive|Dispatcher|OperatorHandle|at::detail|at::empty|"
     r"at::native::(empty|resize|view|as_strided|reshape|expand|narrow|select|transpose|t\b|alias|"
     r"contiguous|to\b|_to_copy)"),
    ("allocation and copies (libc)", None,
     r"malloc|free|memset|memcpy|memmove|_int_|operator new|operator delete|posix_memalign|mmap|munmap"),
    ("hcdc's own code", r"hcdc", r"hcdc::"),
    ("other libtorch", r"libtorch|libc10", None),
]
LINE = re.compile(r"^\s*([\d.]+)%\s+(\S+)\s+\[(.)\]\s+(.*?)\s*$")


def kind_of(dso, sym):
    for kind, lib, pat in RULES:
        if (lib and re.search(lib, dso)) or (pat and re.search(pat, sym)):
            return kind
    return "other"


name, path = sys.argv[1:3]
by_kind, symbols, total = collections.Counter(), [], 0.0
for line in open(path, errors="replace"):
    m = LINE.match(line)
    if not m:
        continue
    share, dso, _, sym = float(m.group(1)), m.group(2), m.group(3), m.group(4)
    by_kind[kind_of(dso, sym)] += share
    symbols.append((share, dso, sym))
    total += share
print(f"\n### {name}\n")
print("| kind of work | share of CPU samples |")
print("|---|---|")
for kind, share in by_kind.most_common():
    print(f"| {kind} | {share:.1f} % |")
print(f"\nheaviest symbols (of {total:.1f} % listed):\n")
print("| share | library | symbol |")
print("|---|---|---|")
for share, dso, sym in sorted(symbols, reverse=True)[:10]:
    short = sym if len(sym) <= 90 else sym[:87] + "..."
    print(f"| {share:.1f} % | {dso} | `{short.replace('|', '/')}` |")
