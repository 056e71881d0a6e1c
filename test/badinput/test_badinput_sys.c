/* Bad input to the mmap layer (<rtmem/sys.h>) that test/sys does not try:
 * a NULL address, and lengths that wrap the address space. Each case runs
 * through every way in (api.h: rtm_sys_*, rtm_* without hooks, rtm_* with
 * rtm_libc_hooks), since the header promises the same answer from all
 * three. Between two state snapshots (state.h) the calls are made
 * directly, not through api.h's T_* wrappers, which assert as they go;
 * errno is checked as they do, once the second snapshot is taken. */
#include <string.h>

#include "api.h"
#include "proc.h"
#include "state.h"
#include "suite.h"

/* munmap, mprotect and madvise at address 0, next to a live mapping that
 * must come through untouched. */
START_TEST(a_null_address_gets_the_kernels_answer_and_changes_nothing)
{
	const struct api *a = api_begin(_i);
	size_t ps = page_size();
	unsigned char *p = T_ANON(a, ps);
	struct state s0, s1;
	int e_munmap, e_mprotect, e_madvise, errno_after;

	/* It would map page 0 readable (emulator.h). */
	if (skip_under_emulator32("mprotect reports no hole"))
		return;
	p[0] = 0x5a;
	/* Page 0 lies below vm.mmap_min_addr and is never mapped: the
	 * answers below are about an empty range, not about a mapping. */
	ck_assert(!page_mapped(NULL));
	s0 = state_now();
	errno = ERRNO_SENTINEL;
	e_munmap = a->munmap(NULL, ps);
	e_mprotect = a->mprotect(NULL, ps, RTM_PROT_READ);
	e_madvise = a->madvise(NULL, ps, RTM_MADV_DONTNEED);
	errno_after = errno;
	s1 = state_now();
	errno = errno_after;
	ERRNO_KEPT(a, "munmap, mprotect, madvise", __LINE__);
	/* sys.h: unmapping a range that holds no mapping is not an error;
	 * mprotect and madvise on it are RTM_ENOMEM (not mapped). */
	ck_assert_int_eq(e_munmap, 0);
	ck_assert_int_eq(e_mprotect, RTM_ENOMEM);
	if (!emulator()) /* its madvise reports no hole (emulator.h) */
		ck_assert_int_eq(e_madvise, RTM_ENOMEM);
	ASSERT_STATE_EQ(s1, s0);
	ck_assert_str_eq(perms_at(p), "rw-p");
	ck_assert_uint_eq(p[0], 0x5a);
	ck_assert_int_eq(T_MUNMAP(a, p, ps), 0);
}
END_TEST

/* mprotect and madvise with a length that runs past the top of the
 * address space: one that wraps as given, SIZE_MAX, and one that wraps
 * only once rounded up to a page (to 0, which a careless length check
 * takes for "nothing to do"). The kernel refuses all three, mprotect with
 * RTM_ENOMEM (sys.h: part of the range is not mapped) and madvise with
 * RTM_EINVAL (madvise(2): "length is negative", passed through as sys.h
 * says; the header does not list it). Neither may touch the mapping. */
START_TEST(lengths_that_wrap_are_refused_and_change_nothing)
{
	const struct api *a = api_begin(_i);
	size_t ps = page_size();
	unsigned char *p = T_ANON(a, 2 * ps);
	const size_t wraps[] = { (size_t)0 - (uintptr_t)p + ps, SIZE_MAX, SIZE_MAX - ps + 2 };

	memset(p, 0x3c, 2 * ps);
	for (size_t k = 0; k < sizeof wraps / sizeof wraps[0]; k++) {
		struct state s0 = state_now(), s1;
		int e_mprotect, e_madvise, errno_after;

		errno = ERRNO_SENTINEL;
		e_mprotect = a->mprotect(p, wraps[k], RTM_PROT_READ);
		e_madvise = a->madvise(p, wraps[k], RTM_MADV_DONTNEED);
		errno_after = errno;
		s1 = state_now();
		errno = errno_after;
		ERRNO_KEPT(a, "mprotect, madvise", __LINE__);
		ck_assert_msg(e_mprotect == RTM_ENOMEM, "%s: mprotect(p, %zu) gave %d", a->name,
		              wraps[k], e_mprotect);
		ck_assert_msg(e_madvise == RTM_EINVAL, "%s: madvise(p, %zu) gave %d", a->name,
		              wraps[k], e_madvise);
		ASSERT_STATE_EQ(s1, s0);
		/* Still writable, and DONTNEED dropped nothing. */
		ck_assert_str_eq(perms_at(p), "rw-p");
		ck_assert_str_eq(perms_at(p + ps), "rw-p");
		ck_assert_uint_eq(p[0], 0x3c);
		ck_assert_uint_eq(p[2 * ps - 1], 0x3c);
	}
	ck_assert_int_eq(T_MUNMAP(a, p, 2 * ps), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("badinput_sys");
	TCase *tc = tcase_create("sys");

	tcase_add_checked_fixture(tc, NULL, hooks_off);
	tcase_add_loop_test(tc, a_null_address_gets_the_kernels_answer_and_changes_nothing, 0,
	                    API_COUNT);
	tcase_add_loop_test(tc, lengths_that_wrap_are_refused_and_change_nothing, 0, API_COUNT);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
