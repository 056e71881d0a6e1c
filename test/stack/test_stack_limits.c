/* Every failure is a value and leaves the pool as it was: the limit, the
 * OS refusing a commit or a reservation, and releases of what is not the
 * pool's to take back. The recording hooks (../vm/rec_hooks.h) refuse the
 * calls and keep count of what is mapped through them. */
#include <stdint.h>
#include <sys/resource.h>

#include <rtmem/stack.h>
#include <rtmem/vm.h>

#include "rec_hooks.h"
#include "stack_util.h"

static int stats_eq(struct rtm_stack_stats a, struct rtm_stack_stats b)
{
	return a.acquired == b.acquired && a.cached == b.cached && a.reserved == b.reserved &&
	       a.committed == b.committed;
}

START_TEST(the_limit_is_enomem_and_a_release_makes_room)
{
	struct rtm_stack_config cfg = { 64 * KiB, 0, 0, 3, 0, NULL };
	rtm_stack_pool *p = rtm_stack_pool_create(&cfg);
	struct rtm_stack s[4];
	struct rtm_stack_stats st;

	ck_assert_ptr_nonnull(p);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(rtm_stack_acquire(p, &s[i]), 0);
	st = rtm_stack_pool_stats(p);
	memset(&s[3], 0x11, sizeof s[3]);
	ck_assert_int_eq(rtm_stack_acquire(p, &s[3]), RTM_ENOMEM);
	ck_assert(stats_eq(st, rtm_stack_pool_stats(p)));
	ck_assert_ptr_eq(s[3].lo, (void *)(uintptr_t)0x1111111111111111ull);
	ck_assert_int_eq(rtm_stack_release(p, &s[1]), 0);
	ck_assert_int_eq(rtm_stack_acquire(p, &s[3]), 0);
	ck_assert_ptr_eq(s[3].lo, s[1].lo);
	/* No slot beyond the limit was ever reserved. */
	ck_assert_uint_le(rtm_stack_pool_stats(p).reserved,
	                  3 * (64 * KiB + page_size()) + 2 * rtm_alloc_granularity() + 64 * KiB);
	rtm_stack_pool_destroy(p);
}
END_TEST

/* nth-call refusals of one kind of call. */
static int refuse_op = -1, refuse_arg;
static unsigned refuse_nth;

static int refuse(const struct rec_call *c, unsigned nth)
{
	if ((int)c->op != refuse_op || (c->op == REC_MPROTECT && c->arg != refuse_arg))
		return 0;
	return refuse_nth == 0 || nth == refuse_nth ? ENOMEM : 0;
}

START_TEST(a_refused_commit_of_a_fresh_slot_changes_nothing)
{
	struct rtm_stack_config cfg = { 64 * KiB, 0, 0, 0, 0, NULL };
	rtm_stack_pool *p = rtm_stack_pool_create(&cfg);
	struct rtm_stack a, b;
	struct rtm_stack_stats st;
	struct rtm_vm_stats v;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(rtm_stack_acquire(p, &a), 0); /* the first chunk */
	st = rtm_stack_pool_stats(p);
	v = rtm_vm_stats();
	refuse_op = REC_MPROTECT, refuse_arg = PROT_READ | PROT_WRITE, refuse_nth = 0;
	rec_begin(refuse);
	ck_assert_int_eq(rtm_stack_acquire(p, &b), RTM_ENOMEM);
	rec_end();
	ck_assert(stats_eq(st, rtm_stack_pool_stats(p)));
	ck_assert_uint_eq(rtm_vm_stats().committed, v.committed);
	/* The slot stayed free: the next acquire takes it. */
	ck_assert_int_eq(rtm_stack_acquire(p, &b), 0);
	ck_assert_ptr_eq((char *)b.lo, (char *)a.hi + page_size());
	rtm_stack_pool_destroy(p);
}
END_TEST

