#!/usr/bin/env python3
"""Writes the hand-made seeds of the stack pool's harness in corpus_stack/
(they are committed; rerun this after changing the input format in
fuzz_stack.c).

Each seed is a short program in the harness's byte language, spelled with
the helpers below so it can be read. Files the fuzzer found and that were
kept (regress-*) are left alone. The fuzz_stack_corpus test runs every file
in corpus_stack/ in every build, on Linux and under Wine.

Refusal masks count the calls the refusing route may refuse (fuzz_hooks.h),
which differ between the systems: on Linux a pool's header is a reserve and
a commit, a chunk a reserve and two commits (its header, its first stack),
a fresh slot a commit, a purge one madvise; on Windows the same, but a
purge is a decommit and a commit. A refused purge is followed by a commit
of the range back, and that refused too by a decommit that retires the
slot. No seed here refuses that decommit: the pool then counts the stack
out of its committed bytes while rtm_vm_stats keeps it, and hands the slot
out again as fresh with its old bytes (a defect found by this harness,
reported, not fixed), and the committed corpus must pass."""
import os
import sys

RAW, LIBC, REFUSING = 0, 1, 2


def route(kind, mask=0):
    return bytes([kind]) + (mask.to_bytes(4, "little") if kind == REFUSING else b"")


def mask(*calls):
    """Refuses the given call numbers (counted from 0, mod 32)."""
    m = 0
    for c in calls:
        m |= 1 << (c % 32)
    return m


def config(size=4, short=0, big=False, guard=1, guard_bytes=0, keep=None, keep_bytes=0,
           limit=None, zero=False, name=False, bad_flag=False):
    """size: pages (0: the default 256 KiB; big: four times as many),
    short * 97 bytes below them; guard: pages (0 with guard_bytes: that
    many 67-byte units), keep: pages plus keep_bytes * 301 (None: the
    default 16 KiB); limit: a byte (0: none)."""
    b = (4 if zero else 0) | (8 if name else 0) | (0x10 if limit is not None else 0)
    b |= 0xE0 if bad_flag else 0
    s = size | short << 4 | (0x80 if big else 0)
    g = guard | guard_bytes << 3
    k = 0 if keep is None else keep | keep_bytes << 5
    assert keep is None or k != 0
    return bytes([b, s, g, k]) + (bytes([limit]) if limit is not None else b"")


def null_config():
    return bytes([2])


def far(sel, zero=False):
    """0: size 2^57 (past PTRDIFF_MAX on 32-bit), 1: such a guard: created,
    every acquire RTM_ENOMEM. 2, 3, 4: size, guard, keep near SIZE_MAX,
    5: size + guard overflows: creating fails."""
    return bytes([3 | (4 if zero else 0), sel])


def op(code, pool=0):
    return bytes([code | pool << 4])


def new_pool(cfg, pool=0):
    """Any operation on an empty slot creates a pool there."""
    return op(0, pool) + cfg


def acquire(pool=0):
    return op(0, pool)


def acquire_n(n, pool=0):
    return op(3, pool) + bytes([n - 1])


def release(pick=0, pool=0):
    return op(4, pool) + bytes([pick])


CACHED, LO, HI, BOTH, STRANGER, OTHER_POOL, GHOST, EMPTY, HEADER, EDGE = range(10)
# Deltas for LO, HI, BOTH: +1, -1, +page, -page, +slot, -slot, +guard, -guard.
D1, DM1, DPAGE, DMPAGE, DSLOT, DMSLOT, DGUARD, DMGUARD = range(8)


def invalid(variant, pick=0, d=0, pool=0):
    return op(6, pool) + bytes([variant, pick, d])


def write(pick, depth, pool=0):
    return op(7, pool) + bytes([pick, depth])


def bytes_(n):
    return (n - 1) << 3


KEEP, KEEP_PAGE, KEEP_M1, SIZE = 1, 2, 3, 4


def pages(n):
    return (n - 1) << 3 | 5


def frac(k):
    """k/31 of the size."""
    return k << 3 | 6


def reacquire(pick=0, pool=0):
    return op(8, pool) + bytes([pick])


