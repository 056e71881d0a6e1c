/* rtm_libc_hooks: every op goes through libc's symbol, libc's errno comes
 * back as the value, and errno itself is left as it was.
 *
 * The link wraps libc's mmap family (-Wl,--wrap, see meson.build): the
 * calls librtmem_libc_hooks makes land in __wrap_* below, which count them
 * and can fail them with a chosen errno before handing on to libc. */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "api.h"
#include "probe.h"

#ifndef EXPECT_HOOKS
#error "meson passes EXPECT_HOOKS (1 or 0) from -Dhooks"
#endif

enum op { OP_MMAP, OP_MUNMAP, OP_MPROTECT, OP_MADVISE, OP_COUNT };

static int libc_calls[OP_COUNT];
static int inject[OP_COUNT]; /* nonzero: the libc call fails with this errno */

/* mmap is mmap64 under _FILE_OFFSET_BITS=64 on 32-bit: wrap both. */
void *__real_mmap(void *addr, size_t n, int prot, int flags, int fd, long off);
void *__real_mmap64(void *addr, size_t n, int prot, int flags, int fd, int64_t off);
int __real_munmap(void *addr, size_t n);
int __real_mprotect(void *addr, size_t n, int prot);
int __real_madvise(void *addr, size_t n, int advice);
void *__wrap_mmap(void *addr, size_t n, int prot, int flags, int fd, long off);
void *__wrap_mmap64(void *addr, size_t n, int prot, int flags, int fd, int64_t off);
int __wrap_munmap(void *addr, size_t n);
int __wrap_mprotect(void *addr, size_t n, int prot);
int __wrap_madvise(void *addr, size_t n, int advice);

static int fails(enum op op)
{
	libc_calls[op]++;
	if (!inject[op])
		return 0;
	errno = inject[op];
	return 1;
}

void *__wrap_mmap(void *addr, size_t n, int prot, int flags, int fd, long off)
{
	return fails(OP_MMAP) ? MAP_FAILED : __real_mmap(addr, n, prot, flags, fd, off);
}

void *__wrap_mmap64(void *addr, size_t n, int prot, int flags, int fd, int64_t off)
{
	return fails(OP_MMAP) ? MAP_FAILED : __real_mmap64(addr, n, prot, flags, fd, off);
}

int __wrap_munmap(void *addr, size_t n)
{
	return fails(OP_MUNMAP) ? -1 : __real_munmap(addr, n);
}

int __wrap_mprotect(void *addr, size_t n, int prot)
{
	return fails(OP_MPROTECT) ? -1 : __real_mprotect(addr, n, prot);
}

int __wrap_madvise(void *addr, size_t n, int advice)
{
	return fails(OP_MADVISE) ? -1 : __real_madvise(addr, n, advice);
}

static const struct api *const L = &apis[API_LIBC];

static void expect_libc_calls(int each)
{
	for (int op = 0; op < OP_COUNT; op++)
		ck_assert_int_eq(libc_calls[op], each);
}

START_TEST(table_has_every_op_and_no_ctx)
{
	ck_assert_ptr_nonnull(rtm_libc_hooks.mmap);
	ck_assert_ptr_nonnull(rtm_libc_hooks.munmap);
	ck_assert_ptr_nonnull(rtm_libc_hooks.mprotect);
	ck_assert_ptr_nonnull(rtm_libc_hooks.madvise);
	ck_assert_ptr_null(rtm_libc_hooks.ctx);
}
END_TEST

START_TEST(every_op_goes_through_libc)
{
	size_t n = 2 * page_size();
	unsigned char *p = T_ANON(api_begin(API_LIBC), n);
	char perms[5];

	memset(p, 0x2e, n);
	ck_assert_int_eq(T_MPROTECT(L, p, n, RTM_PROT_READ), 0);
	maps_perms(p, perms);
	ck_assert_str_eq(perms, "r--p");
	ck_assert_int_eq(T_MADVISE(L, p, n, RTM_MADV_DONTNEED), 0);
	ck_assert_uint_eq(p[0], 0);
	ck_assert_int_eq(T_MUNMAP(L, p, n), 0);
	ck_assert_uint_eq(pages_mapped(p, n), 0);
	expect_libc_calls(EXPECT_HOOKS);
}
END_TEST

