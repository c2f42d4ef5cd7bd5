#!/usr/bin/env bash
# `hcdc evaluate` split across ranks and across job-array slices: the ground truth computed on
# 1, 2 and 3 ranks (the ranks of the host sharing one copy of the graph blocks), on 4 ranks as two
# nodes of 2 (HCDC_RANKS_PER_NODE=2: each node's first rank loads the graph, its second views it),
# on 2 ranks that each load their own (dist.share_on_node = false), and as 3 merged slices (one of
# them on 2 ranks) has identical rows; a proxy
# scored on 1 and 2 ranks has identical rows, and the ρ and τ-b it reports equal scipy's on the
# rows in the files. Usage: evaluate_ranks.sh HCDC MPIEXEC NPFLAG TMPDIR
set -euo pipefail
hcdc=$1 mpiexec=$2 npflag=$3 tmp=$4/evaluate_ranks
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$tmp" && mkdir -p "$tmp"
out=$tmp/out
sed -e "s|@OUT@|$out|" -e "s|@DET@|false|" -e "s|@OUTER@|1|" "$here/mpi_job.toml.in" > "$tmp/job.toml"
printf '[evaluate]\ntruth_epochs = 30\nproxy_epochs = 30\ntruth_seeds = 2\n' >> "$tmp/job.toml"
job=$tmp/job.toml
trap 'for f in "$tmp"/log-*.txt; do [ -f "$f" ] && { echo "== $f"; tail -20 "$f"; }; done' ERR
"$hcdc" evaluate "$job" --out "$tmp/truth-1.h5" | grep "evaluate:"
for n in 2 3; do
  $mpiexec $npflag $n --oversubscribe "$hcdc" evaluate "$job" --out "$tmp/truth-$n.h5" > "$tmp/log-$n.txt" 2>&1
  grep "evaluate:" "$tmp/log-$n.txt"
  grep -c "one copy of the blocks per node .* shared by $n ranks" "$tmp/log-$n.txt" | grep -qx 1
done
HCDC_RANKS_PER_NODE=2 $mpiexec $npflag 4 --oversubscribe -x HCDC_RANKS_PER_NODE "$hcdc" evaluate "$job" \
  --out "$tmp/truth-4n.h5" > "$tmp/log-4n.txt" 2>&1
grep "evaluate:" "$tmp/log-4n.txt"
# Two nodes, two leaders: each says so once (every rank logs to stderr; only leaders say this).
[ "$(grep -c "one copy of the blocks per node .* shared by 2 ranks" "$tmp/log-4n.txt")" = 2 ]
$mpiexec $npflag 2 "$hcdc" evaluate "$job" --set dist.share_on_node=false --out "$tmp/truth-2p.h5" > "$tmp/log-2p.txt" 2>&1
grep "evaluate:" "$tmp/log-2p.txt"
if grep -q "one copy of the blocks per node" "$tmp/log-2p.txt"; then
  echo "FAIL: dist.share_on_node = false still shared the blocks"; exit 1
fi
"$hcdc" evaluate "$job" --slice 0/3 | grep "evaluate:"
$mpiexec $npflag 2 "$hcdc" evaluate "$job" --slice 1/3 | grep "evaluate:"
"$hcdc" evaluate "$job" --slice 2/3 | grep "evaluate:"
"$hcdc" evaluate "$job" --merge-slices 3 | grep "evaluate:"          # -> $out/truth.h5
"$hcdc" condense "$job" --method random | grep "condense:"
"$hcdc" evaluate "$job" --proxy "$out/condensed-random.h5" --out "$tmp/proxy-1.h5" | grep "evaluate:"
$mpiexec $npflag 2 "$hcdc" evaluate "$job" --proxy "$out/condensed-random.h5" --out "$tmp/proxy-2.h5" | grep "evaluate:"
"$hcdc" validate "$tmp/proxy-2.h5"
/usr/bin/python3 - "$tmp" "$out" <<'PY'
import sys, h5py, numpy as np
from scipy import stats
tmp, out = sys.argv[1:]
def rows(path):
    with h5py.File(path, "r") as f:
        r = f["rows"]
        return {k: r[k][:] for k in ("candidate", "proxy", "seed", "score", "val_loss", "test_acc")}
def same(a, b, what):
    for k in a:
        assert np.array_equal(a[k], b[k]), f"{what}: column {k} differs"
t1 = rows(f"{tmp}/truth-1.h5")
p = int(t1["candidate"].max()) + 1
assert p == 12 and len(t1["candidate"]) == 12 * 4, "12 candidates x (2 seeds + 2 noise seeds)"
for n in ("2", "3", "4n", "2p"):
    same(t1, rows(f"{tmp}/truth-{n}.h5"), f"ground truth, 1 vs {n} ranks")
same(t1, rows(f"{out}/truth.h5"), "ground truth, 1 rank vs 3 merged slices")
p1, p2 = rows(f"{tmp}/proxy-1.h5"), rows(f"{tmp}/proxy-2.h5")
same(p1, p2, "proxy, 1 vs 2 ranks")
whole = np.array([x == b"whole" for x in t1["proxy"]])
truth = np.array([t1["score"][whole & (t1["candidate"] == c)].mean() for c in range(p)])
proxy = -p2["val_loss"]                     # proxy_score = "loss" (the default)
with h5py.File(f"{tmp}/proxy-2.h5", "r") as f:
    rho, tau = f["summary/rho"][0], f["summary/tau"][0]
    regret = f["summary/regret"][0]
assert abs(rho - stats.spearmanr(proxy, truth).correlation) < 1e-12, (rho, stats.spearmanr(proxy, truth))
assert abs(tau - stats.kendalltau(proxy, truth).correlation) < 1e-12, (tau, stats.kendalltau(proxy, truth))
assert abs(regret - (truth.max() - truth[np.argmax(proxy)])) < 1e-12
print(f"ok: identical rows on 1/2/3 ranks (shared blocks), 2 nodes of 2, 2 private ranks and 3 slices; proxy rho {rho:.3f}, tau {tau:.3f} match scipy")
PY
