/* rtm_sys_mmap / rtm_mmap on anonymous memory: what a mapping looks like,
 * and every error <rtmem/sys.h> documents that needs no file. */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "api.h"
#include "probe.h"
#include "trap.h"

#define RW   (RTM_PROT_READ | RTM_PROT_WRITE)
#define ANON (RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS)
/* Loop end for what rtmem decides itself: libc hands everything to the kernel. */
#define NO_SYSCALL_APIS API_LIBC

START_TEST(anonymous_mapping_is_zeroed_writable_and_listed)
{
	const struct api *a = api_begin(_i);
	size_t n = 3 * page_size();
	unsigned char *p = T_ANON(a, n);
	char perms[5];

	for (size_t k = 0; k < n; k++)
		ck_assert_uint_eq(p[k], 0);
	memset(p, 0xa5, n);
	ck_assert_uint_eq(p[n - 1], 0xa5);
	ck_assert_uint_eq(pages_mapped(p, n), 3);
	maps_perms(p, perms);
	ck_assert_str_eq(perms, "rw-p");
	ck_assert_int_eq(T_MUNMAP(a, p, n), 0);
}
END_TEST

START_TEST(prot_none_mapping_is_listed_without_access)
{
	const struct api *a = api_begin(_i);
	rtm_mmap_result r = T_MMAP(a, NULL, page_size(), RTM_PROT_NONE, ANON, -1, 0);
	char perms[5];

	ck_assert_int_eq(r.err, 0);
	maps_perms(r.addr, perms);
	ck_assert_str_eq(perms, "---p");
	ck_assert_int_eq(T_MUNMAP(a, r.addr, page_size()), 0);
}
END_TEST

START_TEST(shared_anonymous_mapping_is_listed_shared)
{
	const struct api *a = api_begin(_i);
	rtm_mmap_result r =
	        T_MMAP(a, NULL, page_size(), RW, RTM_MAP_SHARED | RTM_MAP_ANONYMOUS, -1, 0);
	char perms[5];

	ck_assert_int_eq(r.err, 0);
	maps_perms(r.addr, perms);
	ck_assert_str_eq(perms, "rw-s");
	ck_assert_int_eq(T_MUNMAP(a, r.addr, page_size()), 0);
}
END_TEST

START_TEST(zero_length_is_einval)
{
	const struct api *a = api_begin(_i);

	ck_assert_int_eq(T_MMAP(a, NULL, 0, RW, ANON, -1, 0).err, RTM_EINVAL);
}
END_TEST

START_TEST(length_of_ptrdiff_max_or_more_is_enomem)
{
	const struct api *a = api_begin(_i);
	const size_t huge[] = { (size_t)PTRDIFF_MAX, (size_t)PTRDIFF_MAX + 1, SIZE_MAX - 4095,
		                SIZE_MAX };

	for (size_t k = 0; k < sizeof huge / sizeof huge[0]; k++)
		ck_assert_int_eq(T_MMAP(a, NULL, huge[k], RW, ANON, -1, 0).err, RTM_ENOMEM);
}
END_TEST

/* <rtmem/sys.h>: n >= PTRDIFF_MAX is RTM_ENOMEM, checked before the syscall
 * on 32-bit, and "64-bit kernels give the same answer". They do not always:
 * the kernel looks at the fd before the length (EBADF), and MAP_HUGETLB
 * rounds SIZE_MAX up to 0 (EINVAL). */
START_TEST(huge_length_is_enomem_whatever_else_is_wrong)
{
	const struct api *a = api_begin(_i);

	ck_assert_int_eq(T_MMAP(a, NULL, page_size(), RTM_PROT_READ, RTM_MAP_PRIVATE, -1, 0).err,
	                 RTM_EBADF);
	ck_assert_int_eq(
	        T_MMAP(a, NULL, (size_t)PTRDIFF_MAX, RTM_PROT_READ, RTM_MAP_PRIVATE, -1, 0).err,
	        RTM_ENOMEM);
	ck_assert_int_eq(T_MMAP(a, NULL, SIZE_MAX, RW, ANON | MAP_HUGETLB, -1, 0).err, RTM_ENOMEM);
}
END_TEST

