/* rtm_release / rtm_release_ready: any -> None, counted exactly, and
 * refused without unmapping anything when the books say it cannot be. */
#include <stdint.h>

#include <rtmem/vm.h>

#include "proc.h"
#include "suite.h"

static void *reserve(size_t n)
{
	rtm_mmap_result r = rtm_reserve(NULL, n, 0);

	ck_assert_int_eq(r.err, 0);
	return r.addr;
}

START_TEST(release_unmaps_and_takes_the_rounded_size_off)
{
	size_t ps = page_size();
	size_t total0 = maps_total(NULL);
	struct rtm_vm_stats s0 = rtm_vm_stats();
	void *p = reserve(5 * ps + 1);

	ck_assert_uint_eq(rtm_vm_stats().reserved - s0.reserved, 6 * ps);
	ck_assert_int_eq(rtm_release(p, 5 * ps + 1), 0);
	ck_assert_uint_eq(rtm_vm_stats().reserved, s0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, s0.committed);
	ck_assert_uint_eq(pages_mapped(p, 6 * ps), 0);
	ck_assert_uint_eq(maps_total(NULL), total0);
}
END_TEST

START_TEST(release_ready_takes_both_counts_off)
{
	size_t ps = page_size();
	struct rtm_vm_stats s0 = rtm_vm_stats();
	unsigned char *p = reserve(8 * ps);

	ck_assert_int_eq(rtm_commit(p, 3 * ps), 0);
	memset(p, 1, 3 * ps);
	/* ready is rounded up like n: 2 pages and a byte are 3 pages. */
	ck_assert_int_eq(rtm_release_ready(p, 8 * ps, 2 * ps + 1), 0);
	ck_assert_uint_eq(rtm_vm_stats().reserved, s0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, s0.committed);
	ck_assert_uint_eq(pages_mapped(p, 8 * ps), 0);
}
END_TEST

START_TEST(releasing_part_of_a_region_keeps_the_rest)
{
	size_t ps = page_size();
	struct rtm_vm_stats s0 = rtm_vm_stats();
	unsigned char *p = reserve(4 * ps);

	if (skip_under_emulator32("PROT_NONE mappings may be missing from the maps"))
		return;
	ck_assert_int_eq(rtm_release(p + 2 * ps, 2 * ps), 0);
	ck_assert_uint_eq(rtm_vm_stats().reserved - s0.reserved, 2 * ps);
	ck_assert_uint_eq(pages_mapped(p, 4 * ps), 2);
	ck_assert_int_eq(rtm_release(p, 2 * ps), 0);
	ck_assert_uint_eq(rtm_vm_stats().reserved, s0.reserved);
}
END_TEST

/* A refused release returns EINVAL, unmaps nothing, counts nothing. */
static void assert_release_refused(void *p, size_t n, size_t ready, const void *probe,
                                   size_t probe_pages)
{
	struct rtm_vm_stats s0 = rtm_vm_stats();
	size_t mapped0 = pages_mapped(probe, probe_pages * page_size());
	size_t total0 = maps_total(NULL);

	ck_assert_int_eq(rtm_release_ready(p, n, ready), RTM_EINVAL);
	ck_assert_uint_eq(rtm_vm_stats().reserved, s0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, s0.committed);
	ck_assert_uint_eq(pages_mapped(probe, probe_pages * page_size()), mapped0);
	ck_assert_uint_eq(maps_total(NULL), total0);
}

START_TEST(bad_ranges_are_einval)
{
	size_t ps = page_size();
	unsigned char *p = reserve(2 * ps);

	assert_release_refused(p + 1, ps, 0, p, 2);
	assert_release_refused(p, 0, 0, p, 2);
	assert_release_refused(p, (size_t)0 - (uintptr_t)p + ps, 0, p, 2);
	assert_release_refused(p, SIZE_MAX, 0, p, 2);
	ck_assert_int_eq(rtm_release(p + 1, ps), RTM_EINVAL);
}
END_TEST

START_TEST(a_double_release_is_einval)
{
	size_t ps = page_size();
	void *p = reserve(2 * ps);

	ck_assert_int_eq(rtm_release(p, 2 * ps), 0);
	assert_release_refused(p, 2 * ps, 0, p, 2);
}
END_TEST

START_TEST(a_double_release_is_einval_while_other_regions_live)
{
	size_t ps = page_size();
	void *a = reserve(2 * ps);
	void *b = reserve(16 * ps);

	if (skip_under_emulator32("msync reports no hole"))
		return;
	ck_assert_int_eq(rtm_release(a, 2 * ps), 0);
	/* b keeps enough counted to cover a twice over: the second release
	 * must still be told apart, or b's bytes vanish from the count. */
	assert_release_refused(a, 2 * ps, 0, b, 16);
	ck_assert_uint_eq(rtm_vm_stats().reserved, 16 * ps);
	ck_assert_int_eq(rtm_release(b, 16 * ps), 0);
	ck_assert_uint_eq(rtm_vm_stats().reserved, 0);
}
END_TEST

