/* Bad input to the arena (<rtmem/arena.h>) that test/arena does not try.
 * Every case asserts the documented outcome and that the arena's stats,
 * rtm_vm_stats and /proc/self/maps are as they were before the call.
 *
 * The same source on Windows (VirtualQuery in place of /proc: state.h,
 * windows/proc.h); test_badinput_arena_windows.c adds there what
 * test/arena proves on Linux. Windows runs every test in this one
 * process (no fork): each gives back what it made. */
#if defined(_WIN32)
#include "win_check.h" /* before anything includes <check.h>: it says why */
#endif

#include <stdint.h>
#include <string.h>

#include "arena_util.h"
#include "proc.h"
#include "state.h"
#include "marks.h"
#include "suite.h"

#define TOP_BIT ((size_t)1 << (sizeof(size_t) * 8 - 1))

#if defined(_WIN32)
void badinput_arena_windows(TCase *tc);
#endif

/* Every kind of arena a bad request can meet: the slow path takes a
 * different way out of each (a new block, FIXED, the limit, a guard page,
 * caller memory). */
enum { K_DEFAULT, K_FIXED, K_LIMITED, K_GUARD, K_IN_PLACE, K_COUNT };

static rtm_arena *arena_of_kind(int kind)
{
	static unsigned char buf[64 * 1024];
	rtm_arena *a;

	switch (kind) {
	case K_DEFAULT: a = rtm_arena_create(NULL); break;
	case K_FIXED: a = arena_with(64 * KiB, 0, 0, 0, RTM_ARENA_FIXED); break;
	case K_LIMITED: a = arena_with(0, 0, 0, 64 * KiB, 0); break;
	case K_GUARD: a = arena_with(64 * KiB, 0, 0, 0, RTM_ARENA_GUARD); break;
	default: a = rtm_arena_create_in(buf, sizeof buf); break;
	}
	ck_assert_ptr_nonnull(a);
	return a;
}

/* The allocating calls, by the second half of the loop index. */
enum { A_ALLOC, A_SLOW, A_ZEROED, A_RESIZE, A_COUNT };

/* Sizes and alignments arena.h refuses with NULL: alignment 0 or not a
 * power of two, and sizes whose padding or rounding overflows, or that no
 * address space holds. TOP_BIT is the largest power of two: its padding
 * alone can pass PTRDIFF_MAX. */
static const struct {
	size_t size, align;
} bad[] = {
	{ 16, 0 },          { 16, 3 },           { 16, 24 },      { 0, 48 },
	{ 16, SIZE_MAX },   { 16, TOP_BIT },     { 1, TOP_BIT },  { SIZE_MAX, 1 },
	{ SIZE_MAX, 16 },   { SIZE_MAX - 8, 64 }, { TOP_BIT, 1 }, { SIZE_MAX / 2, 4096 },
};

START_TEST(bad_sizes_and_alignments_leave_every_kind_of_arena_as_it_was)
{
	int kind = _i / A_COUNT, fn = _i % A_COUNT;
	rtm_arena *a = arena_of_kind(kind);

	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		size_t size = bad[k].size, align = bad[k].align;
		/* resize works on the newest allocation, aligned as it claims
		 * when the claim is a valid one (else it fails on that). */
		size_t palign = align && !(align & (align - 1)) && align <= 4096 ? align : 8;
		unsigned char *before = rtm_arena_alloc(a, 8, palign), *after;
		struct rtm_arena_stats as0, as1;
		struct state s0, s1;
		void *got;

		ck_assert_ptr_nonnull(before);
		fill(before, 8, (unsigned)k);
		as0 = rtm_arena_stats(a);
		s0 = state_now();
		switch (fn) {
		case A_ALLOC: got = rtm_arena_alloc(a, size, align); break;
		case A_SLOW: got = rtm_arena_alloc_slow(a, size, align); break;
		case A_ZEROED: got = rtm_arena_alloc_zeroed(a, size, align); break;
		default: got = rtm_arena_resize(a, before, 8, size, align); break;
		}
		as1 = rtm_arena_stats(a);
		s1 = state_now();
		ck_assert_msg(got == NULL, "kind %d, call %d: size %zu align %zu was served", kind, fn,
		              size, align);
		ASSERT_STATS_EQ(as1, as0);
		ASSERT_STATE_EQ(s1, s0);
		ASSERT_FILLED(before, 8, (unsigned)k);
		/* The next allocation lands where it would have. */
		after = rtm_arena_alloc(a, 1, 1);
		ck_assert_ptr_eq(after, before + 8);
	}
	rtm_arena_destroy(a);
}
END_TEST

