#!/usr/bin/env python3
"""Fails unless a PE program imports from KERNEL32.dll alone.

usage: core_imports.py OBJDUMP PROGRAM
"""
import subprocess
import sys


def main(objdump, prog):
    out = subprocess.run([objdump, "-p", prog], stdout=subprocess.PIPE,
                         universal_newlines=True, check=True).stdout
    dlls = [l.split(":", 1)[1].strip() for l in out.splitlines() if "DLL Name:" in l]
    print("imports from:", ", ".join(dlls) or "nothing")
    return 0 if [d.upper() for d in dlls] == ["KERNEL32.DLL"] else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
