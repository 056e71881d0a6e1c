/* The stack pool (<rtmem/stack.h>) under fault injection: creating a
 * pool, acquiring stacks that map its first chunk, commit a fresh slot and
 * map a second chunk, releasing stacks (their purge), release and reacquire
 * cycles, destroying a pool. What each public call must do when one of its
 * OS calls fails, as stack.h documents it:
 *
 *   create   NULL, nothing left mapped (the driver's snapshot)
 *   acquire  the OS's error, *out untouched, the pool's stats as before,
 *            and the pool still serves the next acquire
 *   release  the OS's error (its purge was refused) and the stack cached
 *            all the same: acquired - 1, cached + 1, bytes as before; its
 *            pages stay as they were, or read zero under RTM_STACK_ZERO
 *   destroy  nothing left mapped
 *
 * and every call fails when one of its OS calls fails, never else. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(_WIN32)
#include "win_check.h"
#else
#include <check.h>
#endif

#include <rtmem/stack.h>
#include <rtmem/vm.h>

#include "scenario.h"
#include "stack_scenarios.h"

/* ---- the pool and its stacks, one scenario at a time ---- */

#define MAX_STACKS (STACK_CHUNK_SLOTS + 8)

static struct {
	rtm_stack_pool *p;
	unsigned flags;
	size_t n;                              /* stacks in s[] */
	struct rtm_stack s[MAX_STACKS];
	unsigned char stamp[MAX_STACKS];       /* what fills it, 0: not filled */
	int held[MAX_STACKS];                  /* acquired, not released */
	int kept_all[MAX_STACKS];              /* its last purge was refused */
} st;

struct rtm_stack_config stack_fault_config(unsigned flags, size_t limit)
{
	struct rtm_stack_config c = { STACK_SIZE, STACK_GUARD_PAGES * rtm_page_size(), STACK_KEEP,
		                      limit, flags, "rtm-fault-stack" };

	return c;
}

static int stats_same(struct rtm_stack_stats a, struct rtm_stack_stats b)
{
	return a.acquired == b.acquired && a.cached == b.cached && a.reserved == b.reserved &&
	       a.committed == b.committed;
}

#define ck_assert_stats_eq(a, b)                                                            \
	ck_assert_msg(stats_same(a, b),                                                     \
	              "stack stats acquired %zu cached %zu reserved %zu committed %zu, "   \
	              "expected %zu %zu %zu %zu", (b).acquired, (b).cached, (b).reserved,   \
	              (b).committed, (a).acquired, (a).cached, (a).reserved, (a).committed)

/* The offset of the first byte of [p, p + n) that is not v, or -1. */
static long first_not(const unsigned char *p, size_t n, unsigned char v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return (long)i;
	return -1;
}

static void assert_bytes(const struct rtm_stack *s, size_t from, size_t n, unsigned char v,
                         const char *what)
{
	long at = first_not((const unsigned char *)s->lo + from, n, v);

	ck_assert_msg(at < 0, "stack %p: %s: byte %zu is %u, expected %u", s->lo, what,
	              from + (size_t)at, ((const unsigned char *)s->lo)[from + (size_t)at], v);
}

/* Where the kept bytes lie: at the start of use, hi's end where stacks
 * grow down (sp == hi), lo's where they grow up. */
static size_t kept_from(const struct rtm_stack *s)
{
	return s->sp == s->hi ? STACK_SIZE - STACK_KEEP : 0;
}

static void assert_shape(const struct rtm_stack *s)
{
	ck_assert_uint_eq((size_t)((char *)s->hi - (char *)s->lo), STACK_SIZE);
	ck_assert_uint_eq((uintptr_t)s->lo % rtm_page_size(), 0);
#if defined(__hppa__)
	/* Above the 64-byte frame a function called at sp finds below it. */
	ck_assert_ptr_eq(s->sp, (char *)s->lo + 64);
#else
	ck_assert_ptr_eq(s->sp, s->hi);
#endif
}

/* Fills stack i with a stamp of its own (every byte: its pages are then
 * all committed and resident, so a purge has something to take). */
static void fill(size_t i, unsigned char stamp)
{
	memset(st.s[i].lo, stamp, STACK_SIZE);
	st.stamp[i] = stamp;
}

/* One acquire into st.s[st.n], checked: it fails when and only when one
 * of its OS calls was failed, with that call's error, and then changes
 * nothing (*out, the stats); the pool then still serves the same acquire,
 * made again (nothing is failed twice). */
