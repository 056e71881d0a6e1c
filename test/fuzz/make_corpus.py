#!/usr/bin/env python3
"""Writes the hand-made seeds in corpus/ (they are committed; rerun this
after changing the input format in fuzz_arena.c and fuzz_input.h).

Each seed is a short program in the harness's byte language, spelled with
the helpers below so it can be read. regress-* files are findings that
were fixed: some are spelled here, others are the fuzzer's own inputs,
kept as found (this script leaves them alone). The corpus replay test
runs every file in corpus/ in every build."""
import os
import sys

RAW, LIBC, REFUSING = 0, 1, 2
FIXED, GUARD, HUGE = 1, 2, 4


def route(kind, mask=0):
    return bytes([kind]) + (mask.to_bytes(4, "little") if kind == REFUSING else b"")


def config(reserve=0, step=0, retain=0, flags=0, limit=None, name=False, null_cfg=False):
    """reserve in units of 128 bytes, step in 4 KiB, retain in 8 KiB,
    limit: (v << 1) | 1 for small, v << 1 for v * 512 bytes."""
    b = (2 if null_cfg else 0) | flags << 2 | (0x40 if name else 0) | (0x80 if limit is not None else 0)
    out = bytes([b]) + reserve.to_bytes(2, "little") + bytes([step, retain])
    return out + (limit.to_bytes(2, "little") if limit is not None else b"")


def create_in(off, length_units32):
    return bytes([3, off]) + (length_units32 << 1).to_bytes(2, "little")


def size(n):
    """A size the reader gives back exactly: 1 byte for <32, else u16/u24."""
    if n < 32:
        return bytes([n << 3])
    if n < 1 << 16:
        return bytes([2]) + n.to_bytes(2, "little")
    return bytes([3]) + n.to_bytes(3, "little")


SIZE_MAX = bytes([5, 0])          # SIZE_MAX - 0
LIMIT_EDGE = bytes([7, 0])        # exactly what the limit leaves


def align(log2=None, zero=False, odd=None):
    if zero:
        return bytes([5 << 5])
    if odd is not None:
        return bytes([6 << 5 | odd])  # index into fz_align's table
    if log2 > 15:
        return bytes([4 << 5 | (log2 - 12)])  # 2^12 .. 2^22
    return bytes([log2])


def op(code, arena=0, extra=0):
    return bytes([code | arena << 4 | extra << 5])


def alloc(n, lg=3, arena=0):
    return op(0, arena) + size(n) + align(lg)


def zeroed(n, lg=3, arena=0):
    return op(4, arena) + size(n) + align(lg)


def resize(pick, n, variant=0, arena=0):
    return op(5, arena) + bytes([pick]) + size(n) + bytes([variant])


def repeat(count, n, lg=3, arena=0):
    return op(7, arena) + bytes([count - 1]) + size(n) + align(lg)


def save(slot, arena=0):
    return op(8, arena) + bytes([slot])


def rewind(slot, arena=0):
    return op(10, arena) + bytes([slot])


def reset(arena=0):
    return op(12, arena)


def destroy(arena=0):
    return op(14, arena)


SEEDS = {
    # Defaults, a few sizes, a reset.
    "seed-basic": route(RAW) + config(null_cfg=True)
    + alloc(1) + alloc(100) + zeroed(5000) + alloc(0, 0) + reset() + alloc(64, 6),
    # Small blocks: chaining, marks across blocks, rewinds, resize by copy.
    "seed-chain-rewind": route(RAW) + config(reserve=512, step=4, retain=2)
    + alloc(1000) + save(0) + repeat(20, 9000) + save(1) + alloc(30000, 12)
    + rewind(1) + resize(0, 40000) + rewind(0) + rewind(1) + reset(),
    # A limit, hit exactly, then past it.
    "seed-limit": route(RAW) + config(reserve=2048, limit=(100 << 1))
    + alloc(1000) + op(0) + LIMIT_EDGE + align(0) + alloc(1) + reset(),
    # Every flag, huge and bad requests.
    "seed-flags": route(RAW) + config(reserve=32768, flags=FIXED | GUARD | HUGE, name=True)
    + op(0) + SIZE_MAX + align(3) + op(0) + size(10) + align(zero=True)
    + op(0) + size(10) + align(odd=0) + alloc(3 << 20, 21) + alloc(2 << 20, 12) + reset(),
    # Caller memory, and a second arena whose marks are foreign to the first.
    "seed-create-in": route(RAW) + create_in(3, 200)
    + alloc(100) + save(0) + alloc(2000) + rewind(0)
    + op(0, 1) + config(reserve=64) + alloc(10, arena=1) + save(1, arena=1)
    + rewind(1) + rewind(0, arena=1) + destroy(0) + destroy(1),
    # Through libc's mmap; in-place growth and shrink of the newest.
    "seed-libc-resize": route(LIBC) + config(reserve=1024, step=1)
    + alloc(10) + resize(0, 5000) + resize(0, 3) + save(2) + resize(0, 70000) + rewind(2),
    # Every third OS call refused.
    "seed-refusing": route(REFUSING, 0x24924924) + config(reserve=256, step=1, retain=1)
    + repeat(30, 7000) + reset() + repeat(10, 20000, 12) + destroy(),
    # A mark from before a reset, once the arena has grown past it again:
    # undetectable, so arena.h defines it as a rewind there.
    "seed-stale-mark-regrown": route(RAW) + config(reserve=64)
    + alloc(100) + save(0) + reset() + rewind(0) + alloc(200) + rewind(0)
    + alloc(50) + save(1) + alloc(10) + rewind(1) + rewind(0),
    # Found by the fuzzer: a mark saved in a destroyed arena was taken by
    # a new arena created at the same address (block serials restarted).
    "regress-dead-arena-mark": route(RAW) + config(reserve=8)
    + alloc(100) + save(0) + alloc(100) + destroy()
    + op(0) + config(reserve=8) + alloc(100) + alloc(100) + alloc(100) + rewind(0),
}


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print(f"{len(SEEDS)} seeds in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
