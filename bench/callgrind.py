"""Shared by the callgrind scripts of bench/: run one variant of a benchmark
program under callgrind, and read back its instruction totals."""
import os
import re
import shutil
import subprocess
import sys


def callgrind(valgrind, prog, variant, n, outdir, who):
    """Total Ir of `prog --count n --variant variant`, and the output file."""
    out = os.path.join(outdir, "cg.%s.%d" % (variant, n))
    cmd = [valgrind, "--tool=callgrind", "--callgrind-out-file=" + out,
           prog, "--count", str(n), "--variant", variant]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    if r.returncode != 0:
        sys.exit("%s: %s failed:\n%s" % (who, " ".join(cmd), r.stderr))
    with open(out) as f:
        for line in f:
            m = re.match(r"(?:summary|totals):\s+(\d+)", line)
            if m:
                return int(m.group(1)), out
    sys.exit("%s: no totals in %s" % (who, out))


def detail(out, n, limit, min_ir):
    """Self Ir per operation of the costliest functions in one run, those
    with at least min_ir instructions in all."""
    annotate = shutil.which("callgrind_annotate")
    if not annotate:
        return ["    (callgrind_annotate not found)"]
    r = subprocess.run([annotate, "--threshold=100", out], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    rows = []
    for line in r.stdout.splitlines():
        m = re.match(r"\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(\S.*)$", line)
        if not m or ":" not in m.group(2) or "PROGRAM TOTALS" in line:
            continue
        ir = int(m.group(1).replace(",", ""))
        if ir >= min_ir:
            name = re.sub(r"\s*\[.*\]$", "", m.group(2))
            rows.append("    %8.2f  %s" % (ir / n, name))
    return rows[:limit]