START_TEST(a_refused_reservation_or_commit_of_a_new_chunk_leaves_nothing)
{
	struct rtm_stack_config cfg = { 64 * KiB, 0, 0, 0, 0, NULL };
	rtm_stack_pool *p = rtm_stack_pool_create(&cfg);
	static struct rtm_stack full[8 * sizeof(void *)];
	struct rtm_stack b;
	struct rtm_stack_stats st;
	size_t lines0, bytes0, lines1;
	static const struct { int op, arg; unsigned nth; } plans[] = {
		{ REC_MMAP, 0, 1 },                          /* the reservation */
		{ REC_MPROTECT, PROT_READ | PROT_WRITE, 1 }, /* the chunk header */
		{ REC_MPROTECT, PROT_READ | PROT_WRITE, 2 }, /* slot 0's stack */
	};

	ck_assert_ptr_nonnull(p);
	/* A chunk has a word's worth of slots: with all of them acquired,
	 * the next acquire must grow the pool. */
	for (size_t i = 0; i < 8 * sizeof(void *); i++)
		ck_assert_int_eq(rtm_stack_acquire(p, &full[i]), 0);
	for (size_t i = 0; i < sizeof plans / sizeof plans[0]; i++) {
		st = rtm_stack_pool_stats(p);
		bytes0 = maps_total(&lines0);
		refuse_op = plans[i].op, refuse_arg = plans[i].arg, refuse_nth = plans[i].nth;
		rec_begin(refuse);
		ck_assert_int_eq(rtm_stack_acquire(p, &b), RTM_ENOMEM);
		rec_end();
		ck_assert_msg(rec_live_bytes() == 0, "plan %zu left %zu bytes mapped", i,
		              rec_live_bytes());
		ck_assert(stats_eq(st, rtm_stack_pool_stats(p)));
		ck_assert_uint_eq(maps_total(&lines1), bytes0);
		ck_assert_uint_eq(lines1, lines0);
	}
	ck_assert_int_eq(rtm_stack_acquire(p, &b), 0);
	rtm_stack_pool_destroy(p);
}
END_TEST

START_TEST(releases_of_what_is_not_the_pools_are_einval)
{
	struct rtm_stack_config cfg = { 64 * KiB, 0, 0, 0, 0, NULL };
	rtm_stack_pool *p = rtm_stack_pool_create(&cfg), *q = rtm_stack_pool_create(&cfg);
	struct rtm_stack a, b, other, bad;
	struct rtm_stack_stats st;
	char local[64];

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(q);
	ck_assert_int_eq(rtm_stack_acquire(p, &a), 0);
	ck_assert_int_eq(rtm_stack_acquire(p, &b), 0);
	ck_assert_int_eq(rtm_stack_acquire(q, &other), 0);
	memset(b.lo, 0x77, 64 * KiB);
	st = rtm_stack_pool_stats(p);

	ck_assert_int_eq(rtm_stack_release(p, &other), RTM_EINVAL); /* another pool's */
	bad = a;
	bad.hi = (char *)a.hi - page_size(); /* changed */
	ck_assert_int_eq(rtm_stack_release(p, &bad), RTM_EINVAL);
	bad = a;
	bad.lo = (char *)a.lo + page_size(); /* not a start */
	ck_assert_int_eq(rtm_stack_release(p, &bad), RTM_EINVAL);
	bad.lo = (char *)a.lo - page_size(); /* the guard */
	ck_assert_int_eq(rtm_stack_release(p, &bad), RTM_EINVAL);
	bad.lo = local, bad.hi = local + sizeof local;
	ck_assert_int_eq(rtm_stack_release(p, &bad), RTM_EINVAL);
	ck_assert(stats_eq(st, rtm_stack_pool_stats(p)));
	ck_assert_uint_eq(((unsigned char *)b.lo)[0], 0x77);

	/* A second release of a cached stack; a slot never handed out. */
	ck_assert_int_eq(rtm_stack_release(p, &a), 0);
	st = rtm_stack_pool_stats(p);
	ck_assert_int_eq(rtm_stack_release(p, &a), RTM_EINVAL);
	bad.lo = (char *)b.hi + page_size(), bad.hi = (char *)bad.lo + 64 * KiB;
	ck_assert_int_eq(rtm_stack_release(p, &bad), RTM_EINVAL);
	ck_assert(stats_eq(st, rtm_stack_pool_stats(p)));
	rtm_stack_pool_destroy(q);
	rtm_stack_pool_destroy(p);
}
END_TEST