/* arena.h: name "names each block ... best effort". Names the kernel
 * refuses (longer than 79 bytes, characters it does not allow) leave the
 * blocks unnamed and the arena working, and it gives everything back.
 * Windows keeps no names (vm.h: rtm_name is RTM_EOPNOTSUPP there), so
 * it refuses every name, a valid one too. */
START_TEST(a_name_the_kernel_refuses_is_best_effort)
{
	static char too_long[120];
#if defined(_WIN32)
	const char *const names[] = { too_long, "bad[name", "tab\there", "dollar$", "rtmem-arena" };
#else
	const char *const names[] = { too_long, "bad[name", "tab\there", "dollar$" };
#endif

	memset(too_long, 'x', sizeof too_long - 1);
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		struct rtm_arena_config cfg = { 64 * KiB, 0, 0, 0, 0, names[k] };
		struct state s0 = state_now(), s1;
		rtm_arena *a = rtm_arena_create(&cfg);
		unsigned char *big = a ? rtm_arena_alloc(a, 200 * KiB, 1) : NULL; /* a second block */
		char name_a[128] = "", name_big[128] = "";
		int found_a = 0, found_big = 0;

		/* Asserted after the second snapshot (state.h says why). */
		if (big) {
			memset(big, 1, 200 * KiB);
			found_a = state_name_at(a, name_a);
			found_big = state_name_at(big, name_big);
		}
		rtm_arena_destroy(a);
		s1 = state_now();
		ck_assert_msg(a != NULL, "name %s: no arena", names[k]);
		ck_assert_ptr_nonnull(big);
		ck_assert(found_a && found_big);
		ck_assert_str_eq(name_a, "");
		ck_assert_str_eq(name_big, "");
		ASSERT_STATE_EQ(s1, s0);
	}
}
END_TEST

/* arena.h: "a size that is not representable once aligned (SIZE_MAX and
 * friends) is a failure, not a wrap". A buffer whose length runs past the
 * top of the address space gets no arena, and its bytes stay as they were. */
START_TEST(create_in_with_a_length_that_wraps_is_refused)
{
	static unsigned char buf[4096];
	const size_t lengths[] = { SIZE_MAX, SIZE_MAX - 1, (size_t)0 - (uintptr_t)buf };

	fill(buf, sizeof buf, 1);
	for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
		struct state s0 = state_now(), s1;
		rtm_arena *a = rtm_arena_create_in(buf, lengths[k]);
		rtm_arena *b = rtm_arena_create_in(buf + 1, lengths[k]);

		s1 = state_now();
		ck_assert_msg(a == NULL && b == NULL, "create_in(buf, %zu) gave %p, %p", lengths[k],
		              (void *)a, (void *)b);
		ASSERT_STATE_EQ(s1, s0);
		ASSERT_FILLED(buf, sizeof buf, 1);
	}
}
END_TEST

/* arena.h: "NULL is ignored" by rtm_arena_destroy. A live arena next to
 * it keeps its blocks, its stats and its contents. */
START_TEST(destroy_of_null_leaves_everything_as_it_was)
{
	struct rtm_vm_stats base = rtm_vm_stats();
	rtm_arena *a = arena_with(64 * KiB, 0, 0, 0, 0);
	unsigned char *p = rtm_arena_alloc(a, 100 * KiB, 16); /* two blocks */
	struct rtm_arena_stats as0;
	struct state s0, s1;

	ck_assert_ptr_nonnull(p);
	fill(p, 100 * KiB, 3);
	as0 = rtm_arena_stats(a);
	s0 = state_now();
	rtm_arena_destroy(NULL);
	s1 = state_now();
	ASSERT_STATE_EQ(s1, s0);
	ASSERT_STATS_EQ(rtm_arena_stats(a), as0);
	ASSERT_FILLED(p, 100 * KiB, 3);
	rtm_arena_destroy(a);
	ck_assert_uint_eq(rtm_vm_stats().reserved, base.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, base.committed);
}
END_TEST

