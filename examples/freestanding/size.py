#!/usr/bin/env python3
"""Strips a copy of the demo and reports its size; fails past a limit.

Stripped as `strip --strip-all --remove-section=.comment`: the compiler's
version strings (.comment) are not part of the program either."""
import os
import shutil
import subprocess
import sys
import tempfile

strip, binary, arch, limit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
with tempfile.TemporaryDirectory() as tmp:
    copy = os.path.join(tmp, "demo")
    shutil.copy(binary, copy)
    subprocess.run([strip, "--strip-all", "--remove-section=.comment", copy], check=True)
    size = os.path.getsize(copy)
print(f"rtmem-demo stripped size on {arch}: {size} bytes" + (f" (limit {limit})" if limit else ""))
sys.exit(1 if limit and size > limit else 0)
