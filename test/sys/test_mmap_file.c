/* rtm_sys_mmap / rtm_mmap on files: offsets land on the right page, and the
 * errors that come from the fd. */
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "probe.h"

#define RO   RTM_PROT_READ
#define RW   (RTM_PROT_READ | RTM_PROT_WRITE)
#define PRIV RTM_MAP_PRIVATE
#define SHRD RTM_MAP_SHARED

START_TEST(mapping_at_a_page_offset_starts_at_that_page)
{
	const struct api *a = api_begin(_i);
	size_t pg = page_size();
	int fd = pages_file(3, O_RDONLY);
	rtm_mmap_result r = T_MMAP(a, NULL, 2 * pg, RO, PRIV, fd, pg);
	const unsigned char *p = r.addr;

	ck_assert_int_eq(r.err, 0);
	ck_assert_uint_eq(p[0], 'b');
	ck_assert_uint_eq(p[pg - 1], 'b');
	ck_assert_uint_eq(p[pg], 'c');
	ck_assert_uint_eq(p[2 * pg - 1], 'c');
	ck_assert_int_eq(T_MUNMAP(a, r.addr, 2 * pg), 0);
	close(fd);
}
END_TEST

START_TEST(shared_write_at_a_page_offset_reaches_that_page_of_the_file)
{
	const struct api *a = api_begin(_i);
	size_t pg = page_size();
	int fd = pages_file(3, O_RDWR);
	rtm_mmap_result r = T_MMAP(a, NULL, pg, RW, SHRD, fd, 2 * pg);
	char back[3];

	ck_assert_int_eq(r.err, 0);
	memcpy(r.addr, "xyz", 3);
	ck_assert_int_eq(pread(fd, back, 3, (off_t)(2 * pg)), 3);
	ck_assert_int_eq(memcmp(back, "xyz", 3), 0);
	ck_assert_int_eq(pread(fd, back, 3, (off_t)pg), 3);
	ck_assert_int_eq(memcmp(back, "bbb", 3), 0);
	ck_assert_int_eq(T_MUNMAP(a, r.addr, pg), 0);
	close(fd);
}
END_TEST

START_TEST(unaligned_file_offset_is_einval)
{
	const struct api *a = api_begin(_i);
	int fd = pages_file(2, O_RDONLY);

	ck_assert_int_eq(T_MMAP(a, NULL, page_size(), RO, PRIV, fd, 1).err, RTM_EINVAL);
	ck_assert_int_eq(T_MMAP(a, NULL, page_size(), RO, PRIV, fd, page_size() + 512).err,
	                 RTM_EINVAL);
	close(fd);
}
END_TEST

START_TEST(fd_that_is_not_open_is_ebadf)
{
	const struct api *a = api_begin(_i);
	int closed = pages_file(1, O_RDONLY);

	close(closed);
	ck_assert_int_eq(T_MMAP(a, NULL, page_size(), RO, PRIV, -1, 0).err, RTM_EBADF);
	ck_assert_int_eq(T_MMAP(a, NULL, page_size(), RO, PRIV, closed, 0).err, RTM_EBADF);
	ck_assert_int_eq(T_MMAP(a, NULL, page_size(), RO, SHRD, 1 << 20, 0).err, RTM_EBADF);
}
END_TEST

START_TEST(open_mode_that_does_not_allow_prot_is_eacces)
{
	const struct api *a = api_begin(_i);
	int ro = pages_file(1, O_RDONLY);
	int wo = pages_file(1, O_WRONLY);
	rtm_mmap_result cow;

	ck_assert_int_eq(T_MMAP(a, NULL, page_size(), RW, SHRD, ro, 0).err, RTM_EACCES);
	/* Any mapping reads the file, so a write-only fd is never enough. */
	ck_assert_int_eq(T_MMAP(a, NULL, page_size(), RO, PRIV, wo, 0).err, RTM_EACCES);
	/* A private writable mapping writes only its own copy: allowed. */
	cow = T_MMAP(a, NULL, page_size(), RW, PRIV, ro, 0);
	ck_assert_int_eq(cow.err, 0);
	((char *)cow.addr)[0] = 'z';
	ck_assert_int_eq(T_MUNMAP(a, cow.addr, page_size()), 0);
	close(ro);
	close(wo);
}
END_TEST

