/* <rtmem/arena.h> — an arena allocator that reserves address space once
 * and commits it as it grows.
 *
 * An arena hands out memory by bumping a pointer; it is given back all at
 * once (rtm_arena_reset, rtm_arena_rewind to a mark, rtm_arena_destroy),
 * never piece by piece. Memory comes from blocks: each block is one
 * reservation (rtm_reserve) committed in steps as allocations reach it;
 * when a block is full the arena chains a new one, sized for the request
 * when that is larger than the default. The arena's own header lives in
 * its first block: there is no malloc anywhere. Every OS call goes through
 * the hooked entry points of <rtmem/sys.h>.
 *
 * Threads: one arena belongs to one thread at a time (no locking inside);
 * separate arenas in separate threads need no lock.
 *
 * Configuration (struct rtm_arena_config; zero in a field means its default):
 *
 *   reserve      address space per block       64 MiB (64-bit), 4 MiB (32-bit);
 *                rounded up to the page size. When the reservation fails
 *                the arena halves it down to 64 KiB (or what the request
 *                needs), so it still works under ulimit -v or on 32-bit.
 *   commit_step  commit granularity            256 KiB, rounded up to the
 *                page size (2 MiB with RTM_ARENA_HUGEPAGES)
 *   retain       committed bytes of the first block kept across reset /
 *                rewind; the rest is decommitted. 0: keep all of the first
 *                block's committed memory (reuse costs no page fault).
 *                Later blocks always go back to the OS on reset.
 *   limit        cap on bytes handed out, alignment padding included.
 *                0: none.
 *   flags        RTM_ARENA_FIXED       one block only: no growth
 *                RTM_ARENA_GUARD       a never-committed page after each
 *                                      block, so running off the end faults
 *                RTM_ARENA_HUGEPAGES   2 MiB-aligned blocks, MADV_HUGEPAGE,
 *                                      commit in 2 MiB steps
 *   name         names each block in /proc/self/maps ("[anon:name]"),
 *                best effort; the string must outlive the arena.
 *
 * Errors: calls that allocate return NULL on failure (bad alignment,
 * overflow, limit reached, RTM_ARENA_FIXED arena full, the OS refused
 * memory) and leave the arena exactly as it was. A size that is not
 * representable once aligned (SIZE_MAX and friends) is a failure, not a
 * wrap.
 *
 * A NULL arena (a failed rtm_arena_create not checked): every call takes
 * it as "no arena" (allocating calls return NULL, rtm_arena_save an
 * all-zero mark, rtm_arena_stats all zeros, rewind, reset and destroy do
 * nothing) except rtm_arena_alloc and rtm_arena_alloc_slow, which must
 * be given a live arena: the inline path reads it before anything else,
 * and testing it there would cost every allocation.
 *
 * Sanitizers: built with AddressSanitizer, the arena poisons what it has
 * not handed out and poisons again on rewind/reset, so a use after reset is
 * reported.
 */
#ifndef RTMEM_ARENA_H
#define RTMEM_ARENA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rtm_arena rtm_arena;

#define RTM_ARENA_FIXED     0x1u
#define RTM_ARENA_GUARD     0x2u
#define RTM_ARENA_HUGEPAGES 0x4u

struct rtm_arena_config {
	size_t reserve;
	size_t commit_step;
	size_t retain;
	size_t limit;
	unsigned flags;
	const char *name;
};

/* A new arena (NULL cfg: all defaults). Reserves the first block and
 * commits its first step.
 * Returns NULL when: cfg has unknown flags; reserve is too small for the
 * arena header (less than one page is rounded up, so only overflow
 * triggers this); the OS refused every reservation down to the floor, or
 * the first commit. Nothing is left mapped on failure. */
rtm_arena *rtm_arena_create(const struct rtm_arena_config *cfg);

/* A fixed arena in caller memory: makes no OS call, ever. The header takes
 * the first bytes of buf; the rest is handed out. Destroy does nothing to
 * buf. Returns NULL when buf is NULL or len is too small for the header
 * (rtm_arena_create_in_min() bytes, after aligning buf). */
rtm_arena *rtm_arena_create_in(void *buf, size_t len);
size_t rtm_arena_create_in_min(void);

/* Gives every block back to the OS. NULL is ignored. The arena pointer and
 * everything it handed out are invalid afterwards. */
void rtm_arena_destroy(rtm_arena *a);

/* rtm_arena_alloc is an inline function with an exported definition in the
 * library too (C99 inline semantics), so FFI and function pointers work.
 * Under gnu89 inline semantics each user gets a static copy instead. */
#if defined(__GNUC_GNU_INLINE__) && !defined(__cplusplus)
#define RTM_ARENA_INLINE static inline
#else
#define RTM_ARENA_INLINE inline
#endif

