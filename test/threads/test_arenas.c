/* Arenas in many threads: each thread grows, rewinds and resets its own
 * arena while the others do the same, so reserves, commits, decommits and
 * releases of all of them interleave; then every thread hands its arena,
 * with live contents, to the next one, which checks them and carries on.
 * An arena belongs to one thread at a time, not to one thread forever.
 *
 * The mappings go through rtm_libc_hooks so that TSan sees them (threads.h
 * says why); in a normal build that route is as good as the raw one. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <rtmem/arena.h>
#include <rtmem/libc_hooks.h>
#include <rtmem/vm.h>

#include "start_hooks.h"
#include "threads.h"

#define THREADS 4
#define PIECES  200
#define ROUNDS  (UNDER_TSAN ? 40 : 200)
#define KiB     ((size_t)1 << 10)

static unsigned char pattern(uint32_t seed, size_t j)
{
	return (unsigned char)(seed * 2654435761u >> 24) ^ (unsigned char)(j * 7 + (j >> 8));
}

static void fill(unsigned char *p, size_t n, uint32_t seed)
{
	for (size_t j = 0; j < n; j++)
		p[j] = pattern(seed, j);
}

static int intact(const unsigned char *p, size_t n, uint32_t seed)
{
	for (size_t j = 0; j < n; j++)
		if (p[j] != pattern(seed, j))
			return 0;
	return 1;
}

struct piece {
	unsigned char *p;
	size_t n;
	uint32_t seed;
};

struct worker {
	unsigned id;
	rtm_arena *a;
	struct piece live[PIECES]; /* what is left in the arena for the next owner */
	size_t nlive;
	const char *failed;
	long rounds;
};

static struct worker workers[THREADS];
static pthread_barrier_t handover;

/* Fills the arena with PIECES pieces, saving a mark halfway. */
static struct rtm_arena_mark fill_round(struct worker *w, uint32_t *rng, uint32_t salt)
{
	struct rtm_arena_mark half = rtm_arena_save(w->a);

	w->nlive = 0;
	for (size_t i = 0; i < PIECES && !w->failed; i++) {
		struct piece *pc = &w->live[i];

		*rng = *rng * 1664525u + 1013904223u;
		pc->n = 1 + (*rng >> 8) % (i % 17 ? 2000 : 40000);
		pc->seed = salt + (uint32_t)i;
		pc->p = i % 4 ? rtm_arena_alloc(w->a, pc->n, (size_t)1 << (i % 7))
		              : rtm_arena_alloc_zeroed(w->a, pc->n, 64);
		if (!pc->p) {
			w->failed = "alloc";
			break;
		}
		if (i % 4 == 0 && (pc->p[0] != 0 || memcmp(pc->p, pc->p + 1, pc->n - 1) != 0))
			w->failed = "zeroed memory is not zero";
		fill(pc->p, pc->n, pc->seed);
		w->nlive = i + 1;
		if (i == PIECES / 2 - 1)
			half = rtm_arena_save(w->a);
	}
	return half;
}

static void check_live(struct worker *w, const char *what)
{
	for (size_t i = 0; i < w->nlive && !w->failed; i++)
		if (!intact(w->live[i].p, w->live[i].n, w->live[i].seed))
			w->failed = what;
}

/* Rounds on the worker's own arena: fill, check, drop half or all. */
static void own_rounds(struct worker *w, long rounds, uint32_t salt)
{
	uint32_t rng = 0x9e3779b9u * (w->id + 1) + salt;

	for (long r = 0; r < rounds && !w->failed; r++) {
		struct rtm_arena_mark half = fill_round(w, &rng, salt + (uint32_t)r * PIECES);

		check_live(w, "contents after filling");
		if (r % 3 == 0) {
			rtm_arena_rewind(w->a, half);
			w->nlive = PIECES / 2;
			check_live(w, "contents below the mark after a rewind");
		}
		if (rtm_arena_stats(w->a).used == 0 && w->nlive)
			w->failed = "stats lost the live pieces";
		if (r + 1 < rounds)
			rtm_arena_reset(w->a);
		w->rounds++;
	}
}

static const struct rtm_arena_config configs[THREADS] = {
	{ 64 * KiB, 16 * KiB, 32 * KiB, 0, 0, "rtm-thread-0" },
	{ 64 * KiB, 16 * KiB, 0, 0, RTM_ARENA_GUARD, NULL },
	{ 256 * KiB, 4 * KiB, 4 * KiB, 0, 0, NULL },
	{ 0, 0, 0, 64 << 20, 0, NULL },
};

static void *work(void *arg)
{
	struct worker *w = arg, *prev;

	w->a = rtm_arena_create(&configs[w->id]);
	if (!w->a) {
		w->failed = "create";
		pthread_barrier_wait(&handover);
		return NULL;
	}
	own_rounds(w, ROUNDS, 0);

	/* The barrier orders the previous owner's last writes before the
	 * new owner's first reads: nothing else is needed. */
	pthread_barrier_wait(&handover);
	prev = &workers[(w->id + THREADS - 1) % THREADS];
	if (prev->failed || !prev->a)
		return NULL;
	check_live(prev, "contents handed over");
	if (!prev->failed)
		own_rounds(prev, ROUNDS / 4, 0x51ed27u);
	rtm_arena_destroy(prev->a);
	return NULL;
}

START_TEST(threads_grow_and_hand_over_arenas)
{
	struct rtm_vm_stats vm0;
	pthread_t t[THREADS];

	ck_assert_ptr_eq(rtm_set_hooks(&rtm_libc_hooks), START_HOOKS);
	vm0 = rtm_vm_stats();
	ck_assert_int_eq(pthread_barrier_init(&handover, NULL, THREADS), 0);
	for (unsigned k = 0; k < THREADS; k++) {
		workers[k].id = k;
		ck_assert_int_eq(pthread_create(&t[k], NULL, work, &workers[k]), 0);
	}
	for (unsigned k = 0; k < THREADS; k++)
		ck_assert_int_eq(pthread_join(t[k], NULL), 0);
	for (unsigned k = 0; k < THREADS; k++) {
		ck_assert_msg(!workers[k].failed, "arena %u: %s", k, workers[k].failed);
		ck_assert_int_eq(workers[k].rounds, ROUNDS + ROUNDS / 4);
	}
	ck_assert_uint_eq(rtm_vm_stats().reserved, vm0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, vm0.committed);
	pthread_barrier_destroy(&handover);
	rtm_set_hooks(START_HOOKS);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("threads_arenas");
	TCase *tc = tcase_create("arenas");

	/* A fixed number of rounds: the timeout only catches a hang. */
	tcase_set_timeout(tc, HANG_CHECK_TIMEOUT);
	tcase_add_test(tc, threads_grow_and_hand_over_arenas);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
