#!/usr/bin/env python3
"""Groups a `perf report --no-children --sort dso,symbol --stdio -g none` listing by kind of work.

Usage: profile_report.py NAME REPORT_TXT [TORCH_TRACE_JSON]   (benchmarks/profile.sh calls it)
Prints a markdown table: share of samples per kind (first matching rule wins), then the heaviest
symbols. The rules look at the library and the symbol name; "other libtorch" is what no rule
recognises inside libtorch or c10 (Debian's libtorch_cpu is stripped of its internal symbols, so
most of its functions show as addresses). With a Chrome trace from LibTorch's profiler
(HCDC_TORCH_PROFILE), also the operators by self time (an operator's time less that of the
operators it calls), which names what the stripped addresses are doing.
"""
import collections
import json
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
    share, dso, sym = float(m.group(1)), m.group(2), re.sub(r"(\s+-)+\s*$", "", m.group(4)).strip()
    if sym.startswith("0x"):
        sym = "(stripped internal function)"
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
merged = collections.Counter()
for share, dso, sym in symbols:
    merged[(dso, sym)] += share
for (dso, sym), share in merged.most_common(10):
    short = sym if len(sym) <= 90 else sym[:87] + "..."
    print(f"| {share:.1f} % | {dso} | `{short.replace('|', '/')}` |")

if len(sys.argv) > 3:
    events = [e for e in json.load(open(sys.argv[3])) if e.get("ph") == "X"]
    self_us, calls = collections.Counter(), collections.Counter()
    by_thread = collections.defaultdict(list)
    for e in events:
        by_thread[e["tid"]].append(e)
    span = 0.0
    for evs in by_thread.values():
        evs.sort(key=lambda e: (e["ts"], -e["dur"]))
        span = max(span, evs[-1]["ts"] + evs[-1]["dur"] - evs[0]["ts"])
        stack = []  # [end, name, children's time]
        def close(item):
            self_us[item[1]] += item[3] - item[2]
        for e in evs:
            while stack and e["ts"] >= stack[-1][0]:
                close(stack.pop())
            if stack:
                stack[-1][2] += e["dur"]
            stack.append([e["ts"] + e["dur"], e["name"], 0.0, e["dur"]])
            calls[e["name"]] += 1
        while stack:
            close(stack.pop())
    busy = sum(self_us.values())
    print(f"\nLibTorch's profiler: {len(events)} operator calls in {span / 1e6:.2f} s "
          f"({len(events) / max(span / 1e6, 1e-9):,.0f} per second, {len(by_thread)} thread(s)); "
          "heaviest by self time:\n")
    print("| operator | share of self time | calls | mean self µs |")
    print("|---|---|---|---|")
    for name, us in self_us.most_common(12):
        print(f"| `{name}` | {100 * us / busy:.1f} % | {calls[name]:,} | {us / calls[name]:.1f} |")