/* size bytes aligned to align (a power of two; any, up to the block size).
 * size 0 is treated as 1: the result is a unique, valid pointer.
 * Returns NULL when align is 0 or not a power of two, when the size plus
 * padding overflows, when the limit would be passed, when a FIXED arena is
 * full, or when the OS refuses memory; the arena is then unchanged.
 * Inline: the common case is a handful of instructions; the rest goes to
 * rtm_arena_alloc_slow(). a must not be NULL (see Errors above). */
RTM_ARENA_INLINE void *rtm_arena_alloc(rtm_arena *a, size_t size, size_t align);

/* As rtm_arena_alloc, with the memory zeroed. Memory the arena has never
 * written since the kernel gave it over is not cleared again. */
void *rtm_arena_alloc_zeroed(rtm_arena *a, size_t size, size_t align);

/* Resizes p (old_size bytes, allocated from a with alignment align) to
 * new_size. When p is the newest allocation it grows or shrinks in place;
 * otherwise a shrink returns p unchanged and a growth allocates new memory
 * and copies old_size bytes. p NULL: as rtm_arena_alloc(a, new_size, align).
 * new_size 0 is treated as 1. Returns NULL on the same failures as
 * rtm_arena_alloc, and when p is not aligned to align; then p is untouched
 * and still valid. */
void *rtm_arena_resize(rtm_arena *a, void *p, size_t old_size, size_t new_size, size_t align);

/* A position in an arena, to rewind to. Its fields are private: the
 * position and the process-unique serial of the block it lies in. Two
 * words: x86_64, aarch64, riscv64, ppc64le and mips64 pass and return it
 * in registers; i386 and s390x pass and return it in memory, 32-bit arm
 * passes it in registers and returns it in memory. */
struct rtm_arena_mark {
	char *ptr_;
	size_t serial_;
};

struct rtm_arena_mark rtm_arena_save(rtm_arena *a);

/* Frees everything allocated after m was saved. Blocks chained after m's
 * block go back to the OS; in m's block, committed memory past the retain
 * budget is decommitted. A mark may be used any number of times.
 * Ignored, with the arena unchanged: a mark from another arena (or a
 * destroyed one), a mark whose block has been released, and a mark past
 * the arena's current position (the arena was rewound to before it and
 * has not grown past it again). Not detected: a mark taken before a
 * rewind to an earlier point, once the arena has grown past it again;
 * rewinding there frees what was allocated since that point, as any
 * rewind does, including allocations made after the earlier rewind. */
void rtm_arena_rewind(rtm_arena *a, struct rtm_arena_mark m);

/* Frees everything: rewinds to the start of the first block. */
void rtm_arena_reset(rtm_arena *a);

struct rtm_arena_stats {
	size_t used;      /* bytes handed out now, alignment padding included */
	size_t committed; /* bytes committed in all blocks */
	size_t reserved;  /* address space reserved by all blocks */
	size_t peak;      /* the largest `used` seen */
	size_t blocks;    /* blocks in the chain */
};
struct rtm_arena_stats rtm_arena_stats(const rtm_arena *a);

/* The out-of-line part of rtm_arena_alloc: everything the inline window
 * cannot serve. Callable directly; same contract as rtm_arena_alloc (a
 * must not be NULL). */
void *rtm_arena_alloc_slow(rtm_arena *a, size_t size, size_t align);

/* Every arena begins with this window: the free bytes (last, end) that
 * the inline path may hand out without asking the slow path. last is the
 * last byte handed out (the bump pointer minus one), so that the inline
 * path stores the last byte of the new allocation, which it computes for
 * its overflow check anyway. end already accounts for the commit frontier
 * and the limit, so the inline path checks nothing else. Private: read
 * only by rtm_arena_alloc. */
struct rtm_arena_window_ {
	uintptr_t last;
	uintptr_t end;
};

RTM_ARENA_INLINE void *rtm_arena_alloc(rtm_arena *a, size_t size, size_t align)
{
	struct rtm_arena_window_ *w = (struct rtm_arena_window_ *)(void *)a;
	/* The bump pointer last + 1, aligned up. */
	uintptr_t p = (w->last + align) & ~(uintptr_t)(align - 1);
	uintptr_t last; /* address of the last byte handed out */

	/* A bump, as one would write it by hand, made safe by one overflow
	 * check: p + (size - 1) carries for size 0 (p is never 0) and for
	 * any size that would wrap. p itself cannot wrap: the window lies in
	 * user space, which never reaches the top page, and the inline path
	 * takes only alignments up to 4096 (align 0 fails that test too).
	 * A constant align folds both align tests away. */
	if (__builtin_expect((align & (align - 1)) == 0 && align - 1 < 4096 &&
	                             !__builtin_add_overflow(p, size - 1, &last) && last < w->end,
	                     1)) {
		w->last = last;
		if (!p)
			__builtin_unreachable(); /* lets callers drop their NULL check here */
		return (void *)p;
	}
	return rtm_arena_alloc_slow(a, size, align);
}

#ifdef __cplusplus
}
#endif

#endif
