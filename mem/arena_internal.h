/* Internal: the arena's layout, shared by the files of mem/. */
#ifndef RTM_MEM_ARENA_INTERNAL_H
#define RTM_MEM_ARENA_INTERNAL_H

#include <rtmem/arena.h>
#include <rtmem/vm.h>

#include "poison.h"

/* Set in rtm_arena.flags for an arena placed by rtm_arena_create_in:
 * it owns no mapping and makes no OS call. */
#define RTM_ARENA_IN_PLACE_ 0x80000000u
#define RTM_ARENA_PUBLIC_FLAGS (RTM_ARENA_FIXED | RTM_ARENA_GUARD | RTM_ARENA_HUGEPAGES)

#define RTM_HUGE_PAGE ((size_t)2 << 20)

/* One reservation. Its header sits at its start, except for the first
 * block, whose header is embedded in the arena header at the start of the
 * same reservation. All addresses are uintptr_t: the arena does pointer
 * arithmetic across its own reservation only. */
struct rtm_arena_block {
	struct rtm_arena_block *prev; /* the older block, NULL for the first */
	uintptr_t base;               /* start of the reservation */
	uintptr_t data;               /* first byte handed out */
	uintptr_t last;               /* the window's last when the block was left;
	                                 read only while a newer block exists */
	uintptr_t commit_end;         /* [base, commit_end) is committed */
	uintptr_t usable_end;         /* data ends here; a guard page may follow */
	uintptr_t dirty_end;          /* below: written since committed; above:
	                                 still the kernel's zero pages (0 in a
	                                 fresh block: no data written) */
	size_t size;                  /* reservation length, guard page included */
	size_t used_before;           /* bytes handed out in all older blocks */
	size_t serial;                /* unique in the process: tells a live block from
	                                 a reused address, in any arena */
};

/* The block header, rounded so data after it starts 16-byte aligned. */
#define RTM_BLOCK_HDR ((sizeof(struct rtm_arena_block) + 15) & ~(size_t)15)

struct rtm_arena {
	struct rtm_arena_window_ win; /* first: read by the inline fast path */
	struct rtm_arena_block *cur;  /* the newest block, where the bump pointer lives */
	struct rtm_arena_block *spare; /* blocks whose release failed, retried later */
	size_t reserve, commit_step, retain, limit;
	size_t peak;
	size_t chained; /* blocks after the first */
	size_t committed, reserved; /* totals over all blocks */
	unsigned flags;
	const char *name;
	struct rtm_arena_block first;
};

/* The arena header, rounded so the data after it starts 16-byte aligned:
 * the first block's data starts this far after the arena, in OS memory
 * and in caller memory alike. */
#define RTM_ARENA_HDR ((sizeof(struct rtm_arena) + 15) & ~(size_t)15)

/* Internal to the library: hidden, so a shared build exports only the
 * public API. */
#pragma GCC visibility push(hidden)

/* The bump pointer: the first byte not handed out. The window keeps the
 * byte before it (arena.h says why). */
static inline uintptr_t rtm_arena_ptr(const struct rtm_arena *a)
{
	return a->win.last + 1;
}

static inline void rtm_arena_set_ptr(struct rtm_arena *a, uintptr_t p)
{
	a->win.last = p - 1;
}

/* Bytes handed out now, padding included. */
__attribute__((always_inline)) static inline size_t rtm_arena_used(const struct rtm_arena *a)
{
	return a->cur->used_before + (rtm_arena_ptr(a) - a->cur->data);
}

/* n rounded up to a multiple of to (a power of two), 0 if that overflows. */
size_t rtm_arena_round_up(size_t n, size_t to);

/* A block serial no block in the process has had. */
size_t rtm_arena_serial(void);

/* Recomputes the inline window after the slow path moved anything. */
void rtm_arena_window_update(struct rtm_arena *a);

/* Commits the current block up to at least `end` (within usable_end). */
int rtm_arena_commit_to(struct rtm_arena *a, struct rtm_arena_block *b, uintptr_t end);

/* Huge page advice and the arena's name for [p, p + n), a range of its
 * own freshly mapped: both best effort. */
void rtm_arena_dress(const struct rtm_arena *a, uintptr_t p, size_t n);

/* Reserves a block aligned to align (at least to its commit unit) whose
 * first need bytes hold a header of hdr bytes and what is asked of it,
 * and commits those; its block header is placed at base + at. NULL if the
 * OS refused (nothing is left mapped then). The caller sets its serial
 * and counts it. */
struct rtm_arena_block *rtm_arena_block_map(const struct rtm_arena *a, size_t hdr, size_t at,
                                            size_t need, size_t align);

/* Releases one block's reservation, header included: 0 or an errno.
 * Neither the arena's totals nor the spare list are touched. */
int rtm_arena_block_unmap(struct rtm_arena_block *b);

/* Gives a block back to the OS (or parks it on the spare list if the OS
 * refused), and takes it out of the totals. */
void rtm_arena_block_free(struct rtm_arena *a, struct rtm_arena_block *b);

/* Frees the blocks chained after b, newest first. b becomes the current
 * block again, its bump pointer where it was left. */
void rtm_arena_pop_to(struct rtm_arena *a, const struct rtm_arena_block *b);

/* Retries the release of blocks parked on the spare list. */
void rtm_arena_spare_free(struct rtm_arena *a);

#pragma GCC visibility pop

#endif
