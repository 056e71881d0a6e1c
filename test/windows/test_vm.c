/* <rtmem/vm.h> on Windows: the region lifecycle over VirtualAlloc and
 * VirtualFree, each call's effect asserted with what VirtualQuery says
 * (win_state.h), the errors vm.h lists for Windows, ranges across two
 * reservations, and the failure paths reached through a hook table that
 * records every call and refuses chosen ones. */
#include <stdint.h>
#include <string.h>

#include <windows.h>

#include <rtmem/vm.h>

#include "win_check.h"
#include "win_rec_hooks.h"
#include "win_state.h"
#include "win_suite.h"

#define KiB  ((size_t)1 << 10)
#define MiB  ((size_t)1 << 20)
#define GRAN ((size_t)64 * KiB)

/* ---- helpers ---- */

static char *reserve(size_t n)
{
	rtm_mmap_result r = rtm_reserve(NULL, n, 0);

	ck_assert_int_eq(r.err, 0);
	return r.addr;
}

/* Two reservations of GRAN bytes, back to back: rtm_reserve with the
 * address of a hole as the hint, which VirtualAlloc takes exactly. */
static char *adjacent_pair(void)
{
	for (int tries = 0; tries < 100; tries++) {
		char *p = VirtualAlloc(NULL, 2 * GRAN, MEM_RESERVE, PAGE_NOACCESS);
		rtm_mmap_result a, b;

		ck_assert_ptr_nonnull(p);
		ck_assert(VirtualFree(p, 0, MEM_RELEASE));
		a = rtm_reserve(p, GRAN, 0);
		b = rtm_reserve(p + GRAN, GRAN, 0);
		if (!a.err && !b.err && a.addr == p && b.addr == p + GRAN)
			return p;
		if (!a.err)
			ck_assert_int_eq(rtm_release(a.addr, GRAN), 0);
		if (!b.err)
			ck_assert_int_eq(rtm_release(b.addr, GRAN), 0);
	}
	ck_abort_msg("no two adjacent reservations in 100 tries");
	return NULL;
}

static void release_pair(char *p)
{
	ck_assert_int_eq(rtm_release(p, GRAN), 0);
	ck_assert_int_eq(rtm_release(p + GRAN, GRAN), 0);
}

/* ---- tests ---- */

START_TEST(sizes_are_the_systems)
{
	ck_assert_uint_eq(rtm_page_size(), page_size());
	ck_assert_uint_eq(rtm_alloc_granularity(), alloc_granularity());
	ck_assert_uint_eq(rtm_alloc_granularity(), GRAN);
}
END_TEST

START_TEST(reserve_commit_decommit_release)
{
	size_t ps = page_size();
	struct rtm_vm_stats s0 = rtm_vm_stats();
	char *p = reserve(MiB);

	ck_assert_uint_eq((uintptr_t)p % GRAN, 0);
	ck_assert_uint_eq(state_at(p), MEM_RESERVE);
	ck_assert_uint_eq(allocation_size_of(p), MiB);
	ck_assert_uint_eq(rtm_vm_stats().reserved - s0.reserved, MiB);
	ck_assert_int_eq(rtm_commit(p + ps, 2 * ps - 1), 0);
	ck_assert_uint_eq(committed_in(p, MiB), 2 * ps);
	ck_assert_uint_eq(protect_at(p + ps), PAGE_READWRITE);
	ck_assert_uint_eq(rtm_vm_stats().committed - s0.committed, 2 * ps);
	memset(p + ps, 0x5a, 2 * ps);
	ck_assert_int_eq(rtm_decommit(p + ps, 2 * ps), 0);
	ck_assert_uint_eq(committed_in(p, MiB), 0);
	ck_assert_uint_eq(rtm_vm_stats().committed, s0.committed);
	ck_assert_int_eq(rtm_commit(p + ps, ps), 0);
	ck_assert_uint_eq((unsigned char)p[ps], 0); /* fresh pages */
	ck_assert_int_eq(rtm_release_ready(p, MiB, ps), 0);
	ck_assert_uint_eq(state_at(p), MEM_FREE);
	ck_assert_uint_eq(rtm_vm_stats().reserved, s0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, s0.committed);
}
END_TEST