static void acquire_checked(void)
{
	struct rtm_stack_stats before = rtm_stack_pool_stats(st.p), after;
	unsigned f0 = failed_now();
	struct rtm_stack s, untouched;
	int err;

	ck_assert_uint_lt(st.n, MAX_STACKS);
	memset(&s, 0xee, sizeof s);
	untouched = s;
	err = rtm_stack_acquire(st.p, &s);
	if (failed_now() != f0) {
		ck_assert_msg(err == err_now(), "acquire returned %d; the OS call failed with %d",
		              err, err_now());
		ck_assert(memcmp(&s, &untouched, sizeof s) == 0);
		after = rtm_stack_pool_stats(st.p);
		ck_assert_stats_eq(before, after);
		err = rtm_stack_acquire(st.p, &s);
	}
	ck_assert_msg(err == 0, "acquire returned %d with no OS call failed", err);
	assert_shape(&s);
	after = rtm_stack_pool_stats(st.p);
	ck_assert_uint_eq(after.acquired, before.acquired + 1);
	/* Both ends are ours: the commit covers the whole stack. */
	((volatile char *)s.lo)[0] = 1;
	((volatile char *)s.hi)[-1] = 1;
	st.s[st.n] = s;
	st.stamp[st.n] = 0;
	st.held[st.n] = 1;
	st.kept_all[st.n] = 0;
	st.n++;
}

/* Releases stack i, checked against stack.h: 0, or the error of its
 * refused purge with the stack cached all the same. */
static void release_checked(size_t i)
{
	struct rtm_stack_stats before = rtm_stack_pool_stats(st.p), after;
	unsigned f0 = failed_now();
	int err = rtm_stack_release(st.p, &st.s[i]);
	int refused = failed_now() != f0;

	after = rtm_stack_pool_stats(st.p);
	if (refused)
		ck_assert_msg(err == err_now(), "release returned %d; its purge failed with %d",
		              err, err_now());
	else
		ck_assert_msg(err == 0, "release returned %d with no OS call failed", err);
	ck_assert_uint_eq(after.acquired, before.acquired - 1);
	ck_assert_uint_eq(after.cached, before.cached + 1);
	ck_assert_uint_eq(after.reserved, before.reserved);
	ck_assert_uint_eq(after.committed, before.committed);
	st.held[i] = 0;
	st.kept_all[i] = refused;
}

/* A cached stack back, with no OS call: one of those released (which
 * one is the pool's choice), its contents as its release left them. */
static void reacquire_checked(void)
{
	struct rtm_stack_stats before = rtm_stack_pool_stats(st.p);
	unsigned calls = calls_now();
	struct rtm_stack s;
	size_t i, from;

	ck_assert_uint_gt(before.cached, 0);
	ck_assert_int_eq(rtm_stack_acquire(st.p, &s), 0);
	ck_assert_uint_eq(calls_now(), calls);
	ck_assert_uint_eq(rtm_stack_pool_stats(st.p).cached, before.cached - 1);
	for (i = 0; i < st.n && !(st.s[i].lo == s.lo && !st.held[i]); i++)
		;
	ck_assert_msg(i < st.n, "acquire gave %p, none of the released stacks", s.lo);
	ck_assert(s.hi == st.s[i].hi && s.sp == st.s[i].sp);
	st.held[i] = 1;
	if (!st.stamp[i])
		return;
	if (st.flags & RTM_STACK_ZERO) {
		assert_bytes(&s, 0, STACK_SIZE, 0, "RTM_STACK_ZERO");
		return;
	}
	from = kept_from(&s);
	assert_bytes(&s, from, STACK_KEEP, st.stamp[i], "kept resident");
	/* The rest was purged (reads zero), or its purge refused: as it
	 * was, or zero where the refused call was the purge's second
	 * (Windows: the decommit went through, the commit was made again). */
	{
		size_t lo = from ? 0 : STACK_KEEP, n = STACK_SIZE - STACK_KEEP;
		unsigned char v = 0;

		if (st.kept_all[i] && ((const unsigned char *)s.lo)[lo] != 0)
			v = st.stamp[i];
		assert_bytes(&s, lo, n, v, "past keep_resident");
	}
}

/* ---- setups and cleanups ---- */

static void pool_begin(unsigned flags, size_t limit, size_t stacks, void **state)
{
	struct rtm_stack_config c = stack_fault_config(flags, limit);

	memset(&st, 0, sizeof st);
	st.flags = flags;
	st.p = rtm_stack_pool_create(&c);
	ck_assert_ptr_nonnull(st.p);
	while (st.n < stacks)
		acquire_checked();
	*state = &st;
}

static void pool_end(void **state)
{
	(void)state;
	rtm_stack_pool_destroy(st.p);
	st.p = NULL;
}

static void empty_pool(void **state)
{
	pool_begin(0, 0, 0, state);
}

/* One chunk full: the next acquire maps a second. The limit leaves the
 * second chunk two slots, and is what a failed chunk that kept its claim
 * on them would run into. */