#if defined(HAVE_TRAP) && UINTPTR_MAX <= 0xffffffffu
/* Only 32-bit promises this: a 32-bit kernel would map such a length. */
START_TEST(huge_length_makes_no_syscall)
{
	const struct api *a = api_begin(_i);

	if (skip_under_emulator("PR_SET_SECCOMP is refused"))
		return;
	trap_mmap_fd();
	/* The trap works, and a length just under the limit is the kernel's. */
	ck_assert_int_eq(T_MMAP(a, NULL, page_size(), RW, ANON, TRAP_FD, 0).err, TRAP_ERRNO);
	ck_assert_int_eq(T_MMAP(a, NULL, (size_t)PTRDIFF_MAX - 1, RW, ANON, TRAP_FD, 0).err,
	                 TRAP_ERRNO);
	ck_assert_int_eq(T_MMAP(a, NULL, (size_t)PTRDIFF_MAX, RW, ANON, TRAP_FD, 0).err,
	                 RTM_ENOMEM);
	ck_assert_int_eq(T_MMAP(a, NULL, SIZE_MAX, RW, ANON, TRAP_FD, 0).err, RTM_ENOMEM);
}
END_TEST
#endif

#ifdef HAVE_TRAP
/* mmap2 counts the offset in 4096-byte units in 32 bits: rtmem must refuse
 * what it cannot express rather than map the wrong part of a file. A
 * 64-bit mmap takes the byte offset as is and leaves the checks to the
 * kernel. */
START_TEST(offset_limits_match_the_syscall)
{
	const struct api *a = api_begin(_i);
	const uint64_t big = (uint64_t)1 << 44;

	if (skip_under_emulator("PR_SET_SECCOMP is refused"))
		return;
	trap_mmap_fd();
#if defined(RTM_MMAP2_SHIFT)
	ck_assert_uint_eq(sizeof(long), 4);
	ck_assert_int_eq(T_MMAP(a, NULL, page_size(), RW, ANON, TRAP_FD, big).err, RTM_EINVAL);
	ck_assert_int_eq(T_MMAP(a, NULL, page_size(), RW, ANON, TRAP_FD, 4097).err, RTM_EINVAL);
	ck_assert_int_eq(T_MMAP(a, NULL, page_size(), RW, ANON, TRAP_FD, big - 4096).err,
	                 TRAP_ERRNO);
#else
	ck_assert_uint_eq(sizeof(long), 8);
	ck_assert_int_eq(T_MMAP(a, NULL, page_size(), RW, ANON, TRAP_FD, big).err, TRAP_ERRNO);
	{
		/* An anonymous mapping ignores the offset once the kernel has
		 * checked its alignment. */
		rtm_mmap_result r = T_MMAP(a, NULL, page_size(), RW, ANON, -1, big);

		ck_assert_int_eq(r.err, 0);
		ck_assert_int_eq(T_MUNMAP(a, r.addr, page_size()), 0);
	}
#endif
}
END_TEST
#endif

START_TEST(unaligned_offset_is_einval)
{
	const struct api *a = api_begin(_i);

	ck_assert_int_eq(T_MMAP(a, NULL, page_size(), RW, ANON, -1, 1).err, RTM_EINVAL);
	ck_assert_int_eq(T_MMAP(a, NULL, page_size(), RW, ANON, -1, page_size() / 2).err,
	                 RTM_EINVAL);
}
END_TEST

START_TEST(fixed_at_unaligned_address_is_einval_and_leaves_the_range)
{
	const struct api *a = api_begin(_i);
	size_t n = 2 * page_size();
	unsigned char *p = T_ANON(a, n);

	p[0] = 7;
	ck_assert_int_eq(T_MMAP(a, p + 1, page_size(), RW, ANON | RTM_MAP_FIXED, -1, 0).err,
	                 RTM_EINVAL);
	ck_assert_uint_eq(p[0], 7);
	ck_assert_uint_eq(pages_mapped(p, n), 2);
	ck_assert_int_eq(T_MUNMAP(a, p, n), 0);
}
END_TEST

START_TEST(fixed_replaces_what_was_mapped_there)
{
	const struct api *a = api_begin(_i);
	size_t n = 2 * page_size();
	unsigned char *p = T_ANON(a, n);
	rtm_mmap_result r;

	memset(p, 0x11, n);
	r = T_MMAP(a, p + page_size(), page_size(), RTM_PROT_READ, ANON | RTM_MAP_FIXED, -1, 0);
	ck_assert_int_eq(r.err, 0);
	ck_assert_ptr_eq(r.addr, p + page_size());
	ck_assert_uint_eq(p[0], 0x11);
	ck_assert_uint_eq(p[page_size()], 0);
	ck_assert_int_eq(T_MUNMAP(a, p, n), 0);
}
END_TEST