START_TEST(purge_reads_zero_and_keeps_states)
{
	size_t ps = page_size();
	char *p = reserve(GRAN);

	ck_assert_int_eq(rtm_commit(p, 2 * ps), 0);
	memset(p, 0x33, 2 * ps);
	/* Ready, Ready, Reserved...: only the Ready runs are purged. */
	ck_assert_int_eq(rtm_purge(p + ps, 4 * ps), 0);
	ck_assert_uint_eq((unsigned char)p[0], 0x33);
	ck_assert_uint_eq((unsigned char)p[ps], 0);
	ck_assert_uint_eq(committed_in(p, GRAN), 2 * ps);
	ck_assert_int_eq(rtm_purge_lazy(p, 2 * ps), 0);
	ck_assert_uint_eq(committed_in(p, GRAN), 2 * ps);
	p[0] = 1; /* still writable */
	ck_assert_int_eq(rtm_release_ready(p, GRAN, 2 * ps), 0);
}
END_TEST

START_TEST(aligned_reserve_takes_virtualalloc2_or_the_fallback)
{
	for (int fallback = 0; fallback < 2; fallback++) {
		rtm_mmap_result r;

		rec_begin(0, 0, 0);
		rec.no_alloc2 = fallback;
		r = rtm_reserve(NULL, 3 * MiB, 4 * MiB);
		rec_end();
		ck_assert_int_eq(r.err, 0);
		ck_assert_uint_eq((uintptr_t)r.addr % (4 * MiB), 0);
		ck_assert_ptr_eq(allocation_base_of(r.addr), r.addr);
		ck_assert_uint_eq(allocation_size_of(r.addr), 3 * MiB);
		ck_assert_uint_eq(rec.calls[H_ALIGNED], 1);
		if (fallback) {
			/* Reserve the slack, release it, reserve inside. */
			ck_assert_uint_ge(rec.calls[H_ALLOC], 2);
			ck_assert_uint_ge(rec.calls[H_FREE], 1);
		}
		ck_assert_int_eq(rtm_release(r.addr, 3 * MiB), 0);
	}
}
END_TEST

/* The fallback's release of its slack refused once: it tries again, and
 * the reservation comes out aligned, counted once. */
START_TEST(the_fallback_tries_a_refused_release_again)
{
	struct rtm_vm_stats s0 = rtm_vm_stats();
	rtm_mmap_result r;

	rec_begin(H_FREE, MEM_RELEASE, 1);
	rec.no_alloc2 = 1;
	r = rtm_reserve(NULL, MiB, 2 * MiB);
	rec_end();
	ck_assert_int_eq(r.err, 0);
	ck_assert_uint_eq((uintptr_t)r.addr % (2 * MiB), 0);
	ck_assert_uint_ge(rec.calls[H_FREE], 2);
	ck_assert_uint_eq(rtm_vm_stats().reserved - s0.reserved, MiB);
	ck_assert_int_eq(rtm_release(r.addr, MiB), 0);
	ck_assert_uint_eq(rtm_vm_stats().reserved, s0.reserved);
}
END_TEST

/* Every release refused: the reserve fails and counts nothing (what the
 * hook kept mapped, nothing can give back). */
START_TEST(a_fallback_whose_releases_are_all_refused_fails)
{
	struct rtm_vm_stats s0 = rtm_vm_stats();
	rtm_mmap_result r;

	rec_begin(H_FREE, MEM_RELEASE, 0);
	rec.no_alloc2 = 1;
	r = rtm_reserve(NULL, MiB, 2 * MiB);
	rec_end();
	ck_assert_int_eq(r.err, RTM_ENOMEM);
	ck_assert_ptr_null(r.addr);
	ck_assert_uint_eq(rtm_vm_stats().reserved, s0.reserved);
}
END_TEST

