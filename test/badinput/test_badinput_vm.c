/* Bad input to the region lifecycle (<rtmem/vm.h>) that test/vm does not
 * try. Every case asserts the documented outcome and that rtm_vm_stats and
 * /proc/self/maps are as they were before the call (state.h), or moved
 * exactly as vm.h says they move.
 *
 * The same source on Windows (VirtualQuery in place of /proc: state.h,
 * windows/proc.h), where vm.h's Windows notes give a different answer,
 * that one is asserted; test_badinput_vm_windows.c has what only Windows
 * asks. Windows runs every test in this one process (no fork): a test
 * there starts with what the tests before it left, which, when they
 * pass, is nothing reserved and nothing counted. */
#if defined(_WIN32)
#include "win_check.h" /* before anything includes <check.h>: it says why */

#include <string.h>

#include <windows.h>
#else
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif

#include <rtmem/vm.h>

#include "proc.h"
#if !defined(_WIN32)
#include "rec_hooks.h"
#endif
#include "state.h"
#include "suite.h"

#if defined(_WIN32)
void badinput_vm_windows(TCase *tc);
#endif

static unsigned char *reserved(size_t n)
{
	rtm_mmap_result r = rtm_reserve(NULL, n, 0);

	ck_assert_int_eq(r.err, 0);
	return r.addr;
}

static unsigned char *ready(size_t n)
{
	unsigned char *p = reserved(n);

	ck_assert_int_eq(rtm_commit(p, n), 0);
	memset(p, 0xa5, n);
	return p;
}

#if !defined(_WIN32)
static int have_thp(void)
{
	return access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) == 0;
}

#define TEST_PR_SET_VMA 0x53564d41

