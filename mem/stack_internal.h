/* Internal: the stack pool's layout, shared by mem/stack*.c.
 *
 * The pool header is a reservation of its own. Stacks live in chunks: one
 * reservation each, a header page and up to one machine word's worth of
 * slots (guard + stack). Where stacks grow down a chunk is
 *
 *   [header][guard 0][stack 0][guard 1][stack 1] ... [guard n-1][stack n-1]
 *
 * and where they grow up (hppa) the mirror image, header last, so that in
 * both a stack's start of use borders a guard or the chunk's edge, never
 * the header.
 *
 * A slot's state is two bits of its chunk: `fresh` (never handed out,
 * not committed) and `cached` (released, committed); both clear: acquired
 * (or between two of those states in some thread). Each mask is one
 * atomic word changed by compare-and-swap: taking a bit and setting it
 * again cannot be confused the way a list head can (ABA), as a bit names
 * its slot and nothing else. Chunks are pushed on a list that only grows
 * until the pool is destroyed, so walking it needs no lock. */
#ifndef RTM_MEM_STACK_INTERNAL_H
#define RTM_MEM_STACK_INTERNAL_H

#include <stdatomic.h>
#include <stdint.h>

#include <rtmem/stack.h>
#include <rtmem/vm.h>

#include "poison.h"

#if defined(__hppa__)
#define RTM_STACK_GROWS_UP 1
/* A function finds its caller's frame marker (where it keeps its return
 * pointer, at -20, and the previous sp, at -4) and argument words below
 * the sp it is called with: 48 bytes, in a frame of the ABI's 64-byte
 * alignment. A stack's first call needs that room inside the stack, so
 * sp starts that far above lo (glibc's makecontext and clone do the
 * same). */
#define RTM_STACK_UP_FRAME 64
#else
#define RTM_STACK_GROWS_UP 0
#define RTM_STACK_UP_FRAME 0
#endif

/* Slots per chunk: one bit each in a machine word. */
#define RTM_STACK_CHUNK_SLOTS ((unsigned)(sizeof(uintptr_t) * 8))

/* What a chunk's slots may add up to before it gets fewer than a word's
 * worth: a 32-bit address space has room for few large chunks. */
#define RTM_STACK_CHUNK_TARGET (sizeof(void *) == 8 ? (size_t)1 << 32 : (size_t)64 << 20)

struct rtm_stack_chunk {
	struct rtm_stack_chunk *next; /* the older chunk; NULL for the first */
	uintptr_t base;               /* the reservation */
	size_t size;
	uintptr_t first;              /* slot 0's start (its guard, or its stack when
	                                 stacks grow up) */
	unsigned slots;
	_Atomic uintptr_t fresh;      /* bit i: slot i never handed out */
	_Atomic uintptr_t cached;     /* bit i: slot i released, still committed */
	_Atomic uintptr_t aside;      /* bit i: slot i released, its pages neither
	                                 whole nor given back: unused until destroy */
	_Atomic size_t committed;     /* stacks committed in this chunk */
#if defined(RTM_VALGRIND)
	unsigned vg_id[RTM_STACK_CHUNK_SLOTS]; /* while acquired */
#endif
};

struct rtm_stack_pool {
	_Atomic(struct rtm_stack_chunk *) chunks; /* newest first */
	size_t size, guard, keep, limit;
	size_t slot;      /* guard + size */
	size_t chunk_hdr; /* a chunk's header, whole pages */
	size_t hdr_size;  /* the pool header's own reservation */
	unsigned flags;
	const char *name;
	_Atomic size_t slots; /* in all chunks: sizes new ones under a limit */
	_Atomic size_t acquired, cached, reserved, committed;
};

#pragma GCC visibility push(hidden)

/* The index of a one-bit mask, by halving: the count-trailing-zeros
 * builtins become libgcc calls (__ctzdi2) where the target has no such
 * instruction (riscv64 without Zbb, 64-bit counts on 32-bit targets),
 * which the libc-free core cannot link. */
static inline int rtm_stack_bit_index(uintptr_t bit)
{
	int i = 0;

#if UINTPTR_MAX > 0xffffffffu
	if (bit >> 32) {
		bit >>= 32;
		i += 32;
	}
#endif
	for (int half = 16; half > 0; half >>= 1)
		if (bit >> half) {
			bit >>= half;
			i += half;
		}
	return i;
}

/* Takes the lowest set bit of *mask: its index, or -1 if none was set. */
static inline int rtm_stack_bit_take(_Atomic uintptr_t *mask)
{
	uintptr_t m = atomic_load_explicit(mask, memory_order_relaxed);

	/* acquire: a slot taken from `cached` sees every write its releaser
	 * made before putting it there (the purge, the zeroing). */
	while (m) {
		uintptr_t bit = m & (~m + 1);

		if (atomic_compare_exchange_weak_explicit(mask, &m, m & ~bit,
		                                          memory_order_acquire,
		                                          memory_order_relaxed))
			return rtm_stack_bit_index(bit);
	}
	return -1;
}

/* The lo end of slot i's stack. */
static inline uintptr_t rtm_stack_lo(const struct rtm_stack_pool *p,
                                     const struct rtm_stack_chunk *c, unsigned i)
{
	return c->first + (uintptr_t)i * p->slot + (RTM_STACK_GROWS_UP ? 0 : p->guard);
}

/* A new chunk whose slot 0 is handed out committed (for the caller that
 * grew the pool), the others fresh; not on the list yet. NULL with *err
 * set if the OS refused (nothing left mapped then). */
struct rtm_stack_chunk *rtm_stack_chunk_map(struct rtm_stack_pool *p, int *err);

/* Gives a chunk's reservation back: 0 or what the OS answered. */
int rtm_stack_chunk_unmap(struct rtm_stack_pool *p, struct rtm_stack_chunk *c);

#pragma GCC visibility pop

#endif
