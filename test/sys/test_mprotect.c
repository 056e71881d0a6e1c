/* rtm_sys_mprotect / rtm_mprotect: the change is real, and the documented
 * refusals leave the mapping as it was. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "probe.h"

#define RW (RTM_PROT_READ | RTM_PROT_WRITE)

static void expect_perms(const void *p, const char *want)
{
	char perms[5];

	maps_perms(p, perms);
	ck_assert_str_eq(perms, want);
}

START_TEST(new_protection_shows_in_maps_and_keeps_contents)
{
	const struct api *a = api_begin(_i);
	size_t n = 2 * page_size();
	unsigned char *p = T_ANON(a, n);

	memset(p, 0x42, n);
	ck_assert_int_eq(T_MPROTECT(a, p, n, RTM_PROT_READ), 0);
	expect_perms(p, "r--p");
	ck_assert_uint_eq(p[n - 1], 0x42);
	ck_assert_int_eq(T_MPROTECT(a, p, n, RTM_PROT_NONE), 0);
	expect_perms(p, "---p");
	ck_assert_int_eq(T_MPROTECT(a, p, n, RW), 0);
	expect_perms(p, "rw-p");
	ck_assert_uint_eq(p[0], 0x42);
	p[0] = 1;
	ck_assert_int_eq(T_MUNMAP(a, p, n), 0);
}
END_TEST

START_TEST(protecting_one_page_splits_the_mapping)
{
	const struct api *a = api_begin(_i);
	size_t pg = page_size();
	unsigned char *p = T_ANON(a, 3 * pg);

	ck_assert_int_eq(T_MPROTECT(a, p + pg, pg, RTM_PROT_NONE), 0);
	expect_perms(p, "rw-p");
	expect_perms(p + pg, "---p");
	expect_perms(p + 2 * pg, "rw-p");
	ck_assert_int_eq(T_MUNMAP(a, p, 3 * pg), 0);
}
END_TEST

/* Runs with SIGSEGV expected: the write must fault. */
START_TEST(writing_a_read_only_page_faults)
{
	const struct api *a = api_begin(_i);
	volatile unsigned char *p = T_ANON(a, page_size());

	ck_assert_int_eq(T_MPROTECT(a, (void *)p, page_size(), RTM_PROT_READ), 0);
	p[0] = 1;
	ck_abort_msg("%s: write to a read-only page did not fault", a->name);
}
END_TEST

START_TEST(zero_length_succeeds_and_changes_nothing)
{
	const struct api *a = api_begin(_i);
	void *p = T_ANON(a, page_size());

	if (skip_under_emulator("mprotect of length 0 is ENOMEM"))
		return;
	ck_assert_int_eq(T_MPROTECT(a, p, 0, RTM_PROT_NONE), 0);
	expect_perms(p, "rw-p");
	/* The kernel returns before it looks for a mapping. */
	ck_assert_int_eq(T_MUNMAP(a, p, page_size()), 0);
	ck_assert_int_eq(T_MPROTECT(a, p, 0, RTM_PROT_READ), 0);
}
END_TEST

START_TEST(unaligned_address_is_einval)
{
	const struct api *a = api_begin(_i);
	unsigned char *p = T_ANON(a, 2 * page_size());

	ck_assert_int_eq(T_MPROTECT(a, p + 1, page_size(), RTM_PROT_READ), RTM_EINVAL);
	/* Alignment is checked before the zero-length shortcut. */
	ck_assert_int_eq(T_MPROTECT(a, p + 1, 0, RTM_PROT_READ), RTM_EINVAL);
	expect_perms(p, "rw-p");
	ck_assert_int_eq(T_MUNMAP(a, p, 2 * page_size()), 0);
}
END_TEST

START_TEST(unknown_prot_bits_are_einval)
{
	const struct api *a = api_begin(_i);
	void *p = T_ANON(a, page_size());

	/* 0x80 and 0x100 are PROT_* bits on no architecture (arm64 and
	 * powerpc use 0x10 and 0x20). */
	ck_assert_int_eq(T_MPROTECT(a, p, page_size(), RTM_PROT_READ | 0x80), RTM_EINVAL);
	ck_assert_int_eq(T_MPROTECT(a, p, page_size(), 0x100), RTM_EINVAL);
	expect_perms(p, "rw-p");
	ck_assert_int_eq(T_MUNMAP(a, p, page_size()), 0);
}
END_TEST

START_TEST(range_not_fully_mapped_is_enomem)
{
	const struct api *a = api_begin(_i);
	size_t pg = page_size();
	unsigned char *p = T_ANON(a, 2 * pg);

	if (skip_under_emulator32("mprotect reports no hole"))
		return;
	ck_assert_int_eq(T_MUNMAP(a, p + pg, pg), 0);
	ck_assert_int_eq(T_MPROTECT(a, p + pg, pg, RTM_PROT_READ), RTM_ENOMEM);
	ck_assert_int_eq(T_MPROTECT(a, p, 2 * pg, RTM_PROT_READ), RTM_ENOMEM);
	ck_assert_int_eq(T_MUNMAP(a, p, pg), 0);
	ck_assert_int_eq(T_MPROTECT(a, p, pg, RTM_PROT_READ), RTM_ENOMEM);
}
END_TEST

START_TEST(write_to_a_shared_mapping_of_a_read_only_file_is_eacces)
{
	const struct api *a = api_begin(_i);
	int fd = pages_file(1, O_RDONLY);
	rtm_mmap_result shared = T_MMAP(a, NULL, page_size(), RTM_PROT_READ, RTM_MAP_SHARED, fd, 0);
	rtm_mmap_result priv = T_MMAP(a, NULL, page_size(), RTM_PROT_READ, RTM_MAP_PRIVATE, fd, 0);

	ck_assert_int_eq(shared.err, 0);
	ck_assert_int_eq(priv.err, 0);
	ck_assert_int_eq(T_MPROTECT(a, shared.addr, page_size(), RW), RTM_EACCES);
	expect_perms(shared.addr, "r--s");
	/* A private copy may become writable whatever the open mode. */
	ck_assert_int_eq(T_MPROTECT(a, priv.addr, page_size(), RW), 0);
	expect_perms(priv.addr, "rw-p");
	ck_assert_int_eq(T_MUNMAP(a, shared.addr, page_size()), 0);
	ck_assert_int_eq(T_MUNMAP(a, priv.addr, page_size()), 0);
	close(fd);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("mprotect");
	TCase *tc = tcase_create("mprotect");

	tcase_add_checked_fixture(tc, NULL, hooks_off);
	tcase_add_loop_test(tc, new_protection_shows_in_maps_and_keeps_contents, 0, API_COUNT);
	tcase_add_loop_test(tc, protecting_one_page_splits_the_mapping, 0, API_COUNT);
	tcase_add_loop_test_raise_signal(tc, writing_a_read_only_page_faults, SIGSEGV, 0,
	                                 API_COUNT);
	tcase_add_loop_test(tc, zero_length_succeeds_and_changes_nothing, 0, API_COUNT);
	tcase_add_loop_test(tc, unaligned_address_is_einval, 0, API_COUNT);
	tcase_add_loop_test(tc, unknown_prot_bits_are_einval, 0, API_COUNT);
	tcase_add_loop_test(tc, range_not_fully_mapped_is_enomem, 0, API_COUNT);
	tcase_add_loop_test(tc, write_to_a_shared_mapping_of_a_read_only_file_is_eacces, 0,
	                    API_COUNT);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
