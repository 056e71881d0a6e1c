/* rtm_page_size / rtm_set_auxv: the probe agrees with the kernel, a vector
 * handed over is believed, nonsense in it is not. Every test runs in a fresh
 * fork, so the cache starts empty in each. */
#include <stdint.h>
#include <sys/auxv.h>

#include <rtmem/vm.h>

#include "proc.h"
#include "suite.h"

START_TEST(probed_page_size_matches_sysconf_and_auxv)
{
	size_t ps = rtm_page_size();

	ck_assert_uint_eq(ps, (size_t)sysconf(_SC_PAGESIZE));
	ck_assert_uint_eq(ps, (size_t)getauxval(AT_PAGESZ));
	ck_assert_uint_eq(rtm_page_size(), ps); /* cached: the same answer */
}
END_TEST

/* vm.h: on Linux the allocation granularity is the page size, and a
 * reservation with align 0 is aligned to it. */
START_TEST(the_allocation_granularity_is_the_page_size_here)
{
	rtm_mmap_result r;

	ck_assert_uint_eq(rtm_alloc_granularity(), (size_t)sysconf(_SC_PAGESIZE));
	r = rtm_reserve(NULL, 1, 0);
	ck_assert_int_eq(r.err, 0);
	ck_assert_uint_eq((uintptr_t)r.addr % rtm_alloc_granularity(), 0);
	ck_assert_int_eq(rtm_release(r.addr, 1), 0);
}
END_TEST

START_TEST(the_real_auxiliary_vector_gives_the_kernel_page_size)
{
	static unsigned long auxv[512];
	int fd = open("/proc/self/auxv", O_RDONLY | O_CLOEXEC);
	ssize_t got;

	ck_assert_int_ge(fd, 0);
	got = read(fd, auxv, sizeof auxv - 2 * sizeof auxv[0]);
	close(fd);
	ck_assert_int_gt(got, 0);
	rtm_set_auxv(auxv);
	ck_assert_uint_eq(rtm_page_size(), page_size());
}
END_TEST

START_TEST(a_fake_auxv_page_size_is_taken)
{
	const unsigned long auxv[] = { AT_HWCAP, 0x1234, AT_PAGESZ, 65536, AT_CLKTCK, 100,
		                       AT_NULL, 0 };
	struct rtm_vm_stats before;
	rtm_mmap_result r;
	void *hole, *hint;

	rtm_set_auxv(auxv);
	ck_assert_uint_eq(rtm_page_size(), 65536);

	/* And the rest of rtmem believes it: reservations come in 64 KiB.
	 * The kernel itself still aligns to its own pages, so hint a free
	 * 64 KiB boundary for an address rtmem will accept as aligned. */
	hole = mmap(NULL, 1 << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(hole, MAP_FAILED);
	munmap(hole, 1 << 20);
	hint = (void *)(((uintptr_t)hole + 65535) & ~(uintptr_t)65535);
	before = rtm_vm_stats();
	r = rtm_reserve(hint, 1, 0);
	ck_assert_int_eq(r.err, 0);
	ck_assert_ptr_eq(r.addr, hint);
	ck_assert_uint_eq(rtm_vm_stats().reserved - before.reserved, 65536);
	ck_assert_int_eq(rtm_commit(r.addr, 1), 0);
	ck_assert_uint_eq(rtm_vm_stats().committed - before.committed, 65536);
	ck_assert_str_eq(perms_at((char *)r.addr + 65535), "rw-p");
	ck_assert_int_eq(rtm_release_ready(r.addr, 1, 1), 0);
	ck_assert_uint_eq(rtm_vm_stats().reserved, before.reserved);
}
END_TEST

START_TEST(a_fake_page_size_replaces_one_already_probed)
{
	const unsigned long auxv[] = { AT_PAGESZ, 16384, AT_NULL, 0 };

	ck_assert_uint_eq(rtm_page_size(), page_size());
	rtm_set_auxv(auxv);
	ck_assert_uint_eq(rtm_page_size(), 16384);
}
END_TEST

START_TEST(invalid_auxv_page_sizes_are_ignored)
{
	const unsigned long good[] = { AT_PAGESZ, 16384, AT_NULL, 0 };
	/* Zero, below the smallest page, not a power of two, a power of two
	 * below 4096, and the largest value. */
	const unsigned long bad[] = { 0, 1000, 4095, 12288, 2048, 1, ~0UL };
	const unsigned long none[] = { AT_HWCAP, 65536, AT_NULL, 0 };

	rtm_set_auxv(good);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const unsigned long auxv[] = { AT_PAGESZ, bad[i], AT_NULL, 0 };
		rtm_set_auxv(auxv);
		ck_assert_msg(rtm_page_size() == 16384, "AT_PAGESZ %lu was taken", bad[i]);
	}
	rtm_set_auxv(NULL);
	ck_assert_uint_eq(rtm_page_size(), 16384);
	rtm_set_auxv(none);
	ck_assert_uint_eq(rtm_page_size(), 16384);
}
END_TEST

START_TEST(invalid_auxv_before_first_use_leaves_the_probe)
{
	const unsigned long bad[] = { AT_PAGESZ, 12345, AT_NULL, 0 };

	rtm_set_auxv(bad);
	rtm_set_auxv(NULL);
	ck_assert_uint_eq(rtm_page_size(), page_size());
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vm_page_size");
	TCase *tc = tcase_create("page_size");

	tcase_add_test(tc, probed_page_size_matches_sysconf_and_auxv);
	tcase_add_test(tc, the_allocation_granularity_is_the_page_size_here);
	tcase_add_test(tc, the_real_auxiliary_vector_gives_the_kernel_page_size);
	tcase_add_test(tc, a_fake_auxv_page_size_is_taken);
	tcase_add_test(tc, a_fake_page_size_replaces_one_already_probed);
	tcase_add_test(tc, invalid_auxv_page_sizes_are_ignored);
	tcase_add_test(tc, invalid_auxv_before_first_use_leaves_the_probe);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