/* Of the two guard pages, the one at the lower address. */
#if defined(__hppa__)
#define GUARD_LOW 1
#else
#define GUARD_LOW 2
#endif

START_TEST(hooks_see_every_mapping_the_pool_makes)
{
	struct rtm_stack_config cfg = { 64 * KiB, 2 * page_size(), 0, 0, 0, NULL };
	rtm_stack_pool *p;
	struct rtm_stack s[100];

	rec_begin(NULL);
	p = rtm_stack_pool_create(&cfg);
	ck_assert_ptr_nonnull(p);
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(rtm_stack_acquire(p, &s[i]), 0);
	for (int i = 0; i < 100; i++) {
		ck_assert_uint_eq(rec_live_overlap((uintptr_t)s[i].lo, (uintptr_t)s[i].hi),
		                  64 * KiB);
		ck_assert_uint_eq(rec_live_overlap((uintptr_t)guard_page(&s[i], GUARD_LOW),
		                                   (uintptr_t)guard_page(&s[i], GUARD_LOW) +
		                                           2 * page_size()),
		                  2 * page_size());
	}
	ck_assert_uint_eq(rec_live_bytes(), rtm_stack_pool_stats(p).reserved);
	rtm_stack_pool_destroy(p);
	ck_assert_uint_eq(rec_live_bytes(), 0);
	rec_end();
}
END_TEST

/* Out of address space (RLIMIT_AS): the acquire that needs a new chunk
 * is RTM_ENOMEM with the pool as it was, and a release makes room. */
START_TEST(running_out_of_address_space_is_enomem_and_a_release_makes_room)
{
	struct rtm_stack_config cfg = { MiB, 0, 0, 0, 0, NULL };
	rtm_stack_pool *p;
	struct rtm_stack s[200], again;
	struct rtm_stack_stats st;
	struct rlimit lim;
	size_t n = 0;
	int err;

	if (skip_under_emulator("RLIMIT_AS limits nothing"))
		return;
	/* Room for the header and one chunk of a word's worth of 1 MiB
	 * stacks, not for a second. */
	lim.rlim_cur = lim.rlim_max = (rlim_t)status_kb("VmSize") * 1024 +
	                              (8 * sizeof(void *) + 8) * (MiB + 64 * KiB);
	ck_assert_int_eq(setrlimit(RLIMIT_AS, &lim), 0);
	p = rtm_stack_pool_create(&cfg);
	ck_assert_ptr_nonnull(p);
	while ((err = rtm_stack_acquire(p, &s[n])) == 0) {
		((volatile char *)s[n].hi)[-1] = 1;
		n++;
		ck_assert_uint_lt(n, 200);
	}
	ck_assert_int_eq(err, RTM_ENOMEM);
	ck_assert_uint_eq(n, 8 * sizeof(void *));
	st = rtm_stack_pool_stats(p);
	ck_assert_int_eq(rtm_stack_acquire(p, &again), RTM_ENOMEM);
	ck_assert(stats_eq(st, rtm_stack_pool_stats(p)));
	ck_assert_int_eq(rtm_stack_release(p, &s[3]), 0);
	ck_assert_int_eq(rtm_stack_acquire(p, &again), 0);
	ck_assert_ptr_eq(again.lo, s[3].lo);
	rtm_stack_pool_destroy(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stack_limits");
	TCase *tc = tcase_create("limits");

	tcase_add_test(tc, the_limit_is_enomem_and_a_release_makes_room);
	tcase_add_test(tc, releases_of_what_is_not_the_pools_are_einval);
	tcase_add_test(tc, running_out_of_address_space_is_enomem_and_a_release_makes_room);
	/* Refusing OS calls needs the hooks (-Dhooks=false compiles them out). */
	if (rtm_hooks_enabled()) {
		tcase_add_test(tc, a_refused_commit_of_a_fresh_slot_changes_nothing);
		tcase_add_test(tc, a_refused_reservation_or_commit_of_a_new_chunk_leaves_nothing);
		tcase_add_test(tc, hooks_see_every_mapping_the_pool_makes);
	}
	suite_add_tcase(s, tc);
	return run_suite(s);
}
