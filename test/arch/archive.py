#!/usr/bin/env python3
"""librtmem.a must be closed: every symbol one of its members needs is
defined by a member, so it links with no libc and no libgcc.

usage: archive.py NM ARCHIVE
"""
import re
import subprocess
import sys

# Provided by the linker itself, not by any library: the GOT base (i386
# PIC), the TOC base (ppc64), the gp anchors (riscv, mips).
LINKER_DEFINED = {"_GLOBAL_OFFSET_TABLE_", ".TOC.", "__global_pointer$", "_gp", "_gp_disp"}
# ppc64 at -Os saves and restores registers through out-of-line routines
# (_savegpr0_21, _restfpr_14, ...) that GNU ld synthesizes on demand.
PPC64_SAVE_RESTORE = re.compile(r"_(save|rest)(gpr[01]|fpr|vr)_\d+")

# The archive is known to define these; if nm reports none of them, the
# wrong nm (or archive) is at work and an empty answer means nothing.
MUST_DEFINE = {"rtm_sys_mmap", "rtm_mmap", "rtm_set_hooks"}


def nm(tool, archive, *flags):
    out = subprocess.run([tool, "-A", "-P", *flags, archive], check=True,
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        # "archive[member.o]: name type [value size]"
        where, _, rest = line.partition(": ")
        # A nameless entry is no symbol to link: sparc64's STT_REGISTER
        # entries (gcc's ".register %g2, #scratch") are undefined and have
        # no name, and nm prints them so.
        if rest.startswith(" "):
            continue
        fields = rest.split()
        if fields:
            yield where, fields[0]


def main(tool, archive):
    defined = {name for _, name in nm(tool, archive, "-g", "--defined-only")}
    needed = list(nm(tool, archive, "-u"))

    absent = MUST_DEFINE - defined
    if absent:
        print(f"{archive}: {tool} lists no {', '.join(sorted(absent))}: cannot judge")
        return 1
    missing = sorted({(name, where) for where, name in needed
                      if name not in defined and name not in LINKER_DEFINED
                      and not PPC64_SAVE_RESTORE.fullmatch(name)})
    for name, where in missing:
        print(f"{where} needs {name}, which librtmem.a does not define")
    print(f"{len(defined)} symbols defined, {len(missing)} needed from outside")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