START_TEST(commit_and_decommit_span_two_reservations)
{
	char *p = adjacent_pair();

	ck_assert_int_eq(rtm_commit(p + GRAN / 2, GRAN), 0);
	ck_assert_uint_eq(committed_in(p, 2 * GRAN), GRAN);
	ck_assert_uint_eq(state_at(p + GRAN), MEM_COMMIT);
	ck_assert_int_eq(rtm_decommit(p, 2 * GRAN), 0);
	ck_assert_uint_eq(committed_in(p, 2 * GRAN), 0);
	/* One release cannot take two reservations. */
	ck_assert_int_eq(rtm_release(p, 2 * GRAN), RTM_EINVAL);
	ck_assert_uint_eq(state_at(p), MEM_RESERVE);
	release_pair(p);
}
END_TEST

START_TEST(a_commit_refused_in_the_second_reservation_changes_nothing)
{
	size_t ps = page_size();
	char *p = adjacent_pair();
	struct win_snapshot s0, s1;
	struct rtm_vm_stats v0;

	/* Some of the first part is Ready already: it must stay Ready. */
	ck_assert_int_eq(rtm_commit(p + ps, ps), 0);
	p[ps] = 7;
	win_snapshot_take(&s0, p, 2 * GRAN);
	v0 = rtm_vm_stats();
	rec_begin(H_ALLOC, MEM_COMMIT, 2);
	ck_assert_int_eq(rtm_commit(p, 2 * GRAN), RTM_ENOMEM);
	rec_end();
	ck_assert_uint_eq(rec.calls[H_ALLOC], 2);
	win_snapshot_take(&s1, p, 2 * GRAN);
	ck_assert_snapshot_eq(&s1, &s0);
	ck_assert_uint_eq(p[ps], 7);
	ck_assert_uint_eq(rtm_vm_stats().committed, v0.committed);
	release_pair(p);
}
END_TEST

START_TEST(a_decommit_refused_in_the_second_reservation_leaves_the_first_ready)
{
	char *p = adjacent_pair();
	struct win_snapshot s0, s1;

	ck_assert_int_eq(rtm_commit(p, 2 * GRAN), 0);
	win_snapshot_take(&s0, p, 2 * GRAN);
	rec_begin(H_FREE, MEM_DECOMMIT, 2);
	ck_assert_int_eq(rtm_decommit(p, 2 * GRAN), RTM_ENOMEM);
	rec_end();
	win_snapshot_take(&s1, p, 2 * GRAN);
	ck_assert_snapshot_eq(&s1, &s0); /* Ready again, contents gone (vm.h) */
	ck_assert_uint_eq(p[0], 0);
	release_pair(p);
}
END_TEST

START_TEST(a_purge_whose_recommit_is_refused_leaves_the_run_reserved)
{
	size_t ps = page_size();
	char *p = reserve(GRAN);

	ck_assert_int_eq(rtm_commit(p, 2 * ps), 0);
	rec_begin(H_ALLOC, MEM_COMMIT, 1);
	ck_assert_int_eq(rtm_purge(p, 2 * ps), RTM_ENOMEM);
	rec_end();
	ck_assert_uint_eq(committed_in(p, GRAN), 0);
	ck_assert_uint_eq(state_at(p), MEM_RESERVE);
	ck_assert_int_eq(rtm_release(p, GRAN), 0);
}
END_TEST

