/* The reference model the arena is checked against: what is live, what
 * each live allocation holds, where each arena's blocks start, and which
 * marks the contract says are valid.
 *
 * Positions are `used` values (bytes handed out before a point), which
 * grow monotonically along an arena's chain of blocks: a mark is the
 * position it was saved at, and a rewind to position P drops every
 * allocation made after the mark. The model never reads memory that is
 * not live: after a rewind the arena poisons what it took back. */
#ifndef RTM_FUZZ_MODEL_H
#define RTM_FUZZ_MODEL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <rtmem/arena.h>
#include <rtmem/vm.h>

#define FZ_ARENAS    2
#define FZ_MARKS     8
#define FZ_MAX_LIVE  256
#define FZ_MAX_CHAIN 256

#define FZ_CHECK(cond)                                                                        \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			fprintf(stderr, "fuzz_arena: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                              \
		}                                                                             \
	} while (0)

struct fz_alloc {
	unsigned char *p;
	size_t size;      /* bytes the model may read; for an inexact one, a lower bound */
	size_t min_size;  /* the smallest size it has had */
	size_t align;
	uint64_t seq;     /* when it was made */
	uint64_t changed; /* when its size last changed in place (0: never) */
	unsigned arena;
	unsigned char phase, x;
	/* 0 once a rewind went back past an in-place resize: the real size
	 * is somewhere between `size` and the largest it ever had, so it may
	 * not be passed to rtm_arena_resize as old_size any more. */
	unsigned char exact;
};

struct fz_block {
	uint64_t id;
	size_t start; /* the arena's `used` when the block was chained */
};

struct fz_arena {
	rtm_arena *a; /* NULL: this slot holds no arena */
	uint64_t gen; /* unique per creation, so marks know their arena's lifetime */
	int in_place; /* made by rtm_arena_create_in */
	unsigned flags;
	size_t limit; /* 0: none */
	struct rtm_arena_stats st; /* as of the last check */
	struct fz_block chain[FZ_MAX_CHAIN];
	size_t nchain;
};

struct fz_mark {
	int set;
	struct rtm_arena_mark m;
	unsigned arena;
	uint64_t gen, seq, block;
	size_t pos;
	size_t low; /* the lowest position the arena went back to since */
};

/* How rtm_arena_rewind must treat a mark. */
enum fz_verdict {
	FZ_REWINDS, /* to m.pos, freeing everything allocated after m was saved */
	FZ_IGNORED, /* foreign, of a released block, or past the position */
};

struct fz_model {
	struct fz_arena ar[FZ_ARENAS];
	struct fz_mark marks[FZ_MARKS];
	struct fz_alloc live[FZ_MAX_LIVE];
	size_t nlive, live_bytes;
	uint64_t seq, next_id;
	struct rtm_vm_stats base; /* process-wide accounting before the input */
	int refusing;             /* the OS may refuse: no call is sure to succeed */
};

extern struct fz_model fz;

void fz_model_begin(int refusing);

/* Starts tracking a newly created arena in slot i. */
void fz_arena_track(unsigned i, rtm_arena *a, int in_place, unsigned flags, size_t limit);

/* Forgets slot i's arena and everything it handed out. */
void fz_arena_forget(unsigned i);

/* Adds a live allocation (after checking it against all others). */
void fz_live_add(unsigned arena, unsigned char *p, size_t size, size_t align, unsigned phase,
                 unsigned x);
void fz_live_remove(size_t k);
int fz_live_overlaps(const unsigned char *p, size_t n, size_t except);

/* The k-th live allocation of arena i, counting from `pick`; -1 if none. */
long fz_live_pick(unsigned i, unsigned pick);

/* Every live allocation still holds its pattern. */
void fz_verify_live(int full);

/* Checks arena i's stats against the invariants and against st_before,
 * then records them. Returns the new stats. */
struct rtm_arena_stats fz_stats_after(unsigned i, struct rtm_arena_stats before);

/* Follows the chain after an operation that may have added one block or,
 * for a rewind, dropped some. */
void fz_chain_sync(unsigned i, size_t used_before, size_t blocks_now);

void fz_mark_save(unsigned slot, unsigned i, struct rtm_arena_mark m);
enum fz_verdict fz_mark_verdict(const struct fz_mark *mk, unsigned i, size_t *blocks_after);

/* The model's side of a rewind of arena i to position pos. */
void fz_rewound(unsigned i, uint64_t seq, size_t pos);

/* Arena i's position went back to pos (a rewind, or an in-place shrink of
 * the newest allocation): marks past it are stale from now on. */
void fz_position_lowered(unsigned i, size_t pos);

/* What is live in each arena fits in its `used`. */
void fz_check_arenas(void);

/* Process-wide accounting equals the sum over mapped arenas. */
void fz_check_vm(void);

#endif
