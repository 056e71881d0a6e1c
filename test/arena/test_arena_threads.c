/* Arenas in threads: one arena per thread needs no lock, and the shared
 * region counters come out exact. */
#include <pthread.h>
#include <stdint.h>

#include "arena_util.h"
#include "proc.h"
#include "suite.h"

#define THREADS 4
#define ROUNDS  200
#define PIECES  300

struct worker {
	unsigned id;
	const char *failure; /* NULL when every check passed */
	size_t bad_round;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	/* Small blocks and a retain budget: growth, release and decommit all
	 * race with the other threads' reserves. */
	struct rtm_arena_config cfg = { 64 * KiB, 16 * KiB, 32 * KiB, 0, 0, NULL };
	rtm_arena *a = rtm_arena_create(&cfg);
	unsigned char *p[PIECES];
	size_t n[PIECES];
	uint32_t rng = 1u + w->id;

	if (!a) {
		w->failure = "create";
		return NULL;
	}
	for (size_t r = 0; r < ROUNDS && !w->failure; r++) {
		struct rtm_arena_mark m = rtm_arena_save(a);
		size_t half = PIECES / 2;

		for (size_t i = 0; i < PIECES; i++) {
			rng = rng * 1664525u + 1013904223u;
			n[i] = 1 + (rng >> 8) % 3000;
			p[i] = i % 3 ? rtm_arena_alloc(a, n[i], (size_t)1 << (i % 6))
			             : rtm_arena_alloc_zeroed(a, n[i], 16);
			if (!p[i]) {
				w->failure = "alloc";
				break;
			}
			if (i % 3 == 0 && !all_bytes(p[i], n[i], 0))
				w->failure = "zeroed";
			fill(p[i], n[i], w->id * 100000u + (unsigned)(r * PIECES + i));
			if (i == half)
				m = rtm_arena_save(a);
		}
		for (size_t i = 0; i < PIECES && !w->failure; i++)
			if (first_wrong(p[i], n[i], w->id * 100000u + (unsigned)(r * PIECES + i)) != n[i])
				w->failure = "contents";
		if (w->failure) {
			w->bad_round = r;
			break;
		}
		/* Alternate: drop the second half, or everything. */
		if (r % 2)
			rtm_arena_rewind(a, m);
		else
			rtm_arena_reset(a);
	}
	rtm_arena_destroy(a);
	return NULL;
}

START_TEST(threads_with_their_own_arenas_keep_contents_and_counts)
{
	struct rtm_vm_stats vm0 = rtm_vm_stats();
	pthread_t t[THREADS];
	struct worker w[THREADS];
	rtm_arena *mine = arena_with(64 * KiB, 0, 0, 0, 0);
	struct rtm_vm_stats with_mine = rtm_vm_stats();

	for (unsigned i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ i, NULL, 0 };
		ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (unsigned i = 0; i < THREADS; i++) {
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
		ck_assert_msg(w[i].failure == NULL, "thread %u: %s in round %zu", i, w[i].failure,
		              w[i].bad_round);
	}
	/* The workers gave back all they took; this thread's arena is what
	 * is left. */
	ck_assert_uint_eq(rtm_vm_stats().reserved, with_mine.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, with_mine.committed);
	ASSERT_VM_MATCHES(mine, vm0);
	rtm_arena_destroy(mine);
	ck_assert_uint_eq(rtm_vm_stats().reserved, vm0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, vm0.committed);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arena_threads");
	TCase *tc = tcase_create("threads");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, threads_with_their_own_arenas_keep_contents_and_counts);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