static void full_chunk(void **state)
{
	size_t reserved;

	pool_begin(0, STACK_CHUNK_SLOTS + 2, 1, state);
	reserved = rtm_stack_pool_stats(st.p).reserved;
	while (st.n < STACK_CHUNK_SLOTS)
		acquire_checked();
	/* All in the first chunk, or this would test no second one. */
	ck_assert_uint_eq(rtm_stack_pool_stats(st.p).reserved, reserved);
}

/* The chunk's slots all still there: the rest of them are handed out
 * before the pool needs a second chunk (a failed acquire that kept a slot
 * from the chunk's free masks would make it map one sooner). */
static void first_chunk_end(void **state)
{
	size_t reserved = rtm_stack_pool_stats(st.p).reserved;

	while (st.n < STACK_CHUNK_SLOTS)
		acquire_checked();
	ck_assert_msg(rtm_stack_pool_stats(st.p).reserved == reserved,
	              "%zu stacks took a second chunk", st.n);
	pool_end(state);
}

static void one_filled(unsigned flags, void **state)
{
	pool_begin(flags, 0, 1, state);
	fill(0, 0xa5);
}

static void one_filled_plain(void **state)
{
	one_filled(0, state);
}

static void one_filled_zero(void **state)
{
	one_filled(RTM_STACK_ZERO, state);
}

static void three_filled(void **state)
{
	pool_begin(0, 0, 3, state);
	for (size_t i = 0; i < 3; i++)
		fill(i, (unsigned char)(0x10 + i));
}

/* Two chunks, half the stacks cached. */
static void two_chunks_half_cached(void **state)
{
	pool_begin(0, 0, STACK_CHUNK_SLOTS + 2, state);
	for (size_t i = 0; i < st.n; i += 2)
		release_checked(i);
}

static void no_pool_yet(void **state)
{
	memset(&st, 0, sizeof st);
	*state = &st;
}

static void no_cleanup(void **state)
{
	(void)state;
}

/* ---- the faulted parts ---- */

static void create_run(void **state)
{
	struct rtm_stack_config c = stack_fault_config(0, 0);
	unsigned f0 = failed_now();

	(void)state;
	st.p = rtm_stack_pool_create(&c);
	if (failed_now() != f0)
		ck_assert_ptr_null(st.p);
	else
		ck_assert_ptr_nonnull(st.p);
}

/* The first chunk (a reservation, its header's commit, slot 0's commit),
 * then a fresh slot in it (one commit). */
static void first_chunk_run(void **state)
{
	(void)state;
	acquire_checked();
	acquire_checked();
}

/* The second chunk and a fresh slot in it; then the limit, which refuses
 * with no OS call. */
static void second_chunk_run(void **state)
{
	struct rtm_stack_stats before = rtm_stack_pool_stats(st.p);
	struct rtm_stack s;
	unsigned calls;

	(void)state;
	acquire_checked();
	ck_assert_uint_gt(rtm_stack_pool_stats(st.p).reserved, before.reserved);
	acquire_checked();
	before = rtm_stack_pool_stats(st.p);
	calls = calls_now();
	ck_assert_int_eq(rtm_stack_acquire(st.p, &s), RTM_ENOMEM);
	ck_assert_uint_eq(calls_now(), calls);
	ck_assert_stats_eq(before, rtm_stack_pool_stats(st.p));
}

static void release_run(void **state)
{
	(void)state;
	release_checked(0);
	reacquire_checked();
}

/* Three rounds: every stack released (a purge each), then all three back
 * from the cache and filled again. */
static void cycles_run(void **state)
{
	(void)state;
	for (unsigned round = 0; round < 3; round++) {
		for (size_t i = 0; i < 3; i++)
			release_checked(i);
		for (size_t i = 0; i < 3; i++)
			reacquire_checked();
		for (size_t i = 0; i < 3; i++)
			fill(i, (unsigned char)(0x20 + 3 * round + i));
	}
}

static void destroy_run(void **state)
{
	(void)state;
	rtm_stack_pool_destroy(st.p);
	st.p = NULL;
}

const struct scenario stack_scenarios[] = {
	{ "stack pool create", no_pool_yet, create_run, pool_end },
	{ "stack acquire: first chunk, fresh slot", empty_pool, first_chunk_run, first_chunk_end },
	{ "stack acquire: second chunk, limit", full_chunk, second_chunk_run, pool_end },
	{ "stack release (purge)", one_filled_plain, release_run, pool_end },
	{ "stack release, RTM_STACK_ZERO", one_filled_zero, release_run, pool_end },
	{ "stack release and reacquire x3", three_filled, cycles_run, pool_end },
	{ "stack pool destroy", two_chunks_half_cached, destroy_run, no_cleanup },
};

const unsigned stack_scenario_count = sizeof stack_scenarios / sizeof stack_scenarios[0];