/* arena.h: a NULL arena is "no arena" to every call but rtm_arena_alloc
 * and rtm_arena_alloc_slow: the allocating calls return NULL, save an
 * all-zero mark, stats all zeros, rewind and reset do nothing. A live
 * arena beside it and the process's mappings stay as they were, and the
 * zero mark is one every arena ignores. */
START_TEST(a_null_arena_is_no_arena_to_every_call_that_can_tell)
{
	rtm_arena *a = arena_with(64 * KiB, 0, 0, 0, 0);
	unsigned char *p = rtm_arena_alloc(a, 100 * KiB, 16); /* two blocks */
	unsigned char *after;
	struct rtm_arena_stats as0, z;
	struct rtm_arena_mark m;
	struct state s0, s1;

	ck_assert_ptr_nonnull(p);
	fill(p, 100 * KiB, 5);
	as0 = rtm_arena_stats(a);
	s0 = state_now();
	ck_assert_ptr_null(rtm_arena_alloc_zeroed(NULL, 16, 8));
	ck_assert_ptr_null(rtm_arena_resize(NULL, NULL, 0, 16, 8));
	ck_assert_ptr_null(rtm_arena_resize(NULL, p, 16, 32, 8));
	m = rtm_arena_save(NULL);
	rtm_arena_rewind(NULL, m);
	rtm_arena_rewind(NULL, rtm_arena_save(a));
	rtm_arena_reset(NULL);
	z = rtm_arena_stats(NULL);
	s1 = state_now();
	ASSERT_STATE_EQ(s1, s0);
	ck_assert_uint_eq(z.used | z.committed | z.reserved | z.peak | z.blocks, 0);
	ASSERT_STATS_EQ(rtm_arena_stats(a), as0);
	ASSERT_FILLED(p, 100 * KiB, 5);
	/* The NULL arena's mark rewinds nothing here either. */
	after = rtm_arena_alloc(a, 8, 1);
	ck_assert_ptr_nonnull(after);
	rtm_arena_rewind(a, m);
	ck_assert_ptr_eq(rtm_arena_alloc(a, 8, 1), after + 8);
	rtm_arena_destroy(a);
}
END_TEST

/* arena.h: a mark "from another arena (or a destroyed one)" is ignored.
 * The next arena usually gets the destroyed one's address back; where it
 * does not, the mark is moved to the same offset in the new arena, so it
 * always points into what the new arena has handed out and only its block
 * serial can tell it apart. */
START_TEST(a_mark_from_a_destroyed_arena_is_ignored_by_the_next_one)
{
	rtm_arena *old = rtm_arena_create(NULL), *a;
	uintptr_t old_base = (uintptr_t)old;
	struct rtm_arena_mark m;

	ck_assert_ptr_nonnull(old);
	ck_assert_ptr_nonnull(rtm_arena_alloc(old, 100, 1));
	m = rtm_arena_save(old);
	rtm_arena_destroy(old);
	a = rtm_arena_create(NULL);
	ck_assert_ptr_nonnull(a);
	m.ptr_ = (char *)((uintptr_t)m.ptr_ - old_base + (uintptr_t)a);
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 1000, 1));
	assert_rewind_ignored(a, m);
	rtm_arena_destroy(a);
}
END_TEST

/* Marks this arena never handed out: an all-zero one (what a forgotten
 * rtm_arena_save leaves in a zeroed struct; its serial may well be that of
 * the first block of the process) and one from an arena in caller memory. */
START_TEST(a_zeroed_mark_or_one_from_caller_memory_is_ignored)
{
	static unsigned char buf[8192];
	rtm_arena *a = rtm_arena_create(NULL);
	rtm_arena *in = rtm_arena_create_in(buf, sizeof buf);
	struct rtm_arena_mark zero, other;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(in);
	memset(&zero, 0, sizeof zero);
	ck_assert_ptr_nonnull(rtm_arena_alloc(in, 100, 1));
	other = rtm_arena_save(in);
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 1000, 1));
	assert_rewind_ignored(a, zero);
	assert_rewind_ignored(a, other);
	/* And the other way round: an OS arena's mark in caller memory. */
	assert_rewind_ignored(in, rtm_arena_save(a));
	rtm_arena_destroy(in);
	rtm_arena_destroy(a);
}
END_TEST

