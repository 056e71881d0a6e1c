#!/usr/bin/env python3
"""Strips a copy of the demo and reports its size; fails past a limit.

usage: size.py STRIP PROGRAM ARCH LIMIT      (LIMIT 0: none)

Stripped as `strip --strip-all --remove-section=.comment`: the compiler's
version strings (.comment) are not part of the program either. A Windows
program (PE) also gets what its bytes are: the headers, then each section
as its contents and the padding to the file alignment after them."""
import os
import shutil
import struct
import subprocess
import sys
import tempfile


def pe_layout(data):
    """'headers H, .text T (+P), ...' for a PE image, None for anything else."""
    if data[:2] != b"MZ":
        return None
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe:pe + 4] != b"PE\0\0":
        return None
    nsections, = struct.unpack_from("<H", data, pe + 6)
    opt_size, = struct.unpack_from("<H", data, pe + 20)
    opt = pe + 24
    # SizeOfHeaders is at the same offset in PE32 and PE32+.
    size_of_headers, = struct.unpack_from("<I", data, opt + 60)
    parts = [f"headers {size_of_headers}"]
    for i in range(nsections):
        sh = opt + opt_size + 40 * i
        name = data[sh:sh + 8].rstrip(b"\0").decode("ascii", "replace")
        vsize, _, raw_size = struct.unpack_from("<III", data, sh + 8)
        used = min(vsize, raw_size)
        parts.append(f"{name} {used} (+{raw_size - used})")
    return ", ".join(parts)


def main(strip, binary, arch, limit):
    limit = int(limit)
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "demo")
        shutil.copy(binary, copy)
        subprocess.run([strip, "--strip-all", "--remove-section=.comment", copy], check=True)
        with open(copy, "rb") as f:
            data = f.read()
    layout = pe_layout(data)
    print(f"rtmem-demo stripped size on {arch}: {len(data)} bytes"
          + (f" (limit {limit})" if limit else "")
          + (f": {layout}" if layout else ""))
    return 1 if limit and len(data) > limit else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