START_TEST(file_that_cannot_be_mapped_is_enodev)
{
	const struct api *a = api_begin(_i);
	int pipefd[2];

	if (skip_under_emulator_big_pages("qemu maps files itself: a pipe is EINVAL"))
		return;
	ck_assert_int_eq(pipe(pipefd), 0);
	ck_assert_int_eq(T_MMAP(a, NULL, page_size(), RO, PRIV, pipefd[0], 0).err, RTM_ENODEV);
	close(pipefd[0]);
	close(pipefd[1]);
}
END_TEST

START_TEST(offset_past_the_file_offset_type_is_eoverflow)
{
	const struct api *a = api_begin(_i);
	int fd = pages_file(1, O_RDONLY);
	uint64_t top = ((uint64_t)INT64_MAX + 1) - page_size();

#if defined(RTM_MMAP2_SHIFT)
	/* mmap2 cannot even carry such an offset: refused earlier. */
	const int want = RTM_EINVAL;
#else
	const int want = RTM_EOVERFLOW;
#endif
	if (skip_under_emulator_big_pages("qemu maps files itself: ENOMEM past the file's end")) {
		close(fd);
		return;
	}
	ck_assert_int_eq(T_MMAP(a, NULL, 2 * page_size(), RO, PRIV, fd, top).err, want);
	/* Past INT64_MAX rtm_libc_hooks answers first (test_libc_hooks.c). */
	ck_assert_int_eq(T_MMAP(a, NULL, page_size(), RO, PRIV, fd, top + page_size()).err,
	                 _i == API_LIBC && EXPECT_HOOKS ? RTM_EOVERFLOW : want);
	close(fd);
}
END_TEST

START_TEST(file_mapping_with_neither_shared_nor_private_is_einval)
{
	const struct api *a = api_begin(_i);
	int fd = pages_file(1, O_RDONLY);

	ck_assert_int_eq(T_MMAP(a, NULL, page_size(), RO, 0, fd, 0).err, RTM_EINVAL);
	close(fd);
}
END_TEST

/* SHARED | PRIVATE is the kernel's MAP_SHARED_VALIDATE (Linux 4.15+): on a
 * file it is a shared mapping that refuses unknown flags, not EINVAL as
 * <rtmem/sys.h> says (EINVAL holds for anonymous mappings only). */
START_TEST(file_mapping_with_shared_and_private_is_shared_validate)
{
	const struct api *a = api_begin(_i);
	const int both = SHRD | PRIV;
	int fd = pages_file(1, O_RDONLY);
	rtm_mmap_result r = T_MMAP(a, NULL, page_size(), RO, both, fd, 0);
	char perms[5];

	if (skip_under_emulator("MAP_SHARED_VALIDATE is EINVAL"))
		return;
	ck_assert_int_eq(r.err, 0);
	maps_perms(r.addr, perms);
	ck_assert_str_eq(perms, "r--s");
	ck_assert_int_eq(T_MUNMAP(a, r.addr, page_size()), 0);
	/* 0x800000: a bit no mmap flag uses (Linux 6.18); plain MAP_SHARED ignores
	 * unknown bits, SHARED_VALIDATE refuses them. */
	ck_assert_int_eq(T_MMAP(a, NULL, page_size(), RO, both | 0x800000, fd, 0).err,
	                 EOPNOTSUPP);
	r = T_MMAP(a, NULL, page_size(), RO, SHRD | 0x800000, fd, 0);
	ck_assert_int_eq(r.err, 0);
	ck_assert_int_eq(T_MUNMAP(a, r.addr, page_size()), 0);
	close(fd);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("mmap_file");
	TCase *tc = tcase_create("file");

	tcase_add_checked_fixture(tc, NULL, hooks_off);
	tcase_add_loop_test(tc, mapping_at_a_page_offset_starts_at_that_page, 0, API_COUNT);
	tcase_add_loop_test(tc, shared_write_at_a_page_offset_reaches_that_page_of_the_file, 0,
	                    API_COUNT);
	tcase_add_loop_test(tc, unaligned_file_offset_is_einval, 0, API_COUNT);
	tcase_add_loop_test(tc, fd_that_is_not_open_is_ebadf, 0, API_COUNT);
	tcase_add_loop_test(tc, open_mode_that_does_not_allow_prot_is_eacces, 0, API_COUNT);
	tcase_add_loop_test(tc, file_that_cannot_be_mapped_is_enodev, 0, API_COUNT);
	tcase_add_loop_test(tc, offset_past_the_file_offset_type_is_eoverflow, 0, API_COUNT);
	tcase_add_loop_test(tc, file_mapping_with_neither_shared_nor_private_is_einval, 0,
	                    API_COUNT);
	tcase_add_loop_test(tc, file_mapping_with_shared_and_private_is_shared_validate, 0,
	                    API_COUNT);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