/* A second reset, or a second rewind to the same mark with nothing
 * allocated in between, has nothing left to free: it changes nothing
 * (arena.h: "A mark may be used any number of times"). */
START_TEST(a_second_reset_or_rewind_changes_nothing)
{
	rtm_arena *a = arena_with(64 * KiB, 0, 16 * KiB, 0, 0);
	struct rtm_arena_mark m;
	struct rtm_arena_stats as0;
	struct state s0, s1;

	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 100, 1));
	m = rtm_arena_save(a);
	memset(rtm_arena_alloc(a, 100 * KiB, 1), 1, 100 * KiB); /* a second block */
	rtm_arena_rewind(a, m);
	as0 = rtm_arena_stats(a);
	s0 = state_now();
	rtm_arena_rewind(a, m);
	s1 = state_now();
	ASSERT_STATS_EQ(rtm_arena_stats(a), as0);
	ASSERT_STATE_EQ(s1, s0);

	memset(rtm_arena_alloc(a, 100 * KiB, 1), 2, 100 * KiB);
	rtm_arena_reset(a);
	as0 = rtm_arena_stats(a);
	s0 = state_now();
	rtm_arena_reset(a);
	s1 = state_now();
	ASSERT_STATS_EQ(rtm_arena_stats(a), as0);
	ASSERT_STATE_EQ(s1, s0);
	ck_assert_uint_eq(as0.used, 0);
	ck_assert_uint_eq(as0.blocks, 1);
	rtm_arena_destroy(a);
}
END_TEST

/* arena.h: retain is the committed bytes of the first block kept across
 * reset; a budget larger than the block keeps all of it. One so large
 * that the block's address plus it wraps (on 32-bit, anything above the
 * space left over the block) must keep all of it too, not nothing. */
START_TEST(a_retain_that_wraps_the_address_space_keeps_everything)
{
	struct rtm_vm_stats vm0 = rtm_vm_stats();
	rtm_arena *a = arena_with(4 * MiB, 64 * KiB, (size_t)0 - 16 * MiB, 0, 0);
	unsigned char *p = rtm_arena_alloc(a, MiB, 1);
	size_t committed;

	ck_assert_ptr_nonnull(p);
	memset(p, 1, MiB);
	committed = rtm_arena_stats(a).committed;
	ck_assert_uint_gt(committed, MiB);
	rtm_arena_reset(a);
	ck_assert_uint_eq(rtm_arena_stats(a).committed, committed);
	ck_assert_str_eq(perms_at(p + MiB - 1), "rw-p");
	ASSERT_VM_MATCHES(a, vm0);
	rtm_arena_destroy(a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("badinput_arena");
	TCase *tc = tcase_create("arena");

	tcase_add_loop_test(tc, bad_sizes_and_alignments_leave_every_kind_of_arena_as_it_was, 0,
	                    K_COUNT * A_COUNT);
	tcase_add_test(tc, a_name_the_kernel_refuses_is_best_effort);
	tcase_add_test(tc, create_in_with_a_length_that_wraps_is_refused);
	tcase_add_test(tc, destroy_of_null_leaves_everything_as_it_was);
	tcase_add_test(tc, a_null_arena_is_no_arena_to_every_call_that_can_tell);
	tcase_add_test(tc, a_mark_from_a_destroyed_arena_is_ignored_by_the_next_one);
	tcase_add_test(tc, a_zeroed_mark_or_one_from_caller_memory_is_ignored);
	tcase_add_test(tc, a_second_reset_or_rewind_changes_nothing);
	tcase_add_test(tc, a_retain_that_wraps_the_address_space_keeps_everything);
#if defined(_WIN32)
	badinput_arena_windows(tc);
#endif
	suite_add_tcase(s, tc);
	return run_suite(s);
}
