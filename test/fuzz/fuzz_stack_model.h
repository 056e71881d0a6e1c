/* The reference model the stack pool is checked against (fuzz_stack.c):
 * every stack each pool has handed out, whether it is held or cached,
 * what its bytes are known to hold, and the checks that need no more than
 * that (shape, no overlap, contents, counters).
 *
 * A stack's contents are described by depth from its start of use (hi
 * where stacks grow down, lo on hppa), the way a running stack fills it:
 * [0, pat) holds the pattern its holder wrote last, [zero, size) reads
 * zero, and what lies between is unknown (an earlier holder's bytes, or
 * a pattern written and then cut short). The pattern is indexed from lo,
 * so any part of it can be checked after the rest went back to the OS. */
#ifndef RTM_FUZZ_STACK_MODEL_H
#define RTM_FUZZ_STACK_MODEL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <rtmem/stack.h>
#include <rtmem/vm.h>

#define FS_POOLS      2
#define FS_MAX_STACKS 160 /* per pool, held and cached: bounds an input's memory */
#define FS_GHOSTS     8

#if defined(__hppa__)
#define FS_GROWS_UP 1
/* sp sits above the 64-byte frame a function called there finds below it. */
#define FS_UP_FRAME 64
#else
#define FS_GROWS_UP 0
#define FS_UP_FRAME 0
#endif

#define FS_CHECK(cond)                                                                        \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			fprintf(stderr, "fuzz_stack: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                              \
		}                                                                             \
	} while (0)

/* Retired: released, but its slot went back unused (stack.h: when the
 * pages could not be made whole again); a stranger until handed out anew.
 * Aside: released, and not even decommitted: never handed out again, so
 * no stack may meet it. */
enum fs_state { FS_HELD = 1, FS_CACHED, FS_RETIRED, FS_ASIDE };

struct fs_stack {
	uintptr_t lo, hi;
	enum fs_state state;
	size_t pat, zero; /* depths: the pattern in [0, pat), zeros in [zero, size) */
	unsigned char phase, x;
};

struct fs_pool {
	rtm_stack_pool *p; /* NULL: no pool in this slot */
	/* The configuration as the pool must have rounded it. */
	size_t size, guard, keep, limit;
	int zero;        /* RTM_STACK_ZERO */
	int unreachable; /* a slot no address space holds: every acquire fails */
	struct rtm_stack_stats st; /* as of the last check */
	struct fs_stack s[FS_MAX_STACKS];
	size_t n, held, cached; /* records, and how many are held and cached */
};

struct fs_model {
	struct fs_pool pool[FS_POOLS];
	/* Stacks of destroyed pools: strangers to every pool now (unless a
	 * new chunk landed on the same addresses, which fs_find sees). */
	uintptr_t ghost_lo[FS_GHOSTS], ghost_hi[FS_GHOSTS];
	unsigned nghost;
	struct rtm_vm_stats base; /* process-wide accounting before the input */
	size_t ps;
	unsigned seq;
};

extern struct fs_model fs;

void fs_model_begin(void);

/* Starts tracking a new pool in slot i, with its rounded configuration. */
void fs_pool_track(unsigned i, rtm_stack_pool *p, size_t size, size_t guard, size_t keep,
                   size_t limit, int zero, int unreachable);

/* Forgets slot i's pool (destroyed): its stacks become ghosts. */
void fs_pool_forget(unsigned i);

/* The stack of pool i that is exactly [lo, hi) (held or cached), or -1. */
long fs_find(unsigned i, uintptr_t lo, uintptr_t hi);

/* The pick-th (modulo their number) stack of pool i in state st, or -1. */
long fs_pick(unsigned i, enum fs_state st, unsigned pick);

/* A stack pool i just handed out: its shape, and that it and its guard
 * lie apart from every other stack and guard of both pools (except the
 * record `self` of pool i, the stack itself when it was cached). */
void fs_check_handed_out(unsigned i, const struct rtm_stack *s, long self);

/* Adds a stack the pool handed out fresh (never seen, or retired):
 * held, reading zero. Its index. */
size_t fs_add(unsigned i, uintptr_t lo, uintptr_t hi);

/* The stack's bytes are what the model knows them to be. */
void fs_verify(unsigned i, size_t k);

/* Writes a new pattern over [0, depth) from the start of use. */
void fs_write(unsigned i, size_t k, size_t depth);

/* The model's side of a release that cached stack k: purge, it had pages
 * past keep_resident to give back; err, what the release answered. */
void fs_released(unsigned i, size_t k, int purge, int err);

/* The model's side of a release that retired stack k's slot. */
void fs_retired(unsigned i, size_t k);
void fs_set_aside(unsigned i, size_t k);

/* The model's side of an acquire that handed out cached stack k. */
void fs_reacquired(unsigned i, size_t k);

/* Every pool's counters against the model, and the process-wide
 * accounting against the sum of the pools'. */
void fs_check_pools(void);

/* The model tracks no more stacks for pool i: an acquire that would
 * hand out one it has not seen is skipped. */
int fs_pool_full(unsigned i);

#endif
