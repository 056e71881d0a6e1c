/* rtm_arena_save / rewind / reset: what goes back, what stays committed,
 * and marks that must be ignored. */
#include <stdint.h>

#include "arena_util.h"
#include "proc.h"
#include "suite.h"

START_TEST(rewind_frees_what_came_after_the_mark)
{
	rtm_arena *a = rtm_arena_create(NULL);
	unsigned char *keep = rtm_arena_alloc(a, 100, 1), *first, *again;
	struct rtm_arena_mark m;
	size_t used0;

	fill(keep, 100, 1);
	m = rtm_arena_save(a);
	used0 = rtm_arena_stats(a).used;
	first = rtm_arena_alloc(a, 5000, 8);
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 7000, 8));
	rtm_arena_rewind(a, m);
	ck_assert_uint_eq(rtm_arena_stats(a).used, used0);
	again = rtm_arena_alloc(a, 5000, 8);
	ck_assert_ptr_eq(again, first);
	ASSERT_FILLED(keep, 100, 1);
	/* The same mark again, as a loop would. */
	rtm_arena_rewind(a, m);
	ck_assert_ptr_eq(rtm_arena_alloc(a, 5000, 8), first);
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(nested_marks_rewind_inner_then_outer)
{
	rtm_arena *a = rtm_arena_create(NULL);
	struct rtm_arena_mark outer = rtm_arena_save(a), inner;
	unsigned char *p = rtm_arena_alloc(a, 64, 1), *q;

	inner = rtm_arena_save(a);
	q = rtm_arena_alloc(a, 64, 1);
	rtm_arena_rewind(a, inner);
	ck_assert_ptr_eq(rtm_arena_alloc(a, 64, 1), q);
	rtm_arena_rewind(a, outer);
	ck_assert_ptr_eq(rtm_arena_alloc(a, 64, 1), p);
	ck_assert_uint_eq(rtm_arena_stats(a).used, 64);
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(rewind_across_blocks_gives_the_later_blocks_back)
{
	struct rtm_vm_stats vm0 = rtm_vm_stats();
	rtm_arena *a = arena_with(64 * KiB, 0, 0, 0, 0);
	unsigned char *keep = rtm_arena_alloc(a, 1000, 1);
	struct rtm_arena_mark m;
	struct rtm_arena_stats s0, grown;
	size_t total_grown;

	fill(keep, 1000, 2);
	m = rtm_arena_save(a);
	s0 = rtm_arena_stats(a);
	for (int i = 0; i < 20; i++)
		fill(rtm_arena_alloc(a, 30 * KiB, 16), 30 * KiB, 100u + (unsigned)i);
	grown = rtm_arena_stats(a);
	ck_assert_uint_gt(grown.blocks, 5);
	ASSERT_VM_MATCHES(a, vm0);
	total_grown = maps_total(NULL);

	rtm_arena_rewind(a, m);
	ck_assert_uint_eq(rtm_arena_stats(a).blocks, 1);
	ck_assert_uint_eq(rtm_arena_stats(a).reserved, s0.reserved);
	ck_assert_uint_eq(rtm_arena_stats(a).used, s0.used);
	ASSERT_VM_MATCHES(a, vm0);
	/* The mappings are gone, not just forgotten. */
	ck_assert_uint_eq(total_grown - maps_total(NULL), grown.reserved - s0.reserved);
	ASSERT_FILLED(keep, 1000, 2);
	rtm_arena_destroy(a);
}
END_TEST

/* The arena ignored a rewind: same stats, and the next allocation lands
 * right after `last`, the allocation made just before the rewind. */
static void assert_ignored(rtm_arena *a, struct rtm_arena_mark m)
{
	unsigned char *last = rtm_arena_alloc(a, 8, 1);
	struct rtm_arena_stats s0 = rtm_arena_stats(a);

	ck_assert_ptr_nonnull(last);
	rtm_arena_rewind(a, m);
	ASSERT_STATS_EQ(rtm_arena_stats(a), s0);
	ck_assert_ptr_eq(rtm_arena_alloc(a, 8, 1), last + 8);
}

START_TEST(a_mark_from_another_arena_is_ignored)
{
	rtm_arena *a = rtm_arena_create(NULL), *b = rtm_arena_create(NULL);
	struct rtm_arena_mark mb;

	ck_assert_ptr_nonnull(rtm_arena_alloc(b, 100, 1));
	mb = rtm_arena_save(b);
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 1000, 1));
	assert_ignored(a, mb);
	/* Even one whose position is inside a's current block. */
	{
		struct rtm_arena_mark mixed = rtm_arena_save(a);
		mixed.serial_ = mb.serial_;
		assert_ignored(a, mixed);
	}
	rtm_arena_destroy(a);
	rtm_arena_destroy(b);
}
END_TEST

