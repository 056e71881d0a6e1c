/* rtm_sys_munmap / rtm_munmap: what goes away, what stays, what is refused. */
#include <string.h>

#include "api.h"
#include "probe.h"

START_TEST(unmapping_removes_every_page)
{
	const struct api *a = api_begin(_i);
	size_t n = 3 * page_size();
	void *p = T_ANON(a, n);
	char perms[5];

	ck_assert_int_eq(T_MUNMAP(a, p, n), 0);
	ck_assert_uint_eq(pages_mapped(p, n), 0);
	maps_perms(p, perms);
	ck_assert_str_eq(perms, "");
}
END_TEST

START_TEST(unmapping_the_middle_page_keeps_both_ends)
{
	const struct api *a = api_begin(_i);
	size_t pg = page_size();
	unsigned char *p = T_ANON(a, 3 * pg);

	memset(p, 0x3c, 3 * pg);
	ck_assert_int_eq(T_MUNMAP(a, p + pg, pg), 0);
	ck_assert(page_mapped(p) && !page_mapped(p + pg) && page_mapped(p + 2 * pg));
	ck_assert_uint_eq(p[pg - 1], 0x3c);
	ck_assert_uint_eq(p[2 * pg], 0x3c);
	ck_assert_int_eq(T_MUNMAP(a, p, 3 * pg), 0);
}
END_TEST

START_TEST(length_is_rounded_up_to_whole_pages)
{
	const struct api *a = api_begin(_i);
	size_t pg = page_size();
	unsigned char *p = T_ANON(a, 2 * pg);

	ck_assert_int_eq(T_MUNMAP(a, p, 1), 0);
	ck_assert(!page_mapped(p) && page_mapped(p + pg));
	ck_assert_int_eq(T_MUNMAP(a, p, 2 * pg), 0);
}
END_TEST

START_TEST(unmapping_an_unmapped_range_is_not_an_error)
{
	const struct api *a = api_begin(_i);
	size_t n = 2 * page_size();
	void *p = T_ANON(a, n);

	ck_assert_int_eq(T_MUNMAP(a, p, n), 0);
	ck_assert_int_eq(T_MUNMAP(a, p, n), 0);
	ck_assert_uint_eq(pages_mapped(p, n), 0);
}
END_TEST

START_TEST(zero_length_is_einval)
{
	const struct api *a = api_begin(_i);
	void *p = T_ANON(a, page_size());

	ck_assert_int_eq(T_MUNMAP(a, p, 0), RTM_EINVAL);
	ck_assert(page_mapped(p));
	ck_assert_int_eq(T_MUNMAP(a, p, page_size()), 0);
}
END_TEST

START_TEST(unaligned_address_is_einval)
{
	const struct api *a = api_begin(_i);
	size_t n = 2 * page_size();
	unsigned char *p = T_ANON(a, n);

	ck_assert_int_eq(T_MUNMAP(a, p + 1, page_size()), RTM_EINVAL);
	ck_assert_int_eq(T_MUNMAP(a, p + page_size() / 2, page_size()), RTM_EINVAL);
	ck_assert_uint_eq(pages_mapped(p, n), 2);
	ck_assert_int_eq(T_MUNMAP(a, p, n), 0);
}
END_TEST

START_TEST(range_that_wraps_the_address_space_is_einval)
{
	const struct api *a = api_begin(_i);
	unsigned char *p = T_ANON(a, page_size());
	/* p + n lands one page past the top of the address space, i.e. wraps. */
	size_t n = (size_t)0 - (uintptr_t)p + page_size();

	ck_assert_int_eq(T_MUNMAP(a, p, n), RTM_EINVAL);
	ck_assert_int_eq(T_MUNMAP(a, p, SIZE_MAX), RTM_EINVAL);
	ck_assert(page_mapped(p));
	ck_assert_int_eq(T_MUNMAP(a, p, page_size()), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("munmap");
	TCase *tc = tcase_create("munmap");

	tcase_add_checked_fixture(tc, NULL, hooks_off);
	tcase_add_loop_test(tc, unmapping_removes_every_page, 0, API_COUNT);
	tcase_add_loop_test(tc, unmapping_the_middle_page_keeps_both_ends, 0, API_COUNT);
	tcase_add_loop_test(tc, length_is_rounded_up_to_whole_pages, 0, API_COUNT);
	tcase_add_loop_test(tc, unmapping_an_unmapped_range_is_not_an_error, 0, API_COUNT);
	tcase_add_loop_test(tc, zero_length_is_einval, 0, API_COUNT);
	tcase_add_loop_test(tc, unaligned_address_is_einval, 0, API_COUNT);
	tcase_add_loop_test(tc, range_that_wraps_the_address_space_is_einval, 0, API_COUNT);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
