/* rtm_commit: Reserved -> Ready. Read-write, zero, counted; refused
 * without a trace for bad ranges and for ranges with a hole. */
#include <signal.h>
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

START_TEST(commit_makes_the_range_read_write_and_zero)
{
	size_t ps = page_size();
	unsigned char *p = reserve(4 * ps);
	struct rtm_vm_stats s0 = rtm_vm_stats();

	ck_assert_int_eq(rtm_commit(p, 2 * ps), 0);
	ck_assert_uint_eq(rtm_vm_stats().committed - s0.committed, 2 * ps);
	ck_assert_uint_eq(rtm_vm_stats().reserved, s0.reserved);
	ck_assert_str_eq(perms_at(p), "rw-p");
	ck_assert_str_eq(perms_at(p + 2 * ps - 1), "rw-p");
	ck_assert_str_eq(perms_at(p + 2 * ps), "---p");
	for (size_t k = 0; k < 2 * ps; k++)
		ck_assert_uint_eq(p[k], 0);
	memset(p, 0x77, 2 * ps);
	ck_assert_uint_eq(p[2 * ps - 1], 0x77);
	ck_assert_int_eq(rtm_release_ready(p, 4 * ps, 2 * ps), 0);
	ck_assert_uint_eq(rtm_vm_stats().committed, s0.committed);
}
END_TEST

START_TEST(commit_rounds_the_length_up_to_a_page)
{
	size_t ps = page_size();
	unsigned char *p = reserve(4 * ps);
	struct rtm_vm_stats s0 = rtm_vm_stats();

	if (skip_under_emulator32("PROT_NONE mappings may be missing from the maps"))
		return;
	ck_assert_int_eq(rtm_commit(p + ps, 1), 0);
	ck_assert_uint_eq(rtm_vm_stats().committed - s0.committed, ps);
	ck_assert_str_eq(perms_at(p), "---p");
	ck_assert_str_eq(perms_at(p + 2 * ps - 1), "rw-p");
	ck_assert_str_eq(perms_at(p + 2 * ps), "---p");
	p[2 * ps - 1] = 1;
}
END_TEST

START_TEST(memory_past_a_commit_still_faults)
{
	size_t ps = page_size();
	unsigned char *p = reserve(2 * ps);

	ck_assert_int_eq(rtm_commit(p, ps), 0);
	p[ps - 1] = 1;
	((volatile unsigned char *)p)[ps] = 1;
}
END_TEST

/* A refused commit returns err and leaves the protections and the
 * counters as they were. */
static void assert_commit_refused(void *p, size_t n, int err, const void *probe)
{
	struct rtm_vm_stats s0 = rtm_vm_stats();
	char perms[5];

	strcpy(perms, perms_at(probe));
	ck_assert_int_eq(rtm_commit(p, n), err);
	ck_assert_str_eq(perms_at(probe), perms);
	ck_assert_uint_eq(rtm_vm_stats().committed, s0.committed);
	ck_assert_uint_eq(rtm_vm_stats().reserved, s0.reserved);
}

START_TEST(bad_ranges_are_einval)
{
	size_t ps = page_size();
	unsigned char *p = reserve(4 * ps);

	if (skip_under_emulator32("PROT_NONE mappings may be missing from the maps"))
		return;
	assert_commit_refused(p + 1, ps, RTM_EINVAL, p);
	assert_commit_refused(p + ps / 2, ps, RTM_EINVAL, p);
	assert_commit_refused(p, 0, RTM_EINVAL, p);
	/* p + n wraps, and n that wraps when rounded to a page. */
	assert_commit_refused(p, (size_t)0 - (uintptr_t)p + ps, RTM_EINVAL, p);
	assert_commit_refused(p, SIZE_MAX, RTM_EINVAL, p);
	assert_commit_refused(p, SIZE_MAX - ps + 2, RTM_EINVAL, p);
	ck_assert_str_eq(perms_at(p + 3 * ps), "---p");
}
END_TEST

START_TEST(an_unmapped_range_is_enomem_and_stays_unmapped)
{
	size_t ps = page_size();
	unsigned char *p = reserve(2 * ps);

	if (skip_under_emulator32("mprotect reports no hole"))
		return;
	ck_assert_int_eq(rtm_release(p, 2 * ps), 0);
	assert_commit_refused(p, 2 * ps, RTM_ENOMEM, p);
	ck_assert_uint_eq(pages_mapped(p, 2 * ps), 0);
}
END_TEST

START_TEST(a_range_with_a_hole_is_enomem_and_changes_nothing)
{
	size_t ps = page_size();
	unsigned char *p = reserve(3 * ps);

	if (skip_under_emulator32("mprotect reports no hole"))
		return;
	ck_assert_int_eq(rtm_release(p + ps, ps), 0);
	/* The page before the hole must not have become writable, nor the
	 * one after it: a failed call leaves the region as it was. */
	assert_commit_refused(p, 3 * ps, RTM_ENOMEM, p);
	ck_assert_str_eq(perms_at(p + 2 * ps), "---p");
	ck_assert_uint_eq(pages_mapped(p, 3 * ps), 2);
}
END_TEST

START_TEST(a_range_ending_past_the_mapping_is_enomem_and_changes_nothing)
{
	size_t ps = page_size();
	rtm_mmap_result hole = rtm_reserve(NULL, 4 * ps, 0);
	unsigned char *p;

	if (skip_under_emulator32("mprotect reports no hole"))
		return;
	/* Two pages reserved at the start of a four-page hole. */
	ck_assert_int_eq(hole.err, 0);
	ck_assert_int_eq(rtm_release(hole.addr, 4 * ps), 0);
	p = rtm_reserve(hole.addr, 2 * ps, 0).addr;
	ck_assert_ptr_eq(p, hole.addr);
	assert_commit_refused(p, 4 * ps, RTM_ENOMEM, p + ps);
	ck_assert_uint_eq(pages_mapped(p, 4 * ps), 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vm_commit");
	TCase *tc = tcase_create("commit");

	tcase_add_test(tc, commit_makes_the_range_read_write_and_zero);
	tcase_add_test(tc, commit_rounds_the_length_up_to_a_page);
	tcase_add_test_raise_signal(tc, memory_past_a_commit_still_faults, SIGSEGV);
	tcase_add_test(tc, bad_ranges_are_einval);
	tcase_add_test(tc, an_unmapped_range_is_enomem_and_stays_unmapped);
	tcase_add_test(tc, a_range_with_a_hole_is_enomem_and_changes_nothing);
	tcase_add_test(tc, a_range_ending_past_the_mapping_is_enomem_and_changes_nothing);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
