/* rtm_purge and rtm_purge_lazy: Ready stays Ready, the pages go back (now
 * or under pressure), and the MADV_FREE fallback. */
#include <stdint.h>

#include <rtmem/vm.h>

#include "proc.h"
#include "rec_hooks.h"
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

START_TEST(purged_memory_reads_zero_and_stays_writable)
{
	size_t ps = page_size();
	unsigned char *p = ready(4 * ps);
	struct rtm_vm_stats s0 = rtm_vm_stats();

	ck_assert_int_eq(rtm_purge(p + ps, 2 * ps - 1), 0);
	ck_assert_uint_eq(rtm_vm_stats().committed, s0.committed);
	ck_assert_uint_eq(rtm_vm_stats().reserved, s0.reserved);
	ck_assert_str_eq(perms_at(p + ps), "rw-p");
	for (size_t k = 0; k < 4 * ps; k++) {
		int inside = k >= ps && k < 3 * ps;
		ck_assert_uint_eq(p[k], inside ? 0 : 0xa5);
	}
	p[ps] = 1;
	ck_assert_uint_eq(p[ps], 1);
}
END_TEST

START_TEST(purge_gives_the_pages_back_now)
{
	size_t n = 32 * MiB;
	unsigned char *p = ready(n);
	long rss0 = status_kb("VmRSS");

	ck_assert_uint_ge(smaps_kb(p, p + n, "Rss"), n / 1024);
	ck_assert_int_eq(rtm_purge(p, n), 0);
	ck_assert_uint_eq(smaps_kb(p, p + n, "Rss"), 0);
	ck_assert_int_le(status_kb("VmRSS"), rss0 - (long)(n / 1024) + 1024);
	ck_assert_uint_eq(p[n - 1], 0);
}
END_TEST

START_TEST(lazily_purged_memory_reads_old_or_zero_and_stays_writable)
{
	size_t ps = page_size(), n = 64 * ps;
	unsigned char *p = ready(n);
	struct rtm_vm_stats s0 = rtm_vm_stats();

	ck_assert_int_eq(rtm_purge_lazy(p, n), 0);
	ck_assert_uint_eq(rtm_vm_stats().committed, s0.committed);
	ck_assert_str_eq(perms_at(p), "rw-p");
	for (size_t pg = 0; pg < n; pg += ps) {
		/* Page by page: all old contents or all zero, never a mix. */
		unsigned char first = p[pg];
		ck_assert(first == 0 || first == 0xa5);
		for (size_t k = 0; k < ps; k++)
			ck_assert_uint_eq(p[pg + k], first);
	}
	memset(p, 0x3c, n);
	for (size_t k = 0; k < n; k++)
		ck_assert_uint_eq(p[k], 0x3c);
}
END_TEST

START_TEST(purge_lazy_uses_madv_free)
{
	size_t ps = page_size();
	unsigned char *p = ready(4 * ps);

	rec_begin(NULL);
	ck_assert_int_eq(rtm_purge_lazy(p, 4 * ps), 0);
	rec_end();
	/* This kernel is 4.5 or later. */
	ck_assert_uint_eq(rec_count(REC_MADVISE, RTM_MADV_FREE), 1);
	ck_assert_uint_eq(rec_count(REC_MADVISE, RTM_MADV_DONTNEED), 0);
}
END_TEST

static int veto_madv_free(const struct rec_call *c, unsigned nth)
{
	(void)nth;
	return c->op == REC_MADVISE && c->arg == RTM_MADV_FREE ? RTM_EINVAL : 0;
}

START_TEST(purge_lazy_falls_back_once_madv_free_is_refused)
{
	size_t ps = page_size();
	unsigned char *p = ready(4 * ps);

	rec_begin(veto_madv_free);
	ck_assert_int_eq(rtm_purge_lazy(p, 4 * ps), 0);
	/* The range's MADV_FREE, then the zero-length one that asks whether
	 * the kernel knows the advice at all (the veto says no). */
	ck_assert_uint_eq(rec_count(REC_MADVISE, RTM_MADV_FREE), 2);
	ck_assert_uint_eq(rec_count(REC_MADVISE, RTM_MADV_DONTNEED), 1);
	/* The fallback is MADV_DONTNEED: zeros, not maybe-old contents. */
	for (size_t k = 0; k < 4 * ps; k++)
		ck_assert_uint_eq(p[k], 0);
	memset(p, 0xa5, 4 * ps);
	/* Remembered: the next call does not try MADV_FREE again. */
	ck_assert_int_eq(rtm_purge_lazy(p, 4 * ps), 0);
	rec_end();
	ck_assert_uint_eq(rec_count(REC_MADVISE, RTM_MADV_FREE), 2);
	ck_assert_uint_eq(rec_count(REC_MADVISE, RTM_MADV_DONTNEED), 2);
	ck_assert_uint_eq(p[0], 0);
}
END_TEST