START_TEST(libc_errno_comes_back_as_the_value_and_errno_is_kept)
{
	size_t pg = page_size();
	unsigned char *p = T_ANON(&apis[API_SYS], pg);
	rtm_mmap_result r;

	p[0] = 0x4d;
	inject[OP_MMAP] = EAGAIN;
	inject[OP_MUNMAP] = EPERM;
	inject[OP_MPROTECT] = EFAULT;
	inject[OP_MADVISE] = EINTR;
	api_begin(API_LIBC);

	r = T_MMAP(L, NULL, pg, RTM_PROT_READ, RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS, -1, 0);
	ck_assert_int_eq(r.err, EXPECT_HOOKS ? RTM_EAGAIN : 0);
	if (r.err == 0)
		ck_assert_int_eq(rtm_sys_munmap(r.addr, pg), 0);
	ck_assert_int_eq(T_MPROTECT(L, p, pg, RTM_PROT_READ), EXPECT_HOOKS ? RTM_EFAULT : 0);
	ck_assert_int_eq(T_MADVISE(L, p, pg, RTM_MADV_DONTNEED), EXPECT_HOOKS ? RTM_EINTR : 0);
	ck_assert_uint_eq(p[0], EXPECT_HOOKS ? 0x4d : 0);
	ck_assert_int_eq(T_MUNMAP(L, p, pg), EXPECT_HOOKS ? RTM_EPERM : 0);
	ck_assert_int_eq(page_mapped(p), EXPECT_HOOKS);
	expect_libc_calls(EXPECT_HOOKS);
	if (EXPECT_HOOKS)
		ck_assert_int_eq(rtm_sys_munmap(p, pg), 0);
}
END_TEST

START_TEST(kernel_errors_come_back_through_libc)
{
	unsigned char *p = T_ANON(&apis[API_SYS], page_size());
	int e;

	api_begin(API_LIBC);
	ck_assert_int_eq(T_MMAP(L, NULL, page_size(), RTM_PROT_READ, RTM_MAP_PRIVATE, -1, 0).err,
	                 RTM_EBADF);
	ck_assert_int_eq(T_MUNMAP(L, p + 1, page_size()), RTM_EINVAL);
	ck_assert_int_eq(T_MPROTECT(L, p, page_size(), 0x100), RTM_EINVAL);
	e = T_MADVISE(L, p, page_size(), 12345);
	if (!emulator()) /* its madvise takes any advice (emulator.h) */
		ck_assert_int_eq(e, RTM_EINVAL);
	expect_libc_calls(EXPECT_HOOKS);
	ck_assert_int_eq(rtm_sys_munmap(p, page_size()), 0);
}
END_TEST

/* An offset that off_t cannot carry is refused before libc sees it, so
 * that it cannot wrap to a different part of the file. */
START_TEST(offset_off_t_cannot_carry_is_eoverflow_without_calling_libc)
{
	int fd = pages_file(1, O_RDONLY);
	uint64_t top = (uint64_t)INT64_MAX + 1;

#if defined(RTM_MMAP2_SHIFT)
	/* Without hooks the raw call answers: mmap2 cannot express it. */
	const int want = EXPECT_HOOKS ? RTM_EOVERFLOW : RTM_EINVAL;
#else
	const int want = RTM_EOVERFLOW;
#endif

	api_begin(API_LIBC);
	ck_assert_int_eq(T_MMAP(L, NULL, page_size(), RTM_PROT_READ, RTM_MAP_PRIVATE, fd, top).err,
	                 want);
	ck_assert_int_eq(libc_calls[OP_MMAP], 0);
#if !defined(RTM_MMAP2_SHIFT)
	/* One page lower it fits: libc is called, and the kernel refuses it
	 * (qemu, mapping the file itself, with another error). */
	if (!skip_under_emulator_big_pages("qemu maps files itself: ENOMEM past the file's end")) {
		ck_assert_int_eq(T_MMAP(L, NULL, page_size(), RTM_PROT_READ, RTM_MAP_PRIVATE, fd,
		                        top - page_size())
		                         .err,
		                 RTM_EOVERFLOW);
		ck_assert_int_eq(libc_calls[OP_MMAP], EXPECT_HOOKS);
	}
#endif
	close(fd);
}
END_TEST

static void setup(void)
{
	memset(libc_calls, 0, sizeof libc_calls);
	memset(inject, 0, sizeof inject);
	ck_assert_ptr_eq(rtm_get_hooks(), START_HOOKS);
}

static Suite *suite(void)
{
	Suite *s = suite_create("libc_hooks");
	TCase *tc = tcase_create("libc_hooks");

	tcase_add_checked_fixture(tc, setup, hooks_off);
	tcase_add_test(tc, table_has_every_op_and_no_ctx);
	tcase_add_test(tc, every_op_goes_through_libc);
	tcase_add_test(tc, libc_errno_comes_back_as_the_value_and_errno_is_kept);
	tcase_add_test(tc, kernel_errors_come_back_through_libc);
	tcase_add_test(tc, offset_off_t_cannot_carry_is_eoverflow_without_calling_libc);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