START_TEST(releasing_more_than_was_reserved_is_einval)
{
	size_t ps = page_size();
	rtm_mmap_result hole = rtm_reserve(NULL, 8 * ps, 0);
	unsigned char *p;

	if (skip_under_emulator32("PROT_NONE mappings may be missing from the maps"))
		return;
	/* 2 pages reserved in a free 8-page hole: releasing 8 asks for more
	 * than rtmem holds in all. */
	ck_assert_int_eq(hole.err, 0);
	ck_assert_int_eq(rtm_release(hole.addr, 8 * ps), 0);
	p = rtm_reserve(hole.addr, 2 * ps, 0).addr;
	ck_assert_ptr_eq(p, hole.addr);
	assert_release_refused(p, 8 * ps, 0, p, 2);
	ck_assert_uint_eq(pages_mapped(p, 2 * ps), 2);
}
END_TEST

START_TEST(ready_beyond_n_is_einval)
{
	size_t ps = page_size();
	unsigned char *p = reserve(2 * ps);

	ck_assert_int_eq(rtm_commit(p, 2 * ps), 0);
	assert_release_refused(p, 2 * ps, 2 * ps + 1, p, 2);
	assert_release_refused(p, 2 * ps, 3 * ps, p, 2);
	assert_release_refused(p, 2 * ps, SIZE_MAX, p, 2);
	ck_assert_int_eq(rtm_release_ready(p, 2 * ps, 2 * ps), 0);
}
END_TEST

/* vm.h: the totals are per call, so an allowed decommit of another
 * region's never-committed pages takes the committed total below what
 * this region holds. Its release must still unmap it all and bring both
 * totals to zero; a second release is still refused by the hole. */
START_TEST(a_release_goes_through_when_a_stranger_took_the_committed_count)
{
	size_t ps = page_size();
	unsigned char *a = reserve(4 * ps);
	unsigned char *b = reserve(4 * ps);

	if (skip_under_emulator32("PROT_NONE mappings may be missing from the maps"))
		return;
	ck_assert_int_eq(rtm_commit(a, 4 * ps), 0);
	ck_assert_int_eq(rtm_decommit(b, 4 * ps), 0);
	ck_assert_uint_eq(rtm_vm_stats().committed, 0);
	ck_assert_int_eq(rtm_release_ready(a, 4 * ps, 4 * ps), 0);
	ck_assert_uint_eq(pages_mapped(a, 4 * ps), 0);
	ck_assert_uint_eq(rtm_vm_stats().reserved, 4 * ps);
	ck_assert_uint_eq(rtm_vm_stats().committed, 0);
	assert_release_refused(a, 4 * ps, 4 * ps, b, 4);
	ck_assert_int_eq(rtm_release(b, 4 * ps), 0);
	ck_assert_uint_eq(rtm_vm_stats().reserved, 0);
}
END_TEST

/* Less counted than ready, in one region: the committed total goes to
 * zero, not below it, and the region goes. */
START_TEST(ready_beyond_what_is_committed_takes_the_count_to_zero)
{
	size_t ps = page_size();
	unsigned char *p = reserve(4 * ps);

	ck_assert_int_eq(rtm_commit(p, ps), 0);
	ck_assert_int_eq(rtm_release_ready(p, 4 * ps, 2 * ps), 0);
	ck_assert_uint_eq(rtm_vm_stats().reserved, 0);
	ck_assert_uint_eq(rtm_vm_stats().committed, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vm_release");
	TCase *tc = tcase_create("release");

	tcase_add_test(tc, release_unmaps_and_takes_the_rounded_size_off);
	tcase_add_test(tc, release_ready_takes_both_counts_off);
	tcase_add_test(tc, releasing_part_of_a_region_keeps_the_rest);
	tcase_add_test(tc, bad_ranges_are_einval);
	tcase_add_test(tc, a_double_release_is_einval);
	tcase_add_test(tc, a_double_release_is_einval_while_other_regions_live);
	tcase_add_test(tc, releasing_more_than_was_reserved_is_einval);
	tcase_add_test(tc, ready_beyond_n_is_einval);
	tcase_add_test(tc, a_release_goes_through_when_a_stranger_took_the_committed_count);
	tcase_add_test(tc, ready_beyond_what_is_committed_takes_the_count_to_zero);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
