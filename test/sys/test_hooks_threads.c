/* rtm_set_hooks while other threads map: one thread keeps swapping between
 * table A, no table and table B; mapper threads map and unmap through
 * rtm_mmap. Every call must succeed, and each mapping must have come from
 * exactly one place: a hook writes its table's tag into the first byte of
 * what it maps (a raw mapping reads zero), so the mappers' tag counts must
 * equal the hooks' own counts. A hook also checks that it got its own
 * table's ctx: a table read half old, half new would show there.
 *
 * Nothing here depends on the machine's speed: each mapper maps ROUNDS
 * times and, with hooks, goes on until it has seen MIN_EACH mappings from
 * each source and both tables have unmapped; only a hang fails for time
 * (../threads/hang.h). */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "../threads/hang.h"
#include "api.h"
#include "probe.h"

#ifndef EXPECT_HOOKS
#error "meson passes EXPECT_HOOKS (1 or 0) from -Dhooks"
#endif

#define MAPPERS  2
#define ROUNDS   5000 /* mappings of each mapper */
#define MIN_EACH 100  /* mappings from each source (raw, A, B) each mapper must see */

struct tally {
	unsigned char tag;
	atomic_long mmaps, munmaps, wrong_ctx, failed;
};

static struct tally ta = { .tag = 0xa }, tb = { .tag = 0xb };

static rtm_mmap_result tally_mmap(struct tally *mine, void *ctx, void *addr, size_t n, int prot,
                                  int flags, int fd, uint64_t off)
{
	rtm_mmap_result r = rtm_sys_mmap(addr, n, prot, flags, fd, off);

	if (ctx != mine)
		atomic_fetch_add(&mine->wrong_ctx, 1);
	if (r.err == 0) {
		*(unsigned char *)r.addr = mine->tag;
		atomic_fetch_add(&mine->mmaps, 1);
	}
	return r;
}

static int tally_munmap(struct tally *mine, void *ctx, void *addr, size_t n)
{
	if (ctx != mine)
		atomic_fetch_add(&mine->wrong_ctx, 1);
	atomic_fetch_add(&mine->munmaps, 1);
	return rtm_sys_munmap(addr, n);
}

static rtm_mmap_result a_mmap(void *ctx, void *addr, size_t n, int prot, int flags, int fd,
                              uint64_t off)
{
	return tally_mmap(&ta, ctx, addr, n, prot, flags, fd, off);
}

static rtm_mmap_result b_mmap(void *ctx, void *addr, size_t n, int prot, int flags, int fd,
                              uint64_t off)
{
	return tally_mmap(&tb, ctx, addr, n, prot, flags, fd, off);
}

static int a_munmap(void *ctx, void *addr, size_t n)
{
	return tally_munmap(&ta, ctx, addr, n);
}

static int b_munmap(void *ctx, void *addr, size_t n)
{
	return tally_munmap(&tb, ctx, addr, n);
}

static const struct rtm_hooks table_a = { .mmap = a_mmap, .munmap = a_munmap, .ctx = &ta };
static const struct rtm_hooks table_b = { .mmap = b_mmap, .munmap = b_munmap, .ctx = &tb };

static atomic_int mappers_left = MAPPERS;
static atomic_int swaps_done;
static atomic_long wrong_previous;
static struct time_box box;
static atomic_int hung;

static void *swapper(void *arg)
{
	const struct rtm_hooks *const cycle[] = { &table_a, NULL, &table_b, NULL };
	const struct rtm_hooks *last = START_HOOKS; /* the process's (start_hooks.h) */

	(void)arg;
	for (unsigned k = 0; atomic_load(&mappers_left) > 0; k++) {
		const struct rtm_hooks *next = cycle[k % 4];

		if (rtm_set_hooks(next) != last)
			atomic_fetch_add(&wrong_previous, 1);
		last = next;
		atomic_fetch_add(&swaps_done, 1);
		/* Now and then a turn for the mappers, after an odd number of
		 * swaps so that each table in turn is the one left installed:
		 * a scheduler that runs one thread at a time (valgrind) would
		 * otherwise switch away at the same point of the cycle every
		 * time, and the mappers would only ever see that one. */
		if (k % 61 == 60)
			sched_yield();
	}
	if (rtm_set_hooks(NULL) != last)
		atomic_fetch_add(&wrong_previous, 1);
	return NULL;
}

struct seen {
	long raw, a, b, other, rounds;
};

static int enough(const struct seen *s)
{
	if (s->rounds < ROUNDS)
		return 0;
	return !EXPECT_HOOKS || (s->raw >= MIN_EACH && s->a >= MIN_EACH && s->b >= MIN_EACH &&
	                         atomic_load(&ta.munmaps) > 0 && atomic_load(&tb.munmaps) > 0);
}

