/* rtm_decommit: Ready -> Reserved. Contents and pages go back, access
 * faults, a recommit reads zero; a range with a hole changes nothing. */
#include <signal.h>
#include <stdint.h>

#include <rtmem/vm.h>

#include "proc.h"
#include "suite.h"

#define MiB ((size_t)1 << 20)

static unsigned char *ready(size_t n)
{
	rtm_mmap_result r = rtm_reserve(NULL, n, 0);

	ck_assert_int_eq(r.err, 0);
	ck_assert_int_eq(rtm_commit(r.addr, n), 0);
	memset(r.addr, 0xa5, n);
	return r.addr;
}

START_TEST(decommitted_memory_faults)
{
	unsigned char *p = ready(page_size());

	ck_assert_int_eq(rtm_decommit(p, page_size()), 0);
	(void)((volatile unsigned char *)p)[0];
}
END_TEST

START_TEST(decommit_then_recommit_reads_zero)
{
	size_t ps = page_size();
	unsigned char *p = ready(4 * ps);
	struct rtm_vm_stats s0 = rtm_vm_stats();

	ck_assert_int_eq(rtm_decommit(p + ps, 2 * ps), 0);
	ck_assert_uint_eq(s0.committed - rtm_vm_stats().committed, 2 * ps);
	ck_assert_uint_eq(rtm_vm_stats().reserved, s0.reserved);
	ck_assert_str_eq(perms_at(p), "rw-p");
	ck_assert_str_eq(perms_at(p + ps), "---p");
	ck_assert_str_eq(perms_at(p + 3 * ps - 1), "---p");
	ck_assert_str_eq(perms_at(p + 3 * ps), "rw-p");
	ck_assert_int_eq(rtm_commit(p + ps, 2 * ps), 0);
	ck_assert_uint_eq(rtm_vm_stats().committed, s0.committed);
	for (size_t k = 0; k < 4 * ps; k++) {
		int inside = k >= ps && k < 3 * ps;
		ck_assert_uint_eq(p[k], inside ? 0 : 0xa5);
	}
}
END_TEST

START_TEST(decommit_gives_the_pages_back)
{
	size_t n = 32 * MiB;
	unsigned char *p = ready(n);
	long rss0 = status_kb("VmRSS");

	ck_assert_uint_ge(smaps_kb(p, p + n, "Rss"), n / 1024);
	ck_assert_int_eq(rtm_decommit(p, n), 0);
	ck_assert_uint_eq(smaps_kb(p, p + n, "Rss"), 0);
	ck_assert_int_le(status_kb("VmRSS"), rss0 - (long)(n / 1024) + 1024);
}
END_TEST

START_TEST(decommit_rounds_the_length_up)
{
	size_t ps = page_size();
	unsigned char *p = ready(2 * ps);
	struct rtm_vm_stats s0 = rtm_vm_stats();

	if (skip_under_emulator32("PROT_NONE mappings may be missing from the maps"))
		return;
	ck_assert_int_eq(rtm_decommit(p, 1), 0);
	ck_assert_uint_eq(s0.committed - rtm_vm_stats().committed, ps);
	ck_assert_str_eq(perms_at(p + ps - 1), "---p");
	ck_assert_str_eq(perms_at(p + ps), "rw-p");
}
END_TEST

static void assert_decommit_refused(unsigned char *p, size_t n, int err, unsigned char *probe)
{
	struct rtm_vm_stats s0 = rtm_vm_stats();

	ck_assert_int_eq(rtm_decommit(p, n), err);
	ck_assert_uint_eq(rtm_vm_stats().committed, s0.committed);
	ck_assert_uint_eq(rtm_vm_stats().reserved, s0.reserved);
	if (probe) {
		ck_assert_str_eq(perms_at(probe), "rw-p");
		ck_assert_uint_eq(*probe, 0xa5);
	}
}

START_TEST(bad_ranges_are_einval)
{
	size_t ps = page_size();
	unsigned char *p = ready(2 * ps);

	assert_decommit_refused(p + 1, ps, RTM_EINVAL, p);
	assert_decommit_refused(p, 0, RTM_EINVAL, p);
	assert_decommit_refused(p, (size_t)0 - (uintptr_t)p + ps, RTM_EINVAL, p);
	assert_decommit_refused(p, SIZE_MAX, RTM_EINVAL, p);
	assert_decommit_refused(p, SIZE_MAX - ps + 2, RTM_EINVAL, p);
}
END_TEST

START_TEST(an_unmapped_range_is_enomem_and_nothing_is_mapped)
{
	size_t ps = page_size();
	size_t total0;
	unsigned char *p = ready(4 * ps);

	if (skip_under_emulator32("msync reports no hole"))
		return;
	ck_assert_int_eq(rtm_release_ready(p, 4 * ps, 4 * ps), 0);
	total0 = maps_total(NULL);
	assert_decommit_refused(p, 4 * ps, RTM_ENOMEM, NULL);
	ck_assert_uint_eq(pages_mapped(p, 4 * ps), 0);
	ck_assert_uint_eq(maps_total(NULL), total0);
}
END_TEST

START_TEST(a_range_with_a_hole_is_enomem_and_changes_nothing)
{
	size_t ps = page_size();
	unsigned char *p = ready(3 * ps);
	size_t total0;

	if (skip_under_emulator32("msync reports no hole"))
		return;
	ck_assert_int_eq(rtm_release_ready(p + ps, ps, ps), 0);
	total0 = maps_total(NULL);
	/* MAP_FIXED over the range would fill the hole: it must stay a hole,
	 * and both neighbours must keep their contents. */
	assert_decommit_refused(p, 3 * ps, RTM_ENOMEM, p);
	ck_assert(!page_mapped(p + ps));
	ck_assert_str_eq(perms_at(p + 2 * ps), "rw-p");
	ck_assert_uint_eq(p[3 * ps - 1], 0xa5);
	ck_assert_uint_eq(maps_total(NULL), total0);
}
END_TEST

START_TEST(decommitting_reserved_memory_is_allowed)
{
	size_t ps = page_size();
	rtm_mmap_result r = rtm_reserve(NULL, 2 * ps, 0);
	struct rtm_vm_stats s0 = rtm_vm_stats();

	if (skip_under_emulator32("PROT_NONE mappings may be missing from the maps"))
		return;
	ck_assert_int_eq(r.err, 0);
	ck_assert_int_eq(rtm_decommit(r.addr, 2 * ps), 0);
	ck_assert_str_eq(perms_at(r.addr), "---p");
	ck_assert_uint_eq(rtm_vm_stats().committed, s0.committed);
	ck_assert_int_eq(rtm_release(r.addr, 2 * ps), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vm_decommit");
	TCase *tc = tcase_create("decommit");

	tcase_add_test_raise_signal(tc, decommitted_memory_faults, SIGSEGV);
	tcase_add_test(tc, decommit_then_recommit_reads_zero);
	tcase_add_test(tc, decommit_gives_the_pages_back);
	tcase_add_test(tc, decommit_rounds_the_length_up);
	tcase_add_test(tc, bad_ranges_are_einval);
	tcase_add_test(tc, an_unmapped_range_is_enomem_and_nothing_is_mapped);
	tcase_add_test(tc, a_range_with_a_hole_is_enomem_and_changes_nothing);
	tcase_add_test(tc, decommitting_reserved_memory_is_allowed);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
