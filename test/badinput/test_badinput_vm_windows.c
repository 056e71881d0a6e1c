/* Bad input to <rtmem/vm.h> that only the Windows build asks here, part
 * of the badinput_vm program there (test_badinput_vm.c calls
 * badinput_vm_windows):
 *   - what vm.h's Windows notes add: a release must take a whole
 *     reservation, rtm_hugepage and rtm_name answer RTM_EOPNOTSUPP,
 *     rtm_set_auxv does nothing, a hint is taken exactly or not at all;
 *   - the rows of TESTING.md's matrix that test/vm proves on Linux: its
 *     suites are Linux's (fork, /proc), so on Windows the same inputs
 *     are tried here, each between two snapshots of state.h.
 * Each test asserts on ranges it made itself and gives them back: Check
 * runs every test in this one process (windows/suite.h). */
#include "win_check.h" /* before anything includes <check.h>: it says why */

#include <stdint.h>
#include <string.h>

#include <windows.h>

#include <rtmem/vm.h>

#include "proc.h"
#include "state.h"

#define GRAN ((size_t)64 << 10)

void badinput_vm_windows(TCase *tc);

static unsigned char *reserved(size_t n)
{
	rtm_mmap_result r = rtm_reserve(NULL, n, 0);

	ck_assert_int_eq(r.err, 0);
	return r.addr;
}

/* The functions of vm.h that take an existing range, by loop index. */
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
	case F_RELEASE_READY: return rtm_release_ready(p, n, 0);
	case F_HUGEPAGE: return rtm_hugepage(p, n, 1);
	default: return rtm_name(p, n, "rtmem-badinput");
	}
}

/* vm.h: "Windows has no auxiliary vector: the call does nothing there",
 * whatever it is given (NULL, AT_PAGESZ of 0, of a page size that is not
 * the system's, none at all). */
START_TEST(set_auxv_does_nothing)
{
	const unsigned long at_pagesz = 6;
	const unsigned long zero[] = { at_pagesz, 0, 0, 0 };
	const unsigned long other[] = { at_pagesz, 2 * page_size(), 0, 0 };
	const unsigned long none[] = { 0, 0 };
	struct state s0 = state_now(), s1;

	rtm_set_auxv(NULL);
	rtm_set_auxv(zero);
	rtm_set_auxv(other);
	rtm_set_auxv(none);
	s1 = state_now();
	ASSERT_STATE_EQ(s1, s0);
	ck_assert_uint_eq(rtm_page_size(), page_size());
}
END_TEST

/* vm.h's rtm_reserve errors, with nothing reserved or counted: n == 0;
 * align not a power of two, or below the page size (RTM_EINVAL); n that
 * overflows when rounded up, alone or with the slack, or reaches
 * PTRDIFF_MAX (RTM_ENOMEM). */
START_TEST(reserve_refuses_bad_sizes_and_alignments)
{
	size_t ps = page_size();
	const struct {
		size_t n, align;
		int err;
	} bad[] = {
		{ 0, 0, RTM_EINVAL },
		{ 0, 2 * GRAN, RTM_EINVAL },
		{ ps, 3 * ps, RTM_EINVAL },
		{ ps, 3 * GRAN, RTM_EINVAL },
		{ ps, GRAN - 1, RTM_EINVAL },
		{ ps, SIZE_MAX, RTM_EINVAL },
		{ ps, 1, RTM_EINVAL },
		{ ps, ps / 2, RTM_EINVAL },
		{ SIZE_MAX, 0, RTM_ENOMEM },
		{ SIZE_MAX - ps + 2, 0, RTM_ENOMEM },
		{ SIZE_MAX & ~(ps - 1), 2 * GRAN, RTM_ENOMEM },
		{ SIZE_MAX - 2 * GRAN, (size_t)1 << 30, RTM_ENOMEM },
		{ (size_t)PTRDIFF_MAX, 0, RTM_ENOMEM },
		{ (size_t)PTRDIFF_MAX - GRAN, 4 * GRAN, RTM_ENOMEM },
	};

	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		struct state s0, s1;
		rtm_mmap_result r;

		s0 = state_now();
		r = rtm_reserve(NULL, bad[k].n, bad[k].align);
		s1 = state_now();
		ck_assert_msg(r.err == bad[k].err && r.addr == NULL,
		              "reserve(%zu, align %zu) gave %p, %d; want %d", bad[k].n, bad[k].align,
		              r.addr, r.err, bad[k].err);
		ASSERT_STATE_EQ(s1, s0);
	}
}
END_TEST

