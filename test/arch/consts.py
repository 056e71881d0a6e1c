#!/usr/bin/env python3
"""Fails when a kernel constant defined in arch/*.h, include/rtmem/*.h or
sys/linux/open_flags.h or sys/linux/code_flags.h is not checked in consts.c, so a constant added later
cannot go unchecked.

usage: consts.py SOURCE_ROOT CONSTS_C
"""
import pathlib
import re
import sys

# The families that mirror kernel/libc numbers (RTM_MMAP2_SHIFT and other
# rtmem-internal switches do not match).
KERNEL_CONSTANT = re.compile(
    r"^\s*#\s*define\s+(RTM_(?:NR|PROT|MAP|MADV|MS|PR|O|AT|MFD|F|MEMBARRIER)_\w+|RTM_E[A-Z0-9]+)\b", re.M)
CHECKED = re.compile(r"\bSAME\(\s*(RTM_\w+)\s*,")


def main(root, consts_c):
    root = pathlib.Path(root)
    headers = (sorted(root.glob("arch/*.h")) + sorted(root.glob("include/rtmem/*.h"))
               + [root / "sys/linux/open_flags.h", root / "sys/linux/code_flags.h"])
    defined = {}
    for h in headers:
        for name in KERNEL_CONSTANT.findall(h.read_text()):
            defined.setdefault(name, h.relative_to(root))
    checked = set(CHECKED.findall(pathlib.Path(consts_c).read_text()))

    if len(defined) < 30:
        print(f"only {len(defined)} constants found under {root}: wrong directory?")
        return 1
    missing = sorted(set(defined) - checked)
    for name in missing:
        print(f"not ok - {name} ({defined[name]}) is not checked in consts.c")
    print(f"{len(defined) - len(missing)} of {len(defined)} constants are checked in consts.c")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
