/* Where an arena stops: its limit, RTM_ARENA_FIXED, and the OS running
 * out of address space. Each stop returns NULL and changes nothing. */
#include <stdint.h>
#include <sys/resource.h>

#include "arena_util.h"
#include "proc.h"
#include "suite.h"

/* The allocation is refused and the arena is as it was. */
static void assert_alloc_refused(rtm_arena *a, size_t size, size_t align)
{
	struct rtm_arena_stats s0 = rtm_arena_stats(a);
	struct rtm_vm_stats vm0 = rtm_vm_stats();

	ck_assert_ptr_null(rtm_arena_alloc(a, size, align));
	ASSERT_STATS_EQ(rtm_arena_stats(a), s0);
	ck_assert_uint_eq(rtm_vm_stats().reserved, vm0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, vm0.committed);
}

START_TEST(the_limit_counts_padding)
{
	rtm_arena *a = arena_with(0, 0, 0, 100, 0);
	unsigned char *p = rtm_arena_alloc(a, 1, 1), *q;

	ck_assert_ptr_nonnull(p);
	q = rtm_arena_alloc(a, 1, 64);
	ck_assert_ptr_nonnull(q);
	ck_assert_uint_eq(rtm_arena_stats(a).used, (size_t)(q + 1 - p));
	/* The room left would hold its size at alignment 1, but not at 64:
	 * the bump pointer is one past q, so 63 bytes of padding come first. */
	assert_alloc_refused(a, 100 - rtm_arena_stats(a).used, 64);
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(the_limit_is_reached_exactly_and_never_passed)
{
	size_t limit = 10000;
	rtm_arena *a = arena_with(0, 0, 0, limit, 0);
	unsigned char *p;

	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 1234, 8));
	assert_alloc_refused(a, limit - rtm_arena_stats(a).used + 1, 1);
	p = rtm_arena_alloc(a, limit - rtm_arena_stats(a).used, 1);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(rtm_arena_stats(a).used, limit);
	assert_alloc_refused(a, 1, 1);
	assert_alloc_refused(a, 0, 1); /* size 0 is 1 */
	ck_assert_ptr_null(rtm_arena_alloc_zeroed(a, 1, 1));
	ck_assert_ptr_null(rtm_arena_resize(a, NULL, 0, 1, 1));
	ck_assert_uint_eq(rtm_arena_stats(a).used, limit);
	/* A reset makes room again. */
	rtm_arena_reset(a);
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, limit, 1));
	ck_assert_uint_eq(rtm_arena_stats(a).peak, limit);
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(the_limit_holds_across_blocks)
{
	size_t limit = 300 * KiB;
	rtm_arena *a = arena_with(64 * KiB, 0, 0, limit, 0);
	size_t sizes[] = { 1, 7000, 33, 40000, 5, 12345 };
	unsigned got = 0;

	for (unsigned i = 0;; i++) {
		size_t n = sizes[i % 6], align = (size_t)1 << (i % 7);
		unsigned char *p = rtm_arena_alloc(a, n, align);

		ck_assert_uint_le(rtm_arena_stats(a).used, limit);
		if (!p)
			break;
		fill(p, n, i);
		got++;
	}
	ck_assert_uint_gt(got, 10);
	ck_assert_uint_gt(rtm_arena_stats(a).blocks, 2);
	rtm_arena_reset(a);
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 60 * KiB, 1));
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(a_fixed_arena_stops_at_its_first_block)
{
	rtm_arena *a = arena_with(64 * KiB, 0, 0, 0, RTM_ARENA_FIXED);
	size_t n = 0, room;
	unsigned char *p, *first = NULL;

	while ((p = rtm_arena_alloc(a, 1000, 8)) != NULL) {
		first = first ? first : p;
		fill(p, 1000, (unsigned)n);
		n++;
	}
	/* Every whole 1000 bytes between the header and the block's end. */
	room = 64 * KiB - (size_t)(first - (unsigned char *)a);
	ck_assert_uint_eq(n, room / 1000);
	ck_assert_uint_eq(rtm_arena_stats(a).blocks, 1);
	assert_alloc_refused(a, 1000, 8);
	assert_alloc_refused(a, MiB, 8);
	/* What still fits is still handed out. */
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 1, 1));
	rtm_arena_reset(a);
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 60 * KiB, 1));
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(a_huge_reserve_is_halved_until_the_os_takes_it)
{
	struct rlimit lim;
	rtm_arena *a;
	size_t reserved;

	if (skip_under_emulator("RLIMIT_AS limits nothing"))
		return;
	lim.rlim_cur = lim.rlim_max = (rlim_t)status_kb("VmSize") * 1024 + 48 * MiB;
	ck_assert_int_eq(setrlimit(RLIMIT_AS, &lim), 0);
	a = arena_with(SIZE_MAX / 4 + 1, 0, 0, 0, 0);
	reserved = rtm_arena_stats(a).reserved;
	/* A power-of-two share of a quarter of the address space, halved
	 * until it fits under the limit. */
	ck_assert_uint_le(reserved, 48 * MiB);
	ck_assert_uint_ge(reserved, 16 * MiB);
	ck_assert_uint_eq(reserved & (reserved - 1), 0);
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, MiB, 1));
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(running_out_of_address_space_returns_null_then_recovers)
{
	struct rlimit lim;
	struct rtm_vm_stats vm0 = rtm_vm_stats();
	rtm_arena *a;
	unsigned char *p, *first;
	unsigned n = 0;

	if (skip_under_emulator("RLIMIT_AS limits nothing"))
		return;
	lim.rlim_cur = lim.rlim_max = (rlim_t)status_kb("VmSize") * 1024 + 64 * MiB;
	ck_assert_int_eq(setrlimit(RLIMIT_AS, &lim), 0);
	a = arena_with(0, 0, 0, 0, 0);
	first = rtm_arena_alloc(a, 64, 1);
	fill(first, 64, 999);
	while ((p = rtm_arena_alloc(a, MiB, 1)) != NULL) {
		p[0] = p[MiB - 1] = (unsigned char)n;
		n++;
		ck_assert_uint_lt(n, 1000);
	}
	/* Blocks halve down to what the request needs before giving up. */
	ck_assert_uint_gt(n, 32);
	ck_assert_uint_le(rtm_arena_stats(a).reserved, 64 * MiB);
	ASSERT_VM_MATCHES(a, vm0);
	assert_alloc_refused(a, MiB, 1);
	ASSERT_FILLED(first, 64, 999);
	/* Small requests may still fit in what is left. */
	rtm_arena_reset(a);
	p = rtm_arena_alloc(a, MiB, 1);
	ck_assert_ptr_nonnull(p);
	memset(p, 1, MiB);
	ASSERT_VM_MATCHES(a, vm0);
	rtm_arena_destroy(a);
	ck_assert_uint_eq(rtm_vm_stats().reserved, vm0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, vm0.committed);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arena_limits");
	TCase *tc = tcase_create("limits");
	TCase *os = tcase_create("rlimit");

	tcase_add_test(tc, the_limit_counts_padding);
	tcase_add_test(tc, the_limit_is_reached_exactly_and_never_passed);
	tcase_add_test(tc, the_limit_holds_across_blocks);
	tcase_add_test(tc, a_fixed_arena_stops_at_its_first_block);
	suite_add_tcase(s, tc);
	tcase_add_test(os, a_huge_reserve_is_halved_until_the_os_takes_it);
	tcase_add_test(os, running_out_of_address_space_returns_null_then_recovers);
	suite_add_tcase(s, os);
	return run_suite(s);
}