/* vm.h: RTM_ENOMEM for no address space. A reservation larger than the
 * whole user address space (GetSystemInfo), yet below PTRDIFF_MAX on
 * 64-bit, is that, not VirtualAlloc's ERROR_INVALID_PARAMETER. */
START_TEST(more_than_the_user_address_space_is_enomem)
{
	SYSTEM_INFO si = win_system_info();
	size_t user = (size_t)((uintptr_t)si.lpMaximumApplicationAddress -
	                       (uintptr_t)si.lpMinimumApplicationAddress + 1);
	size_t n = (user + 2 * GRAN) & ~(GRAN - 1);
	struct state s0, s1;
	rtm_mmap_result r;

	s0 = state_now();
	r = rtm_reserve(NULL, n, 0);
	s1 = state_now();
	ck_assert_msg(r.err == RTM_ENOMEM && r.addr == NULL, "reserve(%zu) gave %p, %d", n,
	              r.addr, r.err);
	ASSERT_STATE_EQ(s1, s0);
}
END_TEST

/* vm.h: "hint is an address VirtualAlloc takes exactly ... or refuses;
 * when it refuses, the system picks". A hint inside a live reservation
 * is refused: the new one lies elsewhere, and the one at the hint keeps
 * its pages and contents. */
START_TEST(a_taken_hint_is_not_forced)
{
	size_t ps = page_size();
	unsigned char *a = reserved(4 * ps);
	struct win_snapshot w0, w1;
	rtm_mmap_result b;

	ck_assert_int_eq(rtm_commit(a, 4 * ps), 0);
	memset(a, 0x5a, 4 * ps);
	win_snapshot_take(&w0, a, GRAN);
	b = rtm_reserve(a + ps, 4 * ps, 0);
	win_snapshot_take(&w1, a, GRAN);
	ck_assert_int_eq(b.err, 0);
	ck_assert((uintptr_t)b.addr >= (uintptr_t)a + GRAN ||
	          (uintptr_t)b.addr + 4 * ps <= (uintptr_t)a);
	ck_assert_snapshot_eq(&w1, &w0);
	ck_assert_str_eq(perms_at(a), "rw-p");
	for (size_t k = 0; k < 4 * ps; k++)
		ck_assert_uint_eq(a[k], 0x5a);
	ck_assert_int_eq(rtm_release(b.addr, 4 * ps), 0);
	ck_assert_int_eq(rtm_release_ready(a, 4 * ps, 4 * ps), 0);
}
END_TEST

/* Ranges every range function refuses with RTM_EINVAL before it asks the
 * system (vm.h: p not page aligned; n == 0; p + n wraps, also once n is
 * rounded up to a page), next to a live region that must come through
 * untouched: half of it Ready, with contents. */
START_TEST(bad_ranges_are_einval_and_change_nothing)
{
	size_t ps = page_size();
	unsigned char *p = reserved(GRAN);
	const struct {
		unsigned char *p;
		size_t n;
	} bad[] = {
		{ p, 0 },
		{ p + 1, ps },
		{ p + ps / 2, ps },
		{ p + 1, 0 },
		{ p, SIZE_MAX },
		{ p, (size_t)0 - (uintptr_t)p + ps },    /* wraps */
		{ p, (size_t)0 - (uintptr_t)p - 1 },     /* wraps once rounded up */
		{ p + ps, (size_t)0 - (uintptr_t)p - ps }, /* ends past the top */
	};

	ck_assert_int_eq(rtm_commit(p, GRAN / 2), 0);
	memset(p, 0x6e, GRAN / 2);
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		struct state s0 = state_now(), s1;
		int err = call(_i, bad[k].p, bad[k].n);

		s1 = state_now();
		ck_assert_msg(err == RTM_EINVAL, "%s(p + %zu, %zu) gave %d", f_name[_i],
		              (size_t)(bad[k].p - p), bad[k].n, err);
		ASSERT_STATE_EQ(s1, s0);
	}
	ck_assert_str_eq(perms_at(p + GRAN / 2 - 1), "rw-p");
	ck_assert_str_eq(perms_at(p + GRAN / 2), "---p");
	ck_assert_uint_eq(p[GRAN / 2 - 1], 0x6e);
	ck_assert_int_eq(rtm_release_ready(p, GRAN, GRAN / 2), 0);
}
END_TEST

