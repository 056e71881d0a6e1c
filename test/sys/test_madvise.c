/* rtm_sys_madvise / rtm_madvise: advice that changes contents does so, and
 * the documented refusals. */
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "api.h"
#include "probe.h"

START_TEST(dontneed_gives_back_zero_pages)
{
	const struct api *a = api_begin(_i);
	size_t n = 2 * page_size();
	unsigned char *p = T_ANON(a, n);

	memset(p, 0x77, n);
	ck_assert_int_eq(T_MADVISE(a, p, n, RTM_MADV_DONTNEED), 0);
	for (size_t k = 0; k < n; k++)
		ck_assert_uint_eq(p[k], 0);
	ck_assert_uint_eq(pages_mapped(p, n), 2);
	ck_assert_int_eq(T_MUNMAP(a, p, n), 0);
}
END_TEST

START_TEST(free_leaves_old_contents_or_zeros)
{
	const struct api *a = api_begin(_i);
	size_t n = 2 * page_size();
	unsigned char *p = T_ANON(a, n);

	memset(p, 0x66, n);
	ck_assert_int_eq(T_MADVISE(a, p, n, RTM_MADV_FREE), 0);
	for (size_t k = 0; k < n; k++)
		ck_assert(p[k] == 0x66 || p[k] == 0);
	ck_assert_int_eq(T_MUNMAP(a, p, n), 0);
}
END_TEST

START_TEST(advice_that_keeps_contents_keeps_them)
{
	const struct api *a = api_begin(_i);
	size_t n = page_size();
	unsigned char *p = T_ANON(a, n);
	struct stat st;
	/* Without THP the kernel refuses hugepage advice, as documented. */
	int thp = stat("/sys/kernel/mm/transparent_hugepage", &st) == 0 ? 0 : RTM_EINVAL;

	p[0] = 0x55;
	ck_assert_int_eq(T_MADVISE(a, p, n, RTM_MADV_NORMAL), 0);
	ck_assert_int_eq(T_MADVISE(a, p, n, RTM_MADV_HUGEPAGE), thp);
	ck_assert_int_eq(T_MADVISE(a, p, n, RTM_MADV_NOHUGEPAGE), thp);
	ck_assert_uint_eq(p[0], 0x55);
	ck_assert_int_eq(T_MUNMAP(a, p, n), 0);
}
END_TEST

START_TEST(zero_length_succeeds_and_changes_nothing)
{
	const struct api *a = api_begin(_i);
	unsigned char *p = T_ANON(a, page_size());

	p[0] = 0x44;
	ck_assert_int_eq(T_MADVISE(a, p, 0, RTM_MADV_DONTNEED), 0);
	ck_assert_uint_eq(p[0], 0x44);
	/* The kernel returns before it looks for a mapping. */
	ck_assert_int_eq(T_MUNMAP(a, p, page_size()), 0);
	ck_assert_int_eq(T_MADVISE(a, p, 0, RTM_MADV_DONTNEED), 0);
}
END_TEST

START_TEST(unaligned_address_is_einval)
{
	const struct api *a = api_begin(_i);
	unsigned char *p = T_ANON(a, 2 * page_size());

	p[0] = 0x33;
	ck_assert_int_eq(T_MADVISE(a, p + 1, page_size(), RTM_MADV_DONTNEED), RTM_EINVAL);
	/* Alignment is checked before the zero-length shortcut (rtm_page_size
	 * relies on this). */
	ck_assert_int_eq(T_MADVISE(a, p + 1, 0, RTM_MADV_NORMAL), RTM_EINVAL);
	ck_assert_uint_eq(p[0], 0x33);
	ck_assert_int_eq(T_MUNMAP(a, p, 2 * page_size()), 0);
}
END_TEST

START_TEST(unknown_advice_is_einval)
{
	const struct api *a = api_begin(_i);
	void *p = T_ANON(a, page_size());

	if (skip_under_emulator("madvise takes any advice"))
		return;
	ck_assert_int_eq(T_MADVISE(a, p, page_size(), 12345), RTM_EINVAL);
	ck_assert_int_eq(T_MADVISE(a, p, page_size(), -1), RTM_EINVAL);
	/* The advice is checked before anything else, even with n == 0. */
	ck_assert_int_eq(T_MADVISE(a, p, 0, 12345), RTM_EINVAL);
	ck_assert_int_eq(T_MUNMAP(a, p, page_size()), 0);
}
END_TEST

START_TEST(range_not_fully_mapped_is_enomem)
{
	const struct api *a = api_begin(_i);
	size_t pg = page_size();
	unsigned char *p = T_ANON(a, 2 * pg);

	if (skip_under_emulator("madvise reports no hole"))
		return;
	ck_assert_int_eq(T_MUNMAP(a, p + pg, pg), 0);
	ck_assert_int_eq(T_MADVISE(a, p + pg, pg, RTM_MADV_NORMAL), RTM_ENOMEM);
	ck_assert_int_eq(T_MADVISE(a, p, 2 * pg, RTM_MADV_DONTNEED), RTM_ENOMEM);
	ck_assert_int_eq(T_MUNMAP(a, p, pg), 0);
	ck_assert_int_eq(T_MADVISE(a, p, pg, RTM_MADV_DONTNEED), RTM_ENOMEM);
}
END_TEST

START_TEST(dontneed_on_locked_pages_is_einval)
{
	const struct api *a = api_begin(_i);
	unsigned char *p = T_ANON(a, page_size());

	p[0] = 0x22;
	/* The system call, not libc's mlock: ASan intercepts mlock and does
	 * nothing, which would leave the page unlocked. */
	ck_assert_msg(syscall(SYS_mlock, p, page_size()) == 0, "mlock: %s", strerror(errno));
	ck_assert_int_eq(T_MADVISE(a, p, page_size(), RTM_MADV_DONTNEED), RTM_EINVAL);
	ck_assert_uint_eq(p[0], 0x22);
	ck_assert_int_eq(T_MUNMAP(a, p, page_size()), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("madvise");
	TCase *tc = tcase_create("madvise");

	tcase_add_checked_fixture(tc, NULL, hooks_off);
	tcase_add_loop_test(tc, dontneed_gives_back_zero_pages, 0, API_COUNT);
	tcase_add_loop_test(tc, free_leaves_old_contents_or_zeros, 0, API_COUNT);
	tcase_add_loop_test(tc, advice_that_keeps_contents_keeps_them, 0, API_COUNT);
	tcase_add_loop_test(tc, zero_length_succeeds_and_changes_nothing, 0, API_COUNT);
	tcase_add_loop_test(tc, unaligned_address_is_einval, 0, API_COUNT);
	tcase_add_loop_test(tc, unknown_advice_is_einval, 0, API_COUNT);
	tcase_add_loop_test(tc, range_not_fully_mapped_is_enomem, 0, API_COUNT);
	tcase_add_loop_test(tc, dontneed_on_locked_pages_is_einval, 0, API_COUNT);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
