#!/usr/bin/env python3
"""Every system call per function, by variant, counted by strace natively.

Runs `code_bench --count N --variant V` and `--count 2N` under strace -f -c
for each variant and takes, per system call,

    per function = (calls(2N) - calls(N)) / N / functions per op

which cancels start-up, the regions' creation and the warm-up op. This
sees what code_calls cannot through the hooks: membarrier, and the
flush's system call where the architecture has one (arm, riscv64,
mips64; none on x86). strace slows each call down: the counts hold, the
times do not (code_bench times).

Usage: strace_code.py [--count N] path/to/code_bench
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

VARIANTS = [("mmap", 1), ("flip", 1), ("dual", 1), ("flip-b16", 16), ("dual-b16", 16),
            ("mmap-patch", 1), ("flip-patch", 1), ("dual-patch", 1), ("none", 1)]


def counts(strace, prog, variant, n, tmp):
    out = os.path.join(tmp, "st.%s.%d" % (variant, n))
    cmd = [strace, "-f", "-c", "-o", out, prog, "--count", str(n), "--variant", variant]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    if r.returncode != 0:
        sys.exit("strace_code: %s failed:\n%s" % (" ".join(cmd), r.stderr))
    c = {}
    with open(out) as f:
        for line in f:
            t = line.split()
            # % time, seconds, usecs/call, calls, [errors], syscall
            if len(t) in (5, 6) and t[3].isdigit() and t[-1] != "total":
                c[t[-1]] = int(t[3])
    return c


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=2000, help="N")
    ap.add_argument("prog")
    a = ap.parse_args()
    strace = shutil.which("strace")
    if not strace:
        sys.exit("strace_code: strace not found")
    n = a.count
    print("system calls per function, strace -f -c, (calls(2N)-calls(N))/N, N=%d ops" % n)
    with tempfile.TemporaryDirectory(prefix="st-code-") as tmp:
        for v, per in VARIANTS:
            c1 = counts(strace, a.prog, v, n, tmp)
            c2 = counts(strace, a.prog, v, 2 * n, tmp)
            per_fn = {k: (c2.get(k, 0) - c1.get(k, 0)) / n / per for k in set(c1) | set(c2)}
            per_fn = {k: x for k, x in per_fn.items() if abs(x) >= 0.005}
            total = sum(per_fn.values())
            detail = ", ".join("%s %.3g" % (k, per_fn[k]) for k in sorted(per_fn))
            print("  %-11s %6.3f  %s" % (v, total, detail or "-"))


if __name__ == "__main__":
    main()