FORWARD, REVERSE, EVERY_OTHER, FIRST = range(4)


def release_many(mode=FORWARD, count=0, pool=0):
    return op(9, pool) + bytes([mode | count << 2])


def verify(pool=0):
    return op(10, pool)


def nulls(pool=0):
    return op(11, pool)


def destroy(pool=0):
    return op(12, pool)


def write_all(n, depth, pool=0):
    return b"".join(write(k, depth, pool) for k in range(n))


SEEDS = {
    # Acquire, write, release, reuse.
    "seed-basic": route(RAW) + config(size=4, keep=2)
    + acquire() + acquire() + acquire() + write_all(3, SIZE)
    + release(1) + acquire() + write(2, KEEP_PAGE) + verify() + release_many(),
    # No configuration at all: 256 KiB stacks, 16 KiB kept.
    "seed-defaults": route(RAW) + null_config()
    + acquire() + acquire() + write(0, SIZE) + write(1, KEEP_PAGE)
    + release(0) + reacquire(0) + reacquire(1) + verify(),
    # RTM_STACK_ZERO: the kept part cleared by hand, the rest purged.
    "seed-zero": route(RAW) + config(size=8, keep=2, zero=True)
    + acquire() + write(0, SIZE) + release(0) + acquire() + write(0, KEEP)
    + reacquire(0) + write(0, KEEP_M1) + reacquire(0),
    # RTM_STACK_ZERO with nothing to purge: all of it cleared by hand.
    "seed-zero-keep-all": route(RAW) + config(size=3, keep=5, zero=True)
    + acquire() + acquire() + write_all(2, SIZE) + release(0) + release(0)
    + acquire() + acquire(),
    # keep_resident at least the size: no purge, and the bytes stay.
    "seed-keep-all": route(RAW) + config(size=2, short=3, keep=2)
    + acquire() + write(0, SIZE) + reacquire(0) + write(0, bytes_(10)) + reacquire(0),
    # The kept part keeps its holder's bytes; the rest reads zero.
    "seed-keep-part": route(RAW) + config(size=6, keep=1, keep_bytes=3)
    + acquire() + write(0, SIZE) + reacquire(0) + write(0, KEEP_PAGE) + reacquire(0)
    + write(0, frac(20)) + reacquire(0),
    # Depths around keep_resident.
    "seed-write-depths": route(RAW) + config(size=8, keep=3)
    + acquire() + b"".join(write(0, d) + reacquire(0)
                           for d in (bytes_(1), bytes_(32), KEEP_M1, KEEP, KEEP_PAGE,
                                     pages(5), frac(31), SIZE)),
    # A limit: acquires past it are RTM_ENOMEM until one is released.
    "seed-limit": route(RAW) + config(size=2, keep=1, limit=3)
    + acquire_n(5) + write_all(3, SIZE) + release(1) + acquire() + acquire()
    + release_many(REVERSE) + acquire_n(4),
    "seed-limit-one": route(RAW) + config(size=1, keep=1, limit=1)
    + acquire() + acquire() + reacquire(0) + acquire() + release(0) + release(0),
    # More than one chunk's slots (a word's worth): a second reservation.
    "seed-two-chunks": route(RAW) + config(size=1, keep=1)
    + acquire_n(70) + write(65, SIZE) + write(3, SIZE)
    + release_many(EVERY_OTHER) + acquire_n(40) + release_many(REVERSE) + acquire_n(70),
    # A limit past one chunk: the second sized to what the limit leaves.
    "seed-chunk-limit": route(RAW) + config(size=1, keep=1, limit=70)
    + acquire_n(72) + release_many(FIRST, 9) + acquire_n(12),
    # Releases the pool must refuse, each with the counters unchanged.
    "seed-double-release": route(RAW) + config(size=3, keep=1)
    + acquire() + acquire() + write(0, SIZE) + release(0)
    + invalid(CACHED) + invalid(CACHED, 0) + release(0) + invalid(CACHED, 1)
    + acquire() + invalid(CACHED) + verify(),
    "seed-changed-lo": route(RAW) + config(size=3, guard=2, keep=1)
    + acquire() + acquire() + acquire() + write(1, SIZE)
    + b"".join(invalid(LO, 1, d) for d in range(8)) + verify(),
    "seed-changed-hi": route(RAW) + config(size=3, guard=2, keep=1)
    + acquire() + acquire() + acquire() + write(1, SIZE)
    + b"".join(invalid(HI, 1, d) for d in range(8)) + verify(),
    # Moved by a whole slot, a stack lands on its neighbour: that one is
    # released (not caught, as stack.h says), or refused if cached.
    "seed-changed-both": route(RAW) + config(size=3, guard=2, keep=1)
    + acquire() + acquire() + acquire() + write_all(3, KEEP_PAGE)
    + b"".join(invalid(BOTH, 1, d) for d in range(8)) + invalid(BOTH, 0, DSLOT)
    + acquire() + verify(),
    "seed-stranger": route(RAW) + config(size=4, keep=1)
    + acquire() + invalid(STRANGER) + invalid(HEADER) + invalid(EDGE, 0, 0)
    + invalid(EDGE, 0, 1) + invalid(EMPTY, 0, 0) + invalid(EMPTY, 0, 1) + verify(),
    # Two pools of the same shape: each refuses the other's stacks.
    "seed-other-pool": route(RAW) + config(size=2, keep=1)
    + new_pool(config(size=2, keep=1), pool=1)
    + acquire() + acquire(pool=1) + acquire(pool=1) + write(0, SIZE) + write(0, SIZE, pool=1)
    + invalid(OTHER_POOL, 0) + invalid(OTHER_POOL, 1) + invalid(OTHER_POOL, 0, pool=1)
    + release(0, pool=1) + invalid(OTHER_POOL, 0) + verify() + verify(pool=1),
    # A destroyed pool's stacks are strangers; a new pool may map over them.
    "seed-ghost": route(RAW) + config(size=2, keep=1)
    + new_pool(config(size=2, keep=1), pool=1) + acquire(pool=1) + acquire(pool=1)
    + destroy(pool=1) + invalid(GHOST, 0) + invalid(GHOST, 1)
    + new_pool(config(size=2, keep=1), pool=1) + acquire(pool=1) + invalid(GHOST, 0)
    + invalid(GHOST, 0, pool=1) + acquire(),
    "seed-nulls": route(RAW) + config(size=2) + nulls() + acquire() + nulls() + release()
    + nulls(),
    # Slots no address space holds: created, every acquire RTM_ENOMEM.
    "seed-far-size": route(RAW) + far(0) + acquire() + acquire_n(3) + nulls()
    + invalid(STRANGER) + destroy() + new_pool(config(size=1)) + acquire(),
    "seed-far-guard": route(RAW) + far(1, zero=True) + acquire() + reacquire()
    + new_pool(far(0), pool=1) + acquire(pool=1),
    # Sizes whose rounding overflows, and an unknown flag: no pool.
    "seed-overflow": route(RAW) + far(2) + new_pool(far(3)) + new_pool(far(4))
    + new_pool(far(5)) + new_pool(far(2 + 6 * 9)) + new_pool(config(bad_flag=True))
    + new_pool(config(size=1, keep=1)) + acquire(),
    # Odd sizes, many-page guards, named pools.
    "seed-shapes": route(RAW) + config(size=5, short=7, guard=7, guard_bytes=31, keep=0,
                                       keep_bytes=7, name=True)
    + acquire_n(3) + write_all(3, SIZE) + release_many()
    + new_pool(config(size=3, guard=0, guard_bytes=1, keep=9, name=True, zero=True), pool=1)
    + acquire_n(3, pool=1) + write(2, SIZE, pool=1) + reacquire(2, pool=1),
    "seed-big": route(RAW) + config(size=15, big=True, guard=4)
    + acquire_n(4) + write(0, SIZE) + write(1, frac(3)) + release_many(EVERY_OTHER)
    + acquire() + verify(),
    # Destroying a pool with stacks held and cached, then a new one.
    "seed-destroy-held": route(RAW) + config(size=2, keep=1)
    + acquire_n(5) + release(2) + write(0, SIZE) + destroy()
    + new_pool(config(size=2, keep=1, zero=True)) + acquire_n(3) + destroy()
    + new_pool(null_config()) + acquire(),
    # Through libc's mmap and madvise.
    "seed-libc": route(LIBC) + config(size=6, keep=2, zero=True)
    + acquire_n(4) + write_all(4, SIZE) + release_many() + acquire_n(5)
    + new_pool(config(size=4, keep=1), pool=1) + acquire(pool=1) + write(0, SIZE, pool=1)
    + reacquire(0, pool=1),
    # Refused: the header's reservation, then its commit (no pool either
    # time); the third try creates one.
    "seed-refuse-create": route(REFUSING, mask(0, 2))
    + config(size=2) + new_pool(config(size=2)) + new_pool(config(size=2, keep=1))
    + acquire() + acquire(),
    # Refused: a chunk's reservation, then its header's commit, then its
    # first stack's commit; the pool unchanged each time.
    "seed-refuse-chunk": route(REFUSING, mask(2, 4, 8))
    + config(size=2, keep=1) + acquire() + acquire() + acquire() + acquire() + acquire(),
    # Refused: a fresh slot's commit; the slot stays free for the next.
    "seed-refuse-fresh": route(REFUSING, mask(6))
    + config(size=2, keep=1) + acquire() + acquire() + acquire() + acquire() + acquire(),
    # Refused: a purge (Linux: the madvise; Windows: the decommit). The
    # release says so and caches the stack, resident as its holder left it.
    "seed-refuse-purge": route(REFUSING, mask(5))
    + config(size=4, keep=1) + acquire() + write(0, SIZE) + release(0)
    + acquire() + write(0, frac(17)) + release(0) + acquire(),
    # The same under RTM_STACK_ZERO: cleared by hand instead.
    "seed-refuse-zero-purge": route(REFUSING, mask(5))
    + config(size=4, keep=1, zero=True) + acquire() + write(0, SIZE) + release(0)
    + acquire() + write(0, SIZE) + release(0) + acquire(),
    # A cached stack makes no OS call, so nothing can refuse it.
    "seed-refuse-cached": route(REFUSING, mask(*range(5, 32)))
    + config(size=2, keep=2) + acquire() + write(0, SIZE) + release(0)
    + acquire() + reacquire(0) + reacquire(0) + acquire(),
    # Refused: the purge's second call on Windows (the commit after its
    # decommit), which the commit back makes good; on Linux the second
    # release's madvise. Cached either way.
    "seed-refuse-purge-commit": route(REFUSING, mask(6))
    + config(size=4, keep=1) + acquire() + write(0, SIZE) + release(0)
    + acquire() + write(0, SIZE) + release(0) + acquire() + write(0, KEEP) + release(0),
    # Refused: the purge and the commit back. The slot goes back unused
    # and decommitted; the next acquire takes it as fresh, zero.
    "seed-retire": route(REFUSING, mask(5, 6))
    + config(size=4, keep=1) + acquire() + write(0, SIZE) + release(0)
    + acquire() + acquire() + write(0, SIZE) + write(1, KEEP) + release(1) + release(0)
    + acquire() + acquire(),
    # A limit of one: a chunk of one slot, which the next acquire must
    # take again once retired, not a new chunk.
    "seed-retire-limit": route(REFUSING, mask(5, 6))
    + config(size=4, keep=1, limit=1) + acquire() + write(0, SIZE) + release(0)
    + acquire() + write(0, SIZE) + release(0) + acquire(),
    "seed-retire-zero": route(REFUSING, mask(6, 7))
    + config(size=3, keep=2, zero=True) + acquire() + write(0, SIZE) + release(0)
    + acquire() + write(0, SIZE) + release(0) + acquire() + acquire(),
    # Limit before refusal: a pool at its limit makes no call to refuse.
    "seed-refuse-limit": route(REFUSING, mask(5, 6, 7))
    + config(size=1, keep=1, limit=2) + acquire() + acquire() + acquire() + acquire()
    + acquire() + acquire(),
}


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus_stack")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print(f"{len(SEEDS)} seeds in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