/* Whether this kernel names anonymous memory, asked through libc. */
static int kernel_names_vmas(void)
{
	void *q = mmap(NULL, page_size(), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ok;

	ck_assert_ptr_ne(q, MAP_FAILED);
	ok = prctl(TEST_PR_SET_VMA, 0, (unsigned long)q, page_size(), (unsigned long)"probe") == 0;
	ck_assert(ok || errno == EINVAL);
	munmap(q, page_size());
	return ok;
}
#endif

/* The functions of vm.h that take an existing range, in the order of the
 * loop index of the test below. */
enum { F_COMMIT, F_DECOMMIT, F_PURGE, F_PURGE_LAZY, F_RELEASE, F_RELEASE_READY, F_HUGEPAGE,
       F_NAME, F_COUNT };

static const char *const f_name[F_COUNT] = { "rtm_commit",  "rtm_decommit",
	                                     "rtm_purge",   "rtm_purge_lazy",
	                                     "rtm_release", "rtm_release_ready",
	                                     "rtm_hugepage", "rtm_name" };

static int call(int f, void *p, size_t n)
{
	switch (f) {
	case F_COMMIT: return rtm_commit(p, n);
	case F_DECOMMIT: return rtm_decommit(p, n);
	case F_PURGE: return rtm_purge(p, n);
	case F_PURGE_LAZY: return rtm_purge_lazy(p, n);
	case F_RELEASE: return rtm_release(p, n);
	case F_RELEASE_READY: return rtm_release_ready(p, n, n);
	case F_HUGEPAGE: return rtm_hugepage(p, n, 1);
	default: return rtm_name(p, n, "rtmem-badinput");
	}
}

/* What vm.h documents for a range that is not mapped at all. */
static int unmapped_error(int f)
{
	switch (f) {
	case F_RELEASE:
	case F_RELEASE_READY:
		return RTM_EINVAL; /* releasing what was never reserved */
#if defined(_WIN32)
	case F_HUGEPAGE:
	case F_NAME:
		return RTM_EOPNOTSUPP; /* vm.h, Windows: for every valid range */
#else
	case F_HUGEPAGE:
		return have_thp() ? RTM_ENOMEM : RTM_EINVAL; /* no THP: any advice */
	case F_NAME:
		return kernel_names_vmas() ? RTM_ENOMEM : RTM_EINVAL; /* no feature */
#endif
	default:
		return RTM_ENOMEM;
	}
}

/* p = NULL with a page of length: page 0 is never mapped, so each call
 * meets an unmapped range. A live region (half of it committed) holds
 * more than a page in the totals, so release cannot be told apart by the
 * totals alone, and it must come through untouched. */
START_TEST(a_null_address_is_the_documented_error_and_changes_nothing)
{
	size_t ps = page_size();
	unsigned char *live = reserved(16 * ps);
	int want = unmapped_error(_i), got;
	struct state s0, s1;

	/* qemu-hppa maps page 0 itself (emulator.h): no hole to meet. */
	if (page_mapped(NULL) && skip_under_emulator("qemu-hppa maps page 0"))
		return;
	/* hugepage sees the hole through madvise, the others but name
	 * (prctl) through msync, which a 32-bit guest cannot see either. */
	if (_i == F_HUGEPAGE && skip_under_emulator("madvise reports no hole"))
		return;
	if (_i != F_NAME && skip_under_emulator32("msync reports no hole"))
		return;
	ck_assert_int_eq(rtm_commit(live, 8 * ps), 0);
	memset(live, 0x6e, 8 * ps);
	ck_assert(!page_mapped(NULL));
	s0 = state_now();
	got = call(_i, NULL, ps);
	s1 = state_now();
	ck_assert_msg(got == want, "%s(NULL, page) gave %d, want %d", f_name[_i], got, want);
	ASSERT_STATE_EQ(s1, s0);
	ck_assert_str_eq(perms_at(live), "rw-p");
	ck_assert_str_eq(perms_at(live + 8 * ps), "---p");
	ck_assert_uint_eq(live[8 * ps - 1], 0x6e);
	ck_assert_int_eq(rtm_release_ready(live, 16 * ps, 8 * ps), 0);
}
END_TEST

/* vm.h: "hint is only a hint: no MAP_FIXED". An unaligned hint, one in
 * the top page (no mapping fits there) and one below mmap_min_addr still
 * give a reservation aligned to align (0: the allocation granularity,
 * the page size on Linux, 64 KiB on Windows), counted exactly. On
 * Windows vm.h rounds the unaligned hints down to 64 KiB, to the hole. */
START_TEST(an_unaligned_or_impossible_hint_is_only_a_hint)
{
	size_t ps = page_size(), align = _i ? 64 << 10 : 0;
	unsigned char *hole = reserved(16 * ps);
	void *const hints[] = { hole + 1, hole + ps / 2 + 3, (void *)(UINTPTR_MAX & ~(ps - 1)),
		                (void *)1 };

	if (skip_under_emulator32("PROT_NONE mappings may be missing from the maps"))
		return;
	ck_assert_int_eq(rtm_release(hole, 16 * ps), 0);
	for (size_t k = 0; k < sizeof hints / sizeof hints[0]; k++) {
		struct state s0, s1, s2;
		rtm_mmap_result r;
		char name[128];
		int mapped, err;

		s0 = state_now();
		r = rtm_reserve(hints[k], ps, align);
		s1 = state_now();
		mapped = state_name_at(r.addr, name);
		err = r.err ? r.err : rtm_release(r.addr, ps);
		s2 = state_now();
		ck_assert_msg(r.err == 0, "hint %p: %d", hints[k], r.err);
		ck_assert_uint_eq((uintptr_t)r.addr % (align ? align : rtm_alloc_granularity()), 0);
		ck_assert_uint_eq(s1.vm.reserved - s0.vm.reserved, ps);
		ck_assert_uint_eq(s1.maps_bytes - s0.maps_bytes, ps);
		ck_assert(mapped);
		ck_assert_int_eq(err, 0);
		ASSERT_STATE_EQ(s2, s0);
	}
}
END_TEST

/* vm.h: RTM_ENOMEM when "n plus the alignment slack overflows or reaches
 * PTRDIFF_MAX". The top bit is the largest power of two: a page plus its
 * slack is PTRDIFF_MAX + 1, and with n of the same size the sum wraps. */
START_TEST(an_alignment_of_the_top_bit_is_enomem)
{
	const size_t top = (size_t)1 << (sizeof(size_t) * 8 - 1);
	const size_t sizes[] = { 1, page_size(), top };

	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		struct state s0 = state_now(), s1;
		rtm_mmap_result r = rtm_reserve(NULL, sizes[k], top);

		s1 = state_now();
		ck_assert_msg(r.err == RTM_ENOMEM && r.addr == NULL, "reserve(%zu, top bit) gave %p, %d",
		              sizes[k], r.addr, r.err);
		ASSERT_STATE_EQ(s1, s0);
	}
}
END_TEST