START_TEST(fixed_noreplace_over_a_mapping_is_eexist)
{
	const struct api *a = api_begin(_i);
	size_t n = 2 * page_size();
	unsigned char *p;

	if (skip_under_emulator("MAP_FIXED_NOREPLACE is a plain hint"))
		return;
	p = T_ANON(a, n);
	p[page_size()] = 9;
	/* Any overlap counts, not only the same start. */
	ck_assert_int_eq(T_MMAP(a, p + page_size(), n, RW, ANON | RTM_MAP_FIXED_NOREPLACE, -1, 0).err,
	                 RTM_EEXIST);
	ck_assert_uint_eq(p[page_size()], 9);
	ck_assert_int_eq(T_MUNMAP(a, p, n), 0);
}
END_TEST

START_TEST(fixed_noreplace_on_a_free_range_maps_exactly_there)
{
	const struct api *a = api_begin(_i);
	size_t n = 2 * page_size();
	unsigned char *p = T_ANON(a, n);
	rtm_mmap_result r;

	ck_assert_int_eq(T_MUNMAP(a, p, n), 0);
	r = T_MMAP(a, p, n, RW, ANON | RTM_MAP_FIXED_NOREPLACE, -1, 0);
	ck_assert_int_eq(r.err, 0);
	ck_assert_ptr_eq(r.addr, p);
	ck_assert_int_eq(T_MUNMAP(a, p, n), 0);
}
END_TEST

START_TEST(anonymous_needs_exactly_one_of_shared_and_private)
{
	const struct api *a = api_begin(_i);
	const int both = RTM_MAP_SHARED | RTM_MAP_PRIVATE;

	ck_assert_int_eq(T_MMAP(a, NULL, page_size(), RW, RTM_MAP_ANONYMOUS, -1, 0).err,
	                 RTM_EINVAL);
	ck_assert_int_eq(T_MMAP(a, NULL, page_size(), RW, both | RTM_MAP_ANONYMOUS, -1, 0).err,
	                 RTM_EINVAL);
}
END_TEST

/* statm's first field is the address space in use, in pages. */
static size_t address_space_in_use(void)
{
	unsigned long pages = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%lu", &pages), 1);
	fclose(f);
	return pages * page_size();
}

START_TEST(mapping_past_rlimit_as_is_enomem)
{
	const struct api *a = api_begin(_i);
	const size_t headroom = 16u << 20;
	struct rlimit lim;
	void *p;

	if (skip_under_emulator("RLIMIT_AS limits nothing"))
		return;
	lim.rlim_cur = lim.rlim_max = address_space_in_use() + headroom;
	ck_assert_int_eq(setrlimit(RLIMIT_AS, &lim), 0);
	ck_assert_int_eq(T_MMAP(a, NULL, 4 * headroom, RW, ANON, -1, 0).err, RTM_ENOMEM);
	p = T_ANON(a, page_size());
	ck_assert_int_eq(T_MUNMAP(a, p, page_size()), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("mmap_anon");
	TCase *tc = tcase_create("anon");

	tcase_add_checked_fixture(tc, NULL, hooks_off);
	tcase_add_loop_test(tc, anonymous_mapping_is_zeroed_writable_and_listed, 0, API_COUNT);
	tcase_add_loop_test(tc, prot_none_mapping_is_listed_without_access, 0, API_COUNT);
	tcase_add_loop_test(tc, shared_anonymous_mapping_is_listed_shared, 0, API_COUNT);
	tcase_add_loop_test(tc, zero_length_is_einval, 0, API_COUNT);
	tcase_add_loop_test(tc, length_of_ptrdiff_max_or_more_is_enomem, 0, API_COUNT);
	tcase_add_loop_test(tc, huge_length_is_enomem_whatever_else_is_wrong, 0, NO_SYSCALL_APIS);
#if defined(HAVE_TRAP) && UINTPTR_MAX <= 0xffffffffu
	tcase_add_loop_test(tc, huge_length_makes_no_syscall, 0, NO_SYSCALL_APIS);
#endif
#ifdef HAVE_TRAP
	tcase_add_loop_test(tc, offset_limits_match_the_syscall, 0, NO_SYSCALL_APIS);
#endif
	tcase_add_loop_test(tc, unaligned_offset_is_einval, 0, API_COUNT);
	tcase_add_loop_test(tc, fixed_at_unaligned_address_is_einval_and_leaves_the_range, 0,
	                    API_COUNT);
	tcase_add_loop_test(tc, fixed_replaces_what_was_mapped_there, 0, API_COUNT);
	tcase_add_loop_test(tc, fixed_noreplace_over_a_mapping_is_eexist, 0, API_COUNT);
	tcase_add_loop_test(tc, fixed_noreplace_on_a_free_range_maps_exactly_there, 0, API_COUNT);
	tcase_add_loop_test(tc, anonymous_needs_exactly_one_of_shared_and_private, 0, API_COUNT);
	tcase_add_loop_test(tc, mapping_past_rlimit_as_is_enomem, 0, API_COUNT);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