/* A range that runs from a live reservation into free address space:
 * vm.h's hole (RTM_ENOMEM; RTM_EINVAL for the releases, a double
 * release is one), except that rtm_hugepage and rtm_name answer
 * RTM_EOPNOTSUPP for every valid range on Windows. Nothing changes on
 * either side. */
START_TEST(a_range_with_a_hole_is_the_documented_error_and_changes_nothing)
{
	static const int want[F_COUNT] = { RTM_ENOMEM, RTM_ENOMEM, RTM_ENOMEM, RTM_ENOMEM,
		                           RTM_EINVAL, RTM_EINVAL, RTM_EOPNOTSUPP, RTM_EOPNOTSUPP };
	size_t ps = page_size();
	unsigned char *p = reserved(2 * GRAN);
	struct state s0, s1;
	int err;

	/* Released and taken again at the same address (a hint is taken
	 * exactly): what follows the first half is free. */
	ck_assert_int_eq(rtm_release(p, 2 * GRAN), 0);
	ck_assert_ptr_eq(rtm_reserve(p, GRAN, 0).addr, p);
	ck_assert_int_eq(rtm_commit(p, 2 * ps), 0);
	memset(p, 0x3c, 2 * ps);
	ck_assert_uint_eq(state_at(p + GRAN), MEM_FREE);
	s0 = state_now();
	err = call(_i, p, 2 * GRAN);
	s1 = state_now();
	ck_assert_msg(err == want[_i], "%s over a hole gave %d, want %d", f_name[_i], err, want[_i]);
	ASSERT_STATE_EQ(s1, s0);
	ck_assert_uint_eq(p[2 * ps - 1], 0x3c);
	ck_assert_uint_eq(state_at(p + GRAN), MEM_FREE);
	ck_assert_int_eq(rtm_release_ready(p, GRAN, 2 * ps), 0);
}
END_TEST

/* vm.h, Windows: release takes "a whole reservation exactly (the portable
 * rule), else RTM_EINVAL" with nothing changed: a part of one (its
 * second half, its first half, one page), two at once, and a double
 * release while another region holds the totals up. */
START_TEST(releasing_anything_but_a_whole_reservation_is_einval)
{
	size_t ps = page_size();
	unsigned char *p = reserved(2 * GRAN), *q = reserved(GRAN), *gone = reserved(GRAN);
	const struct {
		unsigned char *p;
		size_t n;
	} bad[] = {
		{ p + GRAN, GRAN }, { p, GRAN }, { p, ps }, { p + ps, 2 * GRAN - ps },
		{ p, 3 * GRAN },    { gone, GRAN },
	};

	ck_assert_int_eq(rtm_commit(p, ps), 0);
	p[0] = 0x41;
	ck_assert_int_eq(rtm_release(gone, GRAN), 0);
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		struct state s0 = state_now(), s1;
		int e_release = rtm_release(bad[k].p, bad[k].n);
		int e_ready = rtm_release_ready(bad[k].p, bad[k].n, ps);

		s1 = state_now();
		ck_assert_msg(e_release == RTM_EINVAL && e_ready == RTM_EINVAL,
		              "release(%p, %zu) gave %d, release_ready %d", (void *)bad[k].p,
		              bad[k].n, e_release, e_ready);
		ASSERT_STATE_EQ(s1, s0);
	}
	ck_assert_uint_eq(p[0], 0x41);
	ck_assert_uint_eq(allocation_size_of(p), 2 * GRAN);
	ck_assert_int_eq(rtm_release_ready(p, 2 * GRAN, ps), 0);
	ck_assert_int_eq(rtm_release(q, GRAN), 0);
}
END_TEST

/* vm.h: RTM_EINVAL "when ready > n (rounded)"; and a ready larger than
 * what is counted (another region's decommit of never-committed pages
 * took the count) still releases, taking the count to zero, not below. */