/* MADV_FREE takes only private anonymous memory: shared memory refuses
 * it with EINVAL, as a kernel without MADV_FREE would. The purge still
 * succeeds (MADV_DONTNEED), and the next purge of private memory must
 * still ask for MADV_FREE: only the kernel's answer switches it off. */
START_TEST(purge_lazy_of_shared_memory_keeps_madv_free_for_the_rest)
{
	size_t ps = page_size();
	unsigned char *shared = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE,
	                             MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	unsigned char *p = ready(2 * ps);

	ck_assert_ptr_ne(shared, MAP_FAILED);
	memset(shared, 0x3c, 2 * ps);
	rec_begin(NULL);
	ck_assert_int_eq(rtm_purge_lazy(shared, 2 * ps), 0);
	shared[0] = 1;
	ck_assert_uint_eq(shared[0], 1);
	ck_assert_int_eq(rtm_purge_lazy(p, 2 * ps), 0);
	rec_end();
	if (!emulator()) /* its madvise takes MADV_FREE on shared memory (emulator.h) */
		ck_assert_uint_eq(rec_count(REC_MADVISE, RTM_MADV_DONTNEED), 1);
	ck_assert_uint_eq(rec.log[rec.nlog - 1].op, REC_MADVISE);
	ck_assert_int_eq(rec.log[rec.nlog - 1].arg, RTM_MADV_FREE);
	ck_assert_uint_eq((uintptr_t)rec.log[rec.nlog - 1].addr, (uintptr_t)p);
	munmap(shared, 2 * ps);
}
END_TEST

typedef int (*purge_fn)(void *, size_t);
static const purge_fn purges[] = { rtm_purge, rtm_purge_lazy };

START_TEST(bad_ranges_are_einval)
{
	size_t ps = page_size();
	unsigned char *p = ready(2 * ps);
	purge_fn purge = purges[_i];

	ck_assert_int_eq(purge(p + 1, ps), RTM_EINVAL);
	ck_assert_int_eq(purge(p, 0), RTM_EINVAL);
	ck_assert_int_eq(purge(p, (size_t)0 - (uintptr_t)p + ps), RTM_EINVAL);
	ck_assert_int_eq(purge(p, SIZE_MAX), RTM_EINVAL);
	ck_assert_uint_eq(p[0], 0xa5);
	ck_assert_uint_eq(p[2 * ps - 1], 0xa5);
}
END_TEST

START_TEST(a_range_with_a_hole_is_enomem_and_keeps_the_contents)
{
	size_t ps = page_size();
	unsigned char *p = ready(3 * ps);
	purge_fn purge = purges[_i];

	if (skip_under_emulator32("msync reports no hole"))
		return;
	ck_assert_int_eq(rtm_release_ready(p + ps, ps, ps), 0);
	ck_assert_int_eq(purge(p, 3 * ps), RTM_ENOMEM);
	/* A failed call leaves the region as it was: nothing was dropped on
	 * either side of the hole. */
	ck_assert_uint_eq(p[0], 0xa5);
	ck_assert_uint_eq(p[ps - 1], 0xa5);
	ck_assert_uint_eq(p[2 * ps], 0xa5);
	ck_assert(!page_mapped(p + ps));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vm_purge");
	TCase *tc = tcase_create("purge");
	TCase *hooks = tcase_create("purge_hooks");

	tcase_add_test(tc, purged_memory_reads_zero_and_stays_writable);
	tcase_add_test(tc, purge_gives_the_pages_back_now);
	tcase_add_test(tc, lazily_purged_memory_reads_old_or_zero_and_stays_writable);
	tcase_add_loop_test(tc, bad_ranges_are_einval, 0, 2);
	tcase_add_loop_test(tc, a_range_with_a_hole_is_enomem_and_keeps_the_contents, 0, 2);
	suite_add_tcase(s, tc);
	if (rtm_hooks_enabled()) {
		tcase_add_test(hooks, purge_lazy_uses_madv_free);
		tcase_add_test(hooks, purge_lazy_falls_back_once_madv_free_is_refused);
		tcase_add_test(hooks, purge_lazy_of_shared_memory_keeps_madv_free_for_the_rest);
		suite_add_tcase(s, hooks);
	}
	return run_suite(s);
}