START_TEST(a_mark_past_an_earlier_rewind_is_ignored)
{
	rtm_arena *a = rtm_arena_create(NULL);
	struct rtm_arena_mark m0 = rtm_arena_save(a), m1;

	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 1000, 1));
	m1 = rtm_arena_save(a);
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 1000, 1));
	rtm_arena_rewind(a, m0);
	assert_ignored(a, m1);
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(a_mark_in_a_released_block_is_ignored)
{
	rtm_arena *a = arena_with(64 * KiB, 0, 0, 0, 0);
	struct rtm_arena_mark m0 = rtm_arena_save(a), m1;

	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 60 * KiB, 1));
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 30 * KiB, 1));
	ck_assert_uint_eq(rtm_arena_stats(a).blocks, 2);
	m1 = rtm_arena_save(a);
	rtm_arena_rewind(a, m0);
	ck_assert_uint_eq(rtm_arena_stats(a).blocks, 1);
	assert_ignored(a, m1);
	/* A new second block, most likely at the released one's address:
	 * the mark's pointers match it, its serial does not. */
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 60 * KiB, 1));
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 40 * KiB, 1));
	ck_assert_uint_eq(rtm_arena_stats(a).blocks, 2);
	assert_ignored(a, m1);
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(reset_keeps_the_first_block_committed_and_fault_free)
{
	size_t n = 200 * KiB;
	rtm_arena *a = arena_with(MiB, 0, 0, 0, 0);
	unsigned char *p = rtm_arena_alloc(a, n, 64), *q;
	size_t committed;
	long faults;

	memset(p, 1, n);
	committed = rtm_arena_stats(a).committed;
	rtm_arena_reset(a);
	ck_assert_uint_eq(rtm_arena_stats(a).committed, committed);
	ck_assert_uint_eq(rtm_arena_stats(a).used, 0);
	faults = minor_faults();
	q = rtm_arena_alloc(a, n, 64);
	ck_assert_ptr_eq(q, p);
	memset(q, 2, n);
	/* 50 pages were touched; had they gone back, refilling would fault
	 * on each. The few allowed are the test's own: getrusage and the
	 * Check runtime may touch a fresh stack or data page. qemu-user's
	 * count is the emulator's too: it faults as it translates new code,
	 * still far under the 50 of a refill (emulator.h). */
	ck_assert_int_lt(minor_faults() - faults, emulator() ? 25 : 5);
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(reset_gives_later_blocks_back)
{
	struct rtm_vm_stats vm0 = rtm_vm_stats();
	rtm_arena *a = arena_with(64 * KiB, 0, 0, 0, 0);
	struct rtm_arena_stats s0 = rtm_arena_stats(a);

	for (int i = 0; i < 10; i++)
		memset(rtm_arena_alloc(a, 40 * KiB, 1), 1, 40 * KiB);
	ck_assert_uint_eq(rtm_arena_stats(a).blocks, 10);
	rtm_arena_reset(a);
	ck_assert_uint_eq(rtm_arena_stats(a).blocks, 1);
	ck_assert_uint_eq(rtm_arena_stats(a).reserved, s0.reserved);
	ck_assert_uint_eq(rtm_arena_stats(a).used, 0);
	ASSERT_VM_MATCHES(a, vm0);
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(retain_bounds_what_stays_committed)
{
	size_t ps = page_size(), retain = 64 * KiB + 1;
	struct rtm_vm_stats vm0 = rtm_vm_stats();
	rtm_arena *a = arena_with(16 * MiB, 0, retain, 0, 0);
	unsigned char *p = rtm_arena_alloc(a, 4 * MiB, 1);
	unsigned char *end = (unsigned char *)a + 16 * MiB;

	memset(p, 1, 4 * MiB);
	ck_assert_uint_ge(rtm_arena_stats(a).committed, 4 * MiB);
	ck_assert_uint_ge(smaps_kb(a, end, "Rss"), 4 * MiB / KiB);
	rtm_arena_reset(a);
	/* The header lives inside the retained part. */
	ck_assert_uint_le(rtm_arena_stats(a).committed, round_up(retain, ps));
	ck_assert_uint_ge(rtm_arena_stats(a).committed, ps);
	ASSERT_VM_MATCHES(a, vm0);
	/* smaps walks the pages: exact, unlike the batched statm counters. */
	ck_assert_uint_le(smaps_kb(a, end, "Rss"), round_up(retain, ps) / KiB);
	ck_assert_str_eq(perms_at((char *)a + round_up(retain, ps)), "---p");
	/* And it grows again, fresh and zero past the retained part. */
	p = rtm_arena_alloc_zeroed(a, 4 * MiB, 1);
	ck_assert_ptr_nonnull(p);
	ck_assert(all_bytes(p, 4 * MiB, 0));
	ASSERT_VM_MATCHES(a, vm0);
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(rewind_with_retain_keeps_what_is_still_in_use)
{
	size_t ps = page_size();
	rtm_arena *a = arena_with(16 * MiB, 0, 64 * KiB, 0, 0);
	unsigned char *keep = rtm_arena_alloc(a, MiB, 1);
	struct rtm_arena_mark m = rtm_arena_save(a);
	uintptr_t ptr = (uintptr_t)(keep + MiB);

	fill(keep, MiB, 3);
	memset(rtm_arena_alloc(a, 4 * MiB, 1), 1, 4 * MiB);
	rtm_arena_rewind(a, m);
	/* Everything below the mark stays, rounded to a page; no more. */
	ck_assert_uint_eq(rtm_arena_stats(a).committed, round_up(ptr - (uintptr_t)a, ps));
	ASSERT_FILLED(keep, MiB, 3);
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(peak_remembers_the_most_used)
{
	rtm_arena *a = arena_with(64 * KiB, 0, 0, 0, 0);
	struct rtm_arena_mark m;

	ck_assert_uint_eq(rtm_arena_stats(a).peak, 0);
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 1000, 1));
	ck_assert_uint_eq(rtm_arena_stats(a).peak, 1000);
	m = rtm_arena_save(a);
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 100 * KiB, 1)); /* a second block */
	ck_assert_uint_eq(rtm_arena_stats(a).peak, 1000 + 100 * KiB);
	rtm_arena_rewind(a, m);
	ck_assert_uint_eq(rtm_arena_stats(a).used, 1000);
	ck_assert_uint_eq(rtm_arena_stats(a).peak, 1000 + 100 * KiB);
	rtm_arena_reset(a);
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 10, 1));
	ck_assert_uint_eq(rtm_arena_stats(a).peak, 1000 + 100 * KiB);
	rtm_arena_destroy(a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arena_marks");
	TCase *tc = tcase_create("marks");
	TCase *reset = tcase_create("reset");

	tcase_add_test(tc, rewind_frees_what_came_after_the_mark);
	tcase_add_test(tc, nested_marks_rewind_inner_then_outer);
	tcase_add_test(tc, rewind_across_blocks_gives_the_later_blocks_back);
	tcase_add_test(tc, a_mark_from_another_arena_is_ignored);
	tcase_add_test(tc, a_mark_past_an_earlier_rewind_is_ignored);
	tcase_add_test(tc, a_mark_in_a_released_block_is_ignored);
	suite_add_tcase(s, tc);
	tcase_add_test(reset, reset_keeps_the_first_block_committed_and_fault_free);
	tcase_add_test(reset, reset_gives_later_blocks_back);
	tcase_add_test(reset, retain_bounds_what_stays_committed);
	tcase_add_test(reset, rewind_with_retain_keeps_what_is_still_in_use);
	tcase_add_test(reset, peak_remembers_the_most_used);
	suite_add_tcase(s, reset);
	return run_suite(s);
}