/* vm.h: a double release is RTM_EINVAL. With rtm_release_ready the second
 * call must not take the ready bytes off the committed count either: b
 * holds enough of both counts to cover a twice over. */
START_TEST(a_double_release_ready_is_einval_and_keeps_both_counts)
{
	size_t ps = page_size();
	struct rtm_vm_stats base = rtm_vm_stats();
	unsigned char *a = reserved(4 * ps), *b = ready(8 * ps);
	struct state s0, s1;
	int err;

	if (skip_under_emulator32("msync reports no hole"))
		return;
	ck_assert_int_eq(rtm_commit(a, 2 * ps), 0);
	ck_assert_int_eq(rtm_release_ready(a, 4 * ps, 2 * ps), 0);
	s0 = state_now();
	err = rtm_release_ready(a, 4 * ps, 2 * ps);
	s1 = state_now();
	ck_assert_int_eq(err, RTM_EINVAL);
	ASSERT_STATE_EQ(s1, s0);
	/* The books still hold exactly b: it releases in full. */
	ck_assert_uint_eq(b[8 * ps - 1], 0xa5);
	ck_assert_int_eq(rtm_release_ready(b, 8 * ps, 8 * ps), 0);
	ck_assert_uint_eq(rtm_vm_stats().reserved, base.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, base.committed);
}
END_TEST

/* Read-write memory rtmem did not map: libc's mmap, or on Windows a
 * VirtualAlloc of its own (a whole reservation, as rtm_release wants). */
static unsigned char *foreign_map(size_t n)
{
#if defined(_WIN32)
	unsigned char *q = VirtualAlloc(NULL, n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);

	ck_assert_ptr_nonnull(q);
#else
	unsigned char *q = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(q, MAP_FAILED);
#endif
	return q;
}

static void foreign_unmap(unsigned char *q, size_t n)
{
#if defined(_WIN32)
	(void)n;
	VirtualFree(q, 0, MEM_RELEASE);
#else
	munmap(q, n);
#endif
}

/* vm.h: releasing "what was never reserved" while rtmem holds nothing is
 * RTM_EINVAL, and nothing is unmapped: here a mapping libc made (on
 * Windows, a reservation of the test's own). */
START_TEST(releasing_a_mapping_rtmem_never_made_is_einval)
{
	size_t ps = page_size();
	unsigned char *q = foreign_map(2 * ps);
	struct state s0, s1;
	int e_release, e_ready;

	q[0] = 0x17;
	/* A forked test starts with nothing reserved (on Windows, the tests
	 * before this one gave back all they reserved): the totals alone
	 * must refuse this release. */
	ck_assert_uint_eq(rtm_vm_stats().reserved, 0);
	s0 = state_now();
	e_release = rtm_release(q, 2 * ps);
	e_ready = rtm_release_ready(q, 2 * ps, ps);
	s1 = state_now();
	ck_assert_int_eq(e_release, RTM_EINVAL);
	ck_assert_int_eq(e_ready, RTM_EINVAL);
	ASSERT_STATE_EQ(s1, s0);
	ck_assert_uint_eq(pages_mapped(q, 2 * ps), 2);
	ck_assert_uint_eq(q[0], 0x17);
	foreign_unmap(q, 2 * ps);
}
END_TEST

/* rtm_name's errors do not cover n == 0 or a length that wraps (the
 * other range functions list both as RTM_EINVAL). What vm.h does promise
 * for every function: 0 or a positive errno, and the region as it was.
 * The kernel itself takes a zero length as nothing to do. On Windows,
 * which keeps no names, the range is refused before anything else: vm.h
 * lists n == 0 and a wrap as RTM_EINVAL now, and that is asserted. */
