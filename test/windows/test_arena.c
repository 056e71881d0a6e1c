/* <rtmem/arena.h> on Windows: blocks are reservations committed in steps,
 * a reset keeps the first block's committed memory up to retain, a
 * destroy gives every reservation back; what VirtualQuery says about the
 * blocks at each step (win_state.h). */
#include <stdint.h>
#include <string.h>

#include <windows.h>

#include <rtmem/arena.h>
#include <rtmem/vm.h>

#include "win_check.h"
#include "win_state.h"
#include "win_suite.h"

#define KiB ((size_t)1 << 10)
#define MiB ((size_t)1 << 20)

START_TEST(allocations_commit_in_steps_and_destroy_gives_all_back)
{
	struct rtm_vm_stats v0 = rtm_vm_stats();
	struct rtm_arena_config cfg = { 4 * MiB, 256 * KiB, 0, 0, 0, NULL };
	rtm_arena *a = rtm_arena_create(&cfg);
	char *first, *p = NULL;
	struct rtm_arena_stats s;

	ck_assert_ptr_nonnull(a);
	first = (char *)a;
	ck_assert_uint_eq((uintptr_t)first % alloc_granularity(), 0);
	ck_assert_ptr_eq(allocation_base_of(first), first);
	ck_assert_uint_eq(allocation_size_of(first), 4 * MiB);
	ck_assert_uint_eq(committed_in(first, 4 * MiB), 256 * KiB);
	for (int i = 0; i < 5000; i++) {
		p = rtm_arena_alloc(a, 100, 8);
		ck_assert_ptr_nonnull(p);
		memset(p, i, 100);
	}
	s = rtm_arena_stats(a);
	ck_assert_uint_eq(s.blocks, 1);
	ck_assert_uint_eq(committed_in(first, 4 * MiB), s.committed);
	ck_assert_uint_eq(s.committed % (256 * KiB), 0);
	/* Past the block: a second reservation. */
	p = rtm_arena_alloc(a, 5 * MiB, 16);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(rtm_arena_stats(a).blocks, 2);
	ck_assert_uint_eq(state_at(p + 5 * MiB - 1), MEM_COMMIT);
	rtm_arena_destroy(a);
	ck_assert_uint_eq(state_at(first), MEM_FREE);
	ck_assert_uint_eq(state_at(p), MEM_FREE);
	ck_assert_uint_eq(rtm_vm_stats().reserved, v0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, v0.committed);
}
END_TEST

START_TEST(reset_keeps_retain_and_decommits_the_rest)
{
	struct rtm_arena_config cfg = { 4 * MiB, 64 * KiB, 128 * KiB, 0, 0, NULL };
	rtm_arena *a = rtm_arena_create(&cfg);
	char *first = (char *)a, *p;

	ck_assert_ptr_nonnull(a);
	p = rtm_arena_alloc(a, MiB, 8);
	ck_assert_ptr_nonnull(p);
	memset(p, 1, MiB);
	ck_assert_uint_ge(committed_in(first, 4 * MiB), MiB);
	rtm_arena_reset(a);
	ck_assert_uint_eq(committed_in(first, 4 * MiB), 128 * KiB);
	ck_assert_uint_eq(rtm_arena_stats(a).committed, 128 * KiB);
	/* The reservation stays: reset decommits, it does not release. */
	ck_assert_uint_eq(allocation_size_of(first), 4 * MiB);
	p = rtm_arena_alloc(a, MiB, 8);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq((unsigned char)p[MiB - 1], 0); /* committed again: zero */
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(huge_page_blocks_are_2mib_aligned_and_guards_are_never_committed)
{
	struct rtm_arena_config huge = { 0, 0, 0, 0, RTM_ARENA_HUGEPAGES, "rtmem" };
	struct rtm_arena_config guard = { MiB, 0, 0, 0, RTM_ARENA_GUARD | RTM_ARENA_FIXED, NULL };
	rtm_arena *a = rtm_arena_create(&huge);
	char *first;

	/* No large pages and no names on Windows (vm.h): the flag still
	 * aligns the blocks, the name is dropped, and the arena works. */
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq((uintptr_t)a % (2 * MiB), 0);
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 3 * MiB, 8));
	rtm_arena_destroy(a);

	a = rtm_arena_create(&guard);
	ck_assert_ptr_nonnull(a);
	first = (char *)a;
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, MiB - page_size() - 4 * KiB, 8));
	ck_assert_ptr_null(rtm_arena_alloc(a, 8 * KiB, 8)); /* full: the guard stays */
	ck_assert_uint_eq(state_at(first + MiB - page_size()), MEM_RESERVE);
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(a_limit_is_null_and_the_arena_goes_on)
{
	struct rtm_arena_config cfg = { 0, 0, 0, 64 * KiB, 0, NULL };
	rtm_arena *a = rtm_arena_create(&cfg);
	struct rtm_arena_stats s0;
	char *p;

	ck_assert_ptr_nonnull(a);
	p = rtm_arena_alloc(a, 60 * KiB, 8);
	ck_assert_ptr_nonnull(p);
	s0 = rtm_arena_stats(a);
	ck_assert_ptr_null(rtm_arena_alloc(a, 8 * KiB, 8));
	ck_assert_uint_eq(rtm_arena_stats(a).used, s0.used);
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 2 * KiB, 8));
	rtm_arena_destroy(a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("win_arena");
	TCase *tc = tcase_create("arena");

	tcase_add_test(tc, allocations_commit_in_steps_and_destroy_gives_all_back);
	tcase_add_test(tc, reset_keeps_retain_and_decommits_the_rest);
	tcase_add_test(tc, huge_page_blocks_are_2mib_aligned_and_guards_are_never_committed);
	tcase_add_test(tc, a_limit_is_null_and_the_arena_goes_on);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