static int hang(void)
{
	if (!atomic_load(&hung) && time_up(&box))
		atomic_store(&hung, 1);
	return atomic_load(&hung);
}

static void *mapper(void *arg)
{
	struct seen *s = arg;
	size_t pg = page_size();
	int swaps = 0;

	/* Start only once the swapper runs, so the two overlap. */
	while (atomic_load(&swaps_done) < 4)
		sched_yield();
	while (!enough(s) && !hang()) {
		const int now = atomic_load(&swaps_done);
		rtm_mmap_result r;
		unsigned char tag;

		/* No swap since the last mapping: let the swapper run, which
		 * a scheduler need not do on its own (valgrind runs one thread
		 * at a time and kept this one running). */
		if (now == swaps)
			sched_yield();
		swaps = now;
		r = rtm_mmap(NULL, pg, RTM_PROT_READ | RTM_PROT_WRITE,
		             RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS, -1, 0);
		if (r.err != 0) {
			atomic_fetch_add(&ta.failed, 1);
			continue;
		}
		tag = *(unsigned char *)r.addr;
		s->raw += tag == 0;
		s->a += tag == ta.tag;
		s->b += tag == tb.tag;
		s->other += tag != 0 && tag != ta.tag && tag != tb.tag;
		if (rtm_munmap(r.addr, pg) != 0)
			atomic_fetch_add(&ta.failed, 1);
		s->rounds++;
	}
	atomic_fetch_sub(&mappers_left, 1);
	return NULL;
}

START_TEST(swapping_tables_while_mapping_keeps_every_call_whole)
{
	pthread_t sw, mt[MAPPERS];
	struct seen s[MAPPERS] = { { 0 } };
	struct seen sum = { 0 };

	box = time_box(HANG_SECONDS);
	ck_assert_int_eq(pthread_create(&sw, NULL, swapper, NULL), 0);
	for (int k = 0; k < MAPPERS; k++)
		ck_assert_int_eq(pthread_create(&mt[k], NULL, mapper, &s[k]), 0);
	for (int k = 0; k < MAPPERS; k++)
		ck_assert_int_eq(pthread_join(mt[k], NULL), 0);
	ck_assert_int_eq(pthread_join(sw, NULL), 0);

	for (int k = 0; k < MAPPERS; k++) {
		ck_assert_msg(enough(&s[k]),
		              "hung: after %d s, mapper %d has mapped %ld of %d times and seen %ld "
		              "raw, %ld from A, %ld from B (%d each); unmapped by A %ld, by B %ld",
		              HANG_SECONDS, k, s[k].rounds, ROUNDS, s[k].raw, s[k].a, s[k].b,
		              MIN_EACH, atomic_load(&ta.munmaps), atomic_load(&tb.munmaps));
		sum.raw += s[k].raw;
		sum.a += s[k].a;
		sum.b += s[k].b;
		sum.other += s[k].other;
		sum.rounds += s[k].rounds;
	}
	ck_assert_ptr_null(rtm_get_hooks());
	ck_assert_int_eq(atomic_load(&wrong_previous), 0);
	ck_assert_int_eq(atomic_load(&ta.failed), 0);
	ck_assert_int_eq(atomic_load(&ta.wrong_ctx) + atomic_load(&tb.wrong_ctx), 0);
	ck_assert_int_eq(sum.other, 0);
	ck_assert_int_eq(sum.raw + sum.a + sum.b, sum.rounds);
	ck_assert_int_ge(sum.rounds, MAPPERS * ROUNDS);
	ck_assert_int_eq(sum.a, atomic_load(&ta.mmaps));
	ck_assert_int_eq(sum.b, atomic_load(&tb.mmaps));
	ck_assert_int_le(atomic_load(&ta.munmaps) + atomic_load(&tb.munmaps), sum.rounds);
	if (EXPECT_HOOKS) {
		/* Each source was really exercised, not just one of them. */
		ck_assert_int_ge(sum.raw, MAPPERS * MIN_EACH);
		ck_assert_int_ge(sum.a, MAPPERS * MIN_EACH);
		ck_assert_int_ge(sum.b, MAPPERS * MIN_EACH);
		ck_assert_int_ge(atomic_load(&ta.munmaps), 1);
		ck_assert_int_ge(atomic_load(&tb.munmaps), 1);
	} else {
		ck_assert_int_eq(sum.raw, sum.rounds);
		ck_assert_int_eq(atomic_load(&ta.munmaps) + atomic_load(&tb.munmaps), 0);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("hooks_threads");
	TCase *tc = tcase_create("threads");

	tcase_add_checked_fixture(tc, NULL, hooks_off);
	tcase_set_timeout(tc, HANG_CHECK_TIMEOUT);
	tcase_add_test(tc, swapping_tables_while_mapping_keeps_every_call_whole);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