START_TEST(naming_with_a_zero_or_wrapping_length_changes_nothing)
{
	size_t ps = page_size();
	unsigned char *p = ready(2 * ps);
	const size_t lengths[] = { 0, SIZE_MAX, (size_t)0 - (uintptr_t)p + ps };
#if !defined(_WIN32)
	struct vma v;
#endif

	for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
		struct state s0 = state_now(), s1;
		int err = rtm_name(p, lengths[k], "rtmem-badinput");

		s1 = state_now();
#if defined(_WIN32)
		ck_assert_msg(err == RTM_EINVAL, "rtm_name(p, %zu) gave %d", lengths[k], err);
		ASSERT_STATE_EQ(s1, s0);
#else
		ck_assert_msg(err >= 0, "rtm_name(p, %zu) gave %d", lengths[k], err);
		ASSERT_STATE_EQ(s1, s0);
		ck_assert(vma_at(p, &v));
		ck_assert_str_eq(v.name, "");
#endif
	}
#if !defined(_WIN32)
	ck_assert(strstr(proc_read("/proc/self/maps"), "rtmem-badinput") == NULL);
#endif
	ck_assert_uint_eq(p[2 * ps - 1], 0xa5);
#if defined(_WIN32)
	/* The next test runs in this process. */
	ck_assert_int_eq(rtm_release_ready(p, 2 * ps, 2 * ps), 0);
#endif
}
END_TEST

#if !defined(_WIN32)
/* vm.h: rtm_purge_lazy's errors are rtm_purge's, RTM_EINVAL for locked
 * pages, and it falls back to MADV_DONTNEED for good only "on kernels
 * without MADV_FREE". Locked pages refuse MADV_FREE with EINVAL too; that
 * refusal is the range's, so the next purge of other memory must still
 * ask for MADV_FREE (the recording hooks count the advice). Linux's:
 * Windows has no MADV_FREE to fall back from, and vm.h lists no error
 * for locked pages there. */
START_TEST(a_lazy_purge_of_locked_pages_is_einval_and_keeps_madv_free)
{
	size_t ps = page_size();
	unsigned char *locked = ready(ps), *other = ready(ps);
	struct state s0, s1;
	int e_locked, e_other;

	if (skip_under_emulator("madvise takes MADV_FREE on locked pages"))
		return;
	/* The system call, not libc's mlock: ASan intercepts mlock and does
	 * nothing, which would leave the page unlocked. */
	ck_assert_msg(syscall(SYS_mlock, locked, ps) == 0, "mlock: %s", strerror(errno));
	rec_begin(NULL);
	s0 = state_now();
	e_locked = rtm_purge_lazy(locked, ps);
	s1 = state_now();
	e_other = rtm_purge_lazy(other, ps);
	rec_end();
	ck_assert_int_eq(e_locked, RTM_EINVAL);
	ASSERT_STATE_EQ(s1, s0);
	ck_assert_uint_eq(locked[0], 0xa5);
	ck_assert_int_eq(e_other, 0);
	/* The locked range's, the zero-length question whether the kernel
	 * has MADV_FREE (it has), the other range's. */
	ck_assert_uint_eq(rec_count(REC_MADVISE, RTM_MADV_FREE), 3);
}
END_TEST
#endif

/* A second commit of Ready memory, or a decommit of memory that is
 * Reserved already: vm.h keeps the totals "per call, not per page", so
 * "committing a Ready page again counts it twice; decommitting a Reserved
 * page takes back at most what is counted". Pinned here so that a change
 * to that contract is a deliberate one. Neither call may change the
 * region: same protections, contents and mappings. */