START_TEST(errors_are_the_documented_values)
{
	size_t ps = page_size();
	char *p = reserve(2 * GRAN);
	struct win_snapshot s0, s1;

	win_snapshot_take(&s0, p, 2 * GRAN);
	ck_assert_int_eq(rtm_reserve(NULL, 0, 0).err, RTM_EINVAL);
	ck_assert_int_eq(rtm_reserve(NULL, ps, 3 * GRAN).err, RTM_EINVAL);
	ck_assert_int_eq(rtm_reserve(NULL, SIZE_MAX, 0).err, RTM_ENOMEM);
	ck_assert_int_eq(rtm_commit(p + 1, ps), RTM_EINVAL);
	ck_assert_int_eq(rtm_commit(p, 0), RTM_EINVAL);
	ck_assert_int_eq(rtm_hugepage(p, ps, 1), RTM_EOPNOTSUPP);
	ck_assert_int_eq(rtm_name(p, ps, "x"), RTM_EOPNOTSUPP);
	/* Release: a whole reservation exactly, nothing else. */
	ck_assert_int_eq(rtm_release(p + GRAN, GRAN), RTM_EINVAL);
	ck_assert_int_eq(rtm_release(p, GRAN), RTM_EINVAL);
	ck_assert_int_eq(rtm_release_ready(p, 2 * GRAN, 3 * GRAN), RTM_EINVAL);
	win_snapshot_take(&s1, p, 2 * GRAN);
	ck_assert_snapshot_eq(&s1, &s0);
	ck_assert_int_eq(rtm_release(p, 2 * GRAN), 0);
	/* A hole: released already. */
	ck_assert_int_eq(rtm_commit(p, ps), RTM_ENOMEM);
	ck_assert_int_eq(rtm_decommit(p, ps), RTM_ENOMEM);
	ck_assert_int_eq(rtm_purge(p, ps), RTM_ENOMEM);
	ck_assert_int_eq(rtm_release(p, 2 * GRAN), RTM_EINVAL);
	ck_assert_uint_eq(state_at(p), MEM_FREE);
}
END_TEST

START_TEST(hooks_see_every_reserve_commit_decommit_and_release)
{
	size_t ps = page_size();
	char *p;

	rec_begin(0, 0, 0);
	p = reserve(GRAN);
	ck_assert_int_eq(rtm_commit(p, ps), 0);
	ck_assert_int_eq(rtm_decommit(p, ps), 0);
	ck_assert_int_eq(rtm_release(p, GRAN), 0);
	rec_end();
	ck_assert_uint_eq(rec.calls[H_ALLOC], 2);
	ck_assert_uint_eq(rec.types[H_ALLOC], MEM_RESERVE | MEM_COMMIT);
	ck_assert_uint_eq(rec.calls[H_FREE], 2);
	ck_assert_uint_eq(rec.types[H_FREE], MEM_DECOMMIT | MEM_RELEASE);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("win_vm");
	TCase *tc = tcase_create("vm");

	tcase_add_test(tc, sizes_are_the_systems);
	tcase_add_test(tc, reserve_commit_decommit_release);
	tcase_add_test(tc, purge_reads_zero_and_keeps_states);
	tcase_add_test(tc, commit_and_decommit_span_two_reservations);
	tcase_add_test(tc, errors_are_the_documented_values);
	/* Through the hook table: the fallback, failures, what hooks see. */
	if (rtm_hooks_enabled()) {
		tcase_add_test(tc, aligned_reserve_takes_virtualalloc2_or_the_fallback);
		tcase_add_test(tc, the_fallback_tries_a_refused_release_again);
		tcase_add_test(tc, a_fallback_whose_releases_are_all_refused_fails);
		tcase_add_test(tc, a_commit_refused_in_the_second_reservation_changes_nothing);
		tcase_add_test(tc, a_decommit_refused_in_the_second_reservation_leaves_the_first_ready);
		tcase_add_test(tc, a_purge_whose_recommit_is_refused_leaves_the_run_reserved);
		tcase_add_test(tc, hooks_see_every_reserve_commit_decommit_and_release);
	}
	suite_add_tcase(s, tc);
	return run_suite(s);
}