START_TEST(release_ready_beyond_n_or_beyond_the_count)
{
	size_t ps = page_size();
	unsigned char *never = reserved(16 * ps), *y = reserved(GRAN);
	const size_t beyond[] = { 2 * ps + 1, GRAN + 1, SIZE_MAX };
	struct state s0, s1;
	int err;

	ck_assert_int_eq(rtm_commit(y, 2 * ps), 0);
	for (size_t k = 0; k < sizeof beyond / sizeof beyond[0]; k++) {
		s0 = state_now();
		err = rtm_release_ready(y, 2 * ps, beyond[k]);
		s1 = state_now();
		ck_assert_msg(err == RTM_EINVAL, "release_ready(y, 2 pages, %zu) gave %d", beyond[k],
		              err);
		ASSERT_STATE_EQ(s1, s0);
	}
	/* Takes up to 16 pages off the count: all of y's 2, and whatever
	 * else is counted, up to 14 more (the tests before this one leave
	 * none). */
	ck_assert_int_eq(rtm_decommit(never, 16 * ps), 0);
	ck_assert_uint_eq(rtm_vm_stats().committed, 0);
	ck_assert_int_eq(rtm_release_ready(y, GRAN, 2 * ps), 0);
	ck_assert_uint_eq(state_at(y), MEM_FREE);
	ck_assert_uint_eq(rtm_vm_stats().committed, 0);
	ck_assert_int_eq(rtm_release(never, 16 * ps), 0);
}
END_TEST

/* vm.h, Windows: rtm_hugepage and rtm_name are RTM_EOPNOTSUPP "for every
 * valid range": reserved or committed, a NULL name (Linux: clear it), a
 * name Linux refuses, a section view (Linux: a file mapping is
 * RTM_EBADF). Nothing changes. */
START_TEST(hugepage_and_name_are_eopnotsupp_for_every_valid_range)
{
	static char too_long[100];
	size_t ps = page_size();
	unsigned char *p = reserved(GRAN);
	HANDLE section = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
	                                    (DWORD)GRAN, NULL);
	unsigned char *view;
	const char *const names[] = { "rtmem", NULL, too_long, "bad[name", "tab\there" };
	int err[4 + 2 * sizeof names / sizeof names[0]], n = 0;
	struct state s0, s1;

	ck_assert_ptr_nonnull(section);
	view = MapViewOfFile(section, FILE_MAP_WRITE, 0, 0, GRAN);
	ck_assert_ptr_nonnull(view);
	ck_assert_str_eq(perms_at(view), "rw-s");
	memset(too_long, 'x', sizeof too_long - 1);
	ck_assert_int_eq(rtm_commit(p, ps), 0);
	p[0] = 0x77;
	s0 = state_now();
	err[n++] = rtm_hugepage(p, GRAN, 1);
	err[n++] = rtm_hugepage(p, ps, 0);
	err[n++] = rtm_hugepage(view, GRAN, 1);
	err[n++] = rtm_name(view, GRAN, "rtmem");
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		err[n++] = rtm_name(p, ps, names[k]);
		err[n++] = rtm_name(p + ps, GRAN - ps, names[k]);
	}
	s1 = state_now();
	for (int k = 0; k < n; k++)
		ck_assert_msg(err[k] == RTM_EOPNOTSUPP, "call %d gave %d", k, err[k]);
	ASSERT_STATE_EQ(s1, s0);
	ck_assert_uint_eq(p[0], 0x77);
	ck_assert(UnmapViewOfFile(view));
	ck_assert(CloseHandle(section));
	ck_assert_int_eq(rtm_release_ready(p, GRAN, ps), 0);
}
END_TEST

void badinput_vm_windows(TCase *tc)
{
	tcase_add_test(tc, set_auxv_does_nothing);
	tcase_add_test(tc, reserve_refuses_bad_sizes_and_alignments);
	tcase_add_test(tc, a_taken_hint_is_not_forced);
	tcase_add_test(tc, more_than_the_user_address_space_is_enomem);
	tcase_add_loop_test(tc, bad_ranges_are_einval_and_change_nothing, 0, F_COUNT);
	tcase_add_loop_test(tc, a_range_with_a_hole_is_the_documented_error_and_changes_nothing, 0,
	                    F_COUNT);
	tcase_add_test(tc, releasing_anything_but_a_whole_reservation_is_einval);
	tcase_add_test(tc, release_ready_beyond_n_or_beyond_the_count);
	tcase_add_test(tc, hugepage_and_name_are_eopnotsupp_for_every_valid_range);
}