START_TEST(committing_ready_memory_again_counts_it_again_and_changes_nothing_else)
{
	size_t ps = page_size();
	unsigned char *p = ready(2 * ps);
	struct state s0, s1;
	int err;

	s0 = state_now();
	err = rtm_commit(p, 2 * ps);
	s1 = state_now();
	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(s1.vm.committed - s0.vm.committed, 2 * ps);
	ck_assert_uint_eq(s1.vm.reserved, s0.vm.reserved);
	ck_assert_uint_eq(s1.maps_bytes, s0.maps_bytes);
	ck_assert_uint_eq(s1.maps_lines, s0.maps_lines);
	ck_assert_str_eq(perms_at(p), "rw-p");
	ck_assert_uint_eq(p[2 * ps - 1], 0xa5);
	/* Releasing the region takes one commit's count off; the second
	 * stays counted, for no page. */
	ck_assert_int_eq(rtm_release_ready(p, 2 * ps, 2 * ps), 0);
	ck_assert_uint_eq(rtm_vm_stats().committed, s0.vm.committed);
#if defined(_WIN32)
	/* The next test runs in this process: the stray count goes back the
	 * way vm.h allows, a decommit of Reserved memory. */
	p = reserved(2 * ps);
	ck_assert_int_eq(rtm_decommit(p, 2 * ps), 0);
	ck_assert_int_eq(rtm_release(p, 2 * ps), 0);
	ck_assert_uint_eq(rtm_vm_stats().committed, s0.vm.committed - 2 * ps);
#endif
}
END_TEST

/* never is Reserved; b holds 4 Ready pages, so the count holds more than
 * never's length and a decommit of never takes all of it from b's share. */
START_TEST(decommitting_reserved_memory_takes_back_at_most_what_is_counted)
{
	size_t ps = page_size();
	struct rtm_vm_stats base = rtm_vm_stats();
	unsigned char *never = reserved(2 * ps), *b = ready(4 * ps);
	struct state s0, s1;
	int err;

	/* A forked test starts with nothing counted (on Windows, the tests
	 * before this one gave back all they counted). */
	ck_assert_uint_eq(base.committed, 0);
	s0 = state_now();
	err = rtm_decommit(never, 2 * ps);
	s1 = state_now();
	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(s0.vm.committed - s1.vm.committed, 2 * ps);
	ck_assert_uint_eq(s1.vm.reserved, s0.vm.reserved);
	ck_assert_uint_eq(s1.maps_bytes, s0.maps_bytes);
	ck_assert_str_eq(perms_at(never), "---p");
	ck_assert_str_eq(perms_at(b), "rw-p");
	ck_assert_uint_eq(b[4 * ps - 1], 0xa5);
	/* Twice more: the first takes the rest of b's count, the second
	 * finds the count at 0 and takes nothing (the count never wraps). */
	ck_assert_int_eq(rtm_decommit(never, 2 * ps), 0);
	ck_assert_int_eq(rtm_decommit(never, 2 * ps), 0);
	ck_assert_uint_eq(rtm_vm_stats().committed, 0);
	ck_assert_int_eq(rtm_release(never, 2 * ps), 0);
	ck_assert_int_eq(rtm_release(b, 4 * ps), 0);
	ck_assert_uint_eq(rtm_vm_stats().reserved, base.reserved);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("badinput_vm");
	TCase *tc = tcase_create("vm");

	tcase_add_loop_test(tc, a_null_address_is_the_documented_error_and_changes_nothing, 0,
	                    F_COUNT);
	tcase_add_loop_test(tc, an_unaligned_or_impossible_hint_is_only_a_hint, 0, 2);
	tcase_add_test(tc, an_alignment_of_the_top_bit_is_enomem);
	tcase_add_test(tc, a_double_release_ready_is_einval_and_keeps_both_counts);
	tcase_add_test(tc, releasing_a_mapping_rtmem_never_made_is_einval);
	tcase_add_test(tc, naming_with_a_zero_or_wrapping_length_changes_nothing);
#if !defined(_WIN32)
	/* Counting the advice needs the hooks, which -Dhooks=false never
	 * calls. */
	if (rtm_hooks_enabled())
		tcase_add_test(tc, a_lazy_purge_of_locked_pages_is_einval_and_keeps_madv_free);
#endif
	tcase_add_test(tc, committing_ready_memory_again_counts_it_again_and_changes_nothing_else);
	tcase_add_test(tc, decommitting_reserved_memory_takes_back_at_most_what_is_counted);
#if defined(_WIN32)
	badinput_vm_windows(tc);
#endif
	suite_add_tcase(s, tc);
	return run_suite(s);
}
