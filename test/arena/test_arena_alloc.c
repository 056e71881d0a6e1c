/* rtm_arena_alloc and rtm_arena_alloc_zeroed: alignment, refusals that
 * change nothing, unique pointers, contents kept across growth, zeroing
 * on fresh and on reused memory. */
#include <stdint.h>

#include "arena_util.h"
#include "proc.h"
#include "suite.h"

START_TEST(every_power_of_two_alignment_is_honoured)
{
	rtm_arena *a = rtm_arena_create(NULL);
	unsigned seed = 0;

	/* Interleaved with odd sizes, so each one starts misaligned. */
	for (size_t align = 1; align <= 4096; align <<= 1) {
		unsigned char *odd = rtm_arena_alloc(a, 3, 1);
		unsigned char *p = rtm_arena_alloc(a, align + 1, align);

		ck_assert_ptr_nonnull(odd);
		ck_assert_ptr_nonnull(p);
		ck_assert_msg((uintptr_t)p % align == 0, "%p not aligned to %zu", (void *)p, align);
		ck_assert((uintptr_t)p >= (uintptr_t)(odd + 3));
		fill(p, align + 1, seed++);
	}
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(a_large_alignment_is_honoured)
{
	rtm_arena *a = rtm_arena_create(NULL);
	rtm_arena *small = arena_with(64 * KiB, 0, 0, 0, 0);
	unsigned char *p, *q;

	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 1, 1));
	p = rtm_arena_alloc(a, 100, MiB);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq((uintptr_t)p % MiB, 0);
	fill(p, 100, 1);
	/* Larger than the block: unless the block happens to straddle a
	 * 1 MiB boundary, a new block is sized for the padding. */
	q = rtm_arena_alloc(small, 100, MiB);
	ck_assert_ptr_nonnull(q);
	ck_assert_uint_eq((uintptr_t)q % MiB, 0);
	fill(q, 100, 2);
	ck_assert_uint_le(rtm_arena_stats(small).blocks, 2);
	ck_assert_str_eq(perms_at(q + 99), "rw-p");
	rtm_arena_destroy(a);
	rtm_arena_destroy(small);
}
END_TEST

/* A refused call returns NULL and leaves the arena as it was: the same
 * stats, and the next allocation lands where it would have. */
typedef void *(*alloc_fn)(rtm_arena *, size_t, size_t);

static void *call_resize(rtm_arena *a, size_t size, size_t align)
{
	return rtm_arena_resize(a, NULL, 0, size, align);
}

static const alloc_fn allocs[] = { rtm_arena_alloc, rtm_arena_alloc_slow, rtm_arena_alloc_zeroed,
	                           call_resize };
#define N_ALLOCS 4

static void assert_refused(rtm_arena *a, alloc_fn f, size_t size, size_t align)
{
	struct rtm_vm_stats vm0 = rtm_vm_stats();
	struct rtm_arena_stats s0;
	unsigned char *before = rtm_arena_alloc(a, 1, 1), *after;

	ck_assert_ptr_nonnull(before);
	s0 = rtm_arena_stats(a);
	ck_assert_msg(f(a, size, align) == NULL, "size %zu align %zu was served", size, align);
	ASSERT_STATS_EQ(rtm_arena_stats(a), s0);
	ck_assert_uint_eq(rtm_vm_stats().reserved, vm0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, vm0.committed);
	after = rtm_arena_alloc(a, 1, 1);
	ck_assert_ptr_eq(after, before + 1);
}

START_TEST(bad_alignments_are_refused)
{
	rtm_arena *a = rtm_arena_create(NULL);
	const size_t bad[] = { 0, 3, 6, 12, 24, 48, 100, 4097, 3 << 20, SIZE_MAX, SIZE_MAX / 2 };

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_refused(a, allocs[_i], 16, bad[i]);
		assert_refused(a, allocs[_i], 0, bad[i]);
	}
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(sizes_that_overflow_are_refused)
{
	rtm_arena *a = rtm_arena_create(NULL);
	size_t ps = page_size();
	struct {
		size_t size, align;
	} bad[] = {
		{ SIZE_MAX, 1 },
		{ SIZE_MAX, 16 },
		{ SIZE_MAX - 8, 64 },     /* only the padding overflows */
		{ SIZE_MAX - ps, 4096 },
		{ SIZE_MAX / 2 + 1, MiB },
		{ (size_t)PTRDIFF_MAX, 1 },
#if UINTPTR_MAX > 0xffffffffu
		{ (size_t)1 << 62, 1 },   /* fits the arithmetic, not the machine */
#endif
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_refused(a, allocs[_i], bad[i].size, bad[i].align);
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(size_zero_gives_unique_valid_pointers)
{
	rtm_arena *a = rtm_arena_create(NULL);
	unsigned char *p[256];

	for (int i = 0; i < 256; i++) {
		p[i] = i % 2 ? rtm_arena_alloc(a, 0, 1) : rtm_arena_alloc_zeroed(a, 0, 1);
		ck_assert_ptr_nonnull(p[i]);
		*p[i] = (unsigned char)i;
	}
	for (int i = 0; i < 256; i++) {
		ck_assert_uint_eq(*p[i], (unsigned char)i);
		if (i)
			ck_assert((uintptr_t)p[i] > (uintptr_t)p[i - 1]);
	}
	rtm_arena_destroy(a);
}
END_TEST

/* A small deterministic generator, so failures reproduce. */
static uint32_t rng_next(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

struct piece {
	unsigned char *p;
	size_t n;
};

static int by_address(const void *x, const void *y)
{
	const struct piece *a = x, *b = y;

	return (a->p > b->p) - (a->p < b->p);
}

START_TEST(many_allocations_keep_their_contents_across_blocks)
{
	/* Small blocks, so the run chains many of them. */
	rtm_arena *a = arena_with(64 * KiB, 8 * KiB, 0, 0, 0);
	static struct piece pc[6000];
	uint32_t rng = 12345;
	size_t n = sizeof pc / sizeof pc[0];

	for (size_t i = 0; i < n; i++) {
		size_t size = rng_next(&rng) % (i % 100 == 99 ? 20000 : 300);
		size_t align = (size_t)1 << (rng_next(&rng) % 8);

		pc[i].p = rtm_arena_alloc(a, size, align);
		pc[i].n = size ? size : 1;
		ck_assert_ptr_nonnull(pc[i].p);
		ck_assert_uint_eq((uintptr_t)pc[i].p % align, 0);
		fill(pc[i].p, pc[i].n, (unsigned)i);
	}
	ck_assert_uint_gt(rtm_arena_stats(a).blocks, 10);
	for (size_t i = 0; i < n; i++)
		ASSERT_FILLED(pc[i].p, pc[i].n, (unsigned)i);
	qsort(pc, n, sizeof pc[0], by_address);
	for (size_t i = 1; i < n; i++)
		ck_assert_msg(pc[i - 1].p + pc[i - 1].n <= pc[i].p, "%p+%zu overlaps %p",
		              (void *)pc[i - 1].p, pc[i - 1].n, (void *)pc[i].p);
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(an_allocation_larger_than_a_block_gets_its_own)
{
	struct rtm_vm_stats vm0 = rtm_vm_stats();
	rtm_arena *a = arena_with(64 * KiB, 0, 0, 0, 0);
	unsigned char *small = rtm_arena_alloc(a, 100, 1), *big, *after;
	size_t reserved0 = rtm_arena_stats(a).reserved;

	fill(small, 100, 1);
	big = rtm_arena_alloc(a, MiB, 16);
	ck_assert_ptr_nonnull(big);
	fill(big, MiB, 2);
	ck_assert_uint_eq(rtm_arena_stats(a).blocks, 2);
	ck_assert_uint_ge(rtm_arena_stats(a).reserved - reserved0, MiB);
	ck_assert(big + MiB <= (unsigned char *)a || big >= (unsigned char *)a + reserved0);
	after = rtm_arena_alloc(a, 100, 1);
	ck_assert_ptr_nonnull(after);
	fill(after, 100, 3);
	ASSERT_FILLED(small, 100, 1);
	ASSERT_FILLED(big, MiB, 2);
	ASSERT_VM_MATCHES(a, vm0);
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(the_exported_definition_works_through_a_pointer)
{
	void *(*volatile f)(rtm_arena *, size_t, size_t) = rtm_arena_alloc;
	rtm_arena *a = rtm_arena_create(NULL);
	unsigned char *p = f(a, 10, 8), *q = f(a, 10, 8);

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq((uintptr_t)p % 8, 0);
	ck_assert_ptr_eq(q, p + 16);
	ck_assert_ptr_null(f(a, 10, 3));
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(zeroed_allocations_are_zero_on_fresh_memory)
{
	rtm_arena *a = arena_with(64 * KiB, 0, 0, 0, 0);

	for (size_t i = 0; i < 200; i++) {
		size_t n = 1 + i * 37;
		unsigned char *p = rtm_arena_alloc_zeroed(a, n, 8);

		ck_assert_ptr_nonnull(p);
		ck_assert(all_bytes(p, n, 0));
		memset(p, 0xaa, n);
	}
	ck_assert_uint_gt(rtm_arena_stats(a).blocks, 1);
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(zeroed_allocations_are_zero_over_dirty_memory_after_reset)
{
	rtm_arena *a = arena_with(256 * KiB, 0, 0, 0, 0);
	unsigned char *p = rtm_arena_alloc(a, 100 * KiB, 1), *q;

	memset(p, 0xaa, 100 * KiB);
	rtm_arena_reset(a);
	q = rtm_arena_alloc_zeroed(a, 100 * KiB, 1);
	ck_assert_ptr_eq(q, p);
	ck_assert(all_bytes(q, 100 * KiB, 0));
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(zeroed_allocations_are_zero_after_rewind_across_blocks)
{
	rtm_arena *a = arena_with(64 * KiB, 0, 0, 0, 0);
	struct rtm_arena_mark m;
	unsigned char *p;

	/* Dirty the tail of the first block through the inline path,
	 * spill into a second block, then rewind into the first. */
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 1000, 1));
	m = rtm_arena_save(a);
	for (int i = 0; i < 100; i++) {
		p = rtm_arena_alloc(a, 1000, 1);
		memset(p, 0xaa, 1000);
	}
	ck_assert_uint_gt(rtm_arena_stats(a).blocks, 1);
	rtm_arena_rewind(a, m);
	for (int i = 0; i < 100; i++) {
		p = rtm_arena_alloc_zeroed(a, 1000, 1);
		ck_assert_ptr_nonnull(p);
		ck_assert_msg(all_bytes(p, 1000, 0), "allocation %d not zero", i);
		memset(p, 0xbb, 1000);
	}
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(zeroed_allocations_are_zero_in_caller_memory)
{
	static unsigned char buf[64 * 1024];
	rtm_arena *a;
	unsigned char *p;

	memset(buf, 0xaa, sizeof buf);
	a = rtm_arena_create_in(buf, sizeof buf);
	ck_assert_ptr_nonnull(a);
	p = rtm_arena_alloc_zeroed(a, 1000, 16);
	ck_assert_ptr_nonnull(p);
	ck_assert(all_bytes(p, 1000, 0));
	rtm_arena_destroy(a);
}
END_TEST

/* Random operations against a model of what each live allocation must
 * hold, checking zeroed allocations and every live byte as it goes. */
START_TEST(a_random_mix_keeps_contents_and_zeroes)
{
	rtm_arena *a = arena_with(32 * KiB, 4 * KiB, _i ? 8 * KiB : 0, 0, 0);
	static struct piece live[4000];
	struct rtm_arena_mark marks[8];
	size_t mark_live[8], nmarks = 0, nlive = 0;
	uint32_t rng = 777u + (uint32_t)_i;

	for (int step = 0; step < 20000; step++) {
		uint32_t op = rng_next(&rng) % 100;
		size_t size = rng_next(&rng) % (op % 10 == 0 ? 9000 : 200);
		size_t align = (size_t)1 << (rng_next(&rng) % 7);

		if (op < 40 && nlive < 4000) {
			unsigned char *p = rtm_arena_alloc(a, size, align);
			ck_assert_ptr_nonnull(p);
			live[nlive] = (struct piece){ p, size ? size : 1 };
			fill(p, live[nlive].n, (unsigned)nlive);
			nlive++;
		} else if (op < 75 && nlive < 4000) {
			unsigned char *p = rtm_arena_alloc_zeroed(a, size, align);
			ck_assert_ptr_nonnull(p);
			ck_assert_msg(all_bytes(p, size ? size : 1, 0), "step %d: not zero", step);
			live[nlive] = (struct piece){ p, size ? size : 1 };
			fill(p, live[nlive].n, (unsigned)nlive);
			nlive++;
		} else if (op < 85 && nmarks < 8) {
			mark_live[nmarks] = nlive;
			marks[nmarks++] = rtm_arena_save(a);
		} else if (op < 95 && nmarks > 0) {
			size_t k = rng_next(&rng) % nmarks;
			rtm_arena_rewind(a, marks[k]);
			nlive = mark_live[k];
			nmarks = k + 1; /* later marks are stale now */
		} else if (op < 97) {
			rtm_arena_reset(a);
			nlive = nmarks = 0;
		} else if (nlive > 0 && live[nlive - 1].n > 1) {
			/* Shrink the newest in place: its tail is dirty now. */
			struct piece *t = &live[nlive - 1];
			ck_assert_ptr_eq(rtm_arena_resize(a, t->p, t->n, t->n / 2, 1), t->p);
			t->n /= 2;
		}
		if (step % 500 == 0)
			for (size_t i = 0; i < nlive; i++)
				ASSERT_FILLED(live[i].p, live[i].n, (unsigned)i);
	}
	for (size_t i = 0; i < nlive; i++)
		ASSERT_FILLED(live[i].p, live[i].n, (unsigned)i);
	rtm_arena_destroy(a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arena_alloc");
	TCase *tc = tcase_create("alloc");
	TCase *zero = tcase_create("zeroed");

	tcase_add_test(tc, every_power_of_two_alignment_is_honoured);
	tcase_add_test(tc, a_large_alignment_is_honoured);
	tcase_add_loop_test(tc, bad_alignments_are_refused, 0, N_ALLOCS);
	tcase_add_loop_test(tc, sizes_that_overflow_are_refused, 0, N_ALLOCS);
	tcase_add_test(tc, size_zero_gives_unique_valid_pointers);
	tcase_add_test(tc, many_allocations_keep_their_contents_across_blocks);
	tcase_add_test(tc, an_allocation_larger_than_a_block_gets_its_own);
	tcase_add_test(tc, the_exported_definition_works_through_a_pointer);
	suite_add_tcase(s, tc);
	tcase_add_test(zero, zeroed_allocations_are_zero_on_fresh_memory);
	tcase_add_test(zero, zeroed_allocations_are_zero_over_dirty_memory_after_reset);
	tcase_add_test(zero, zeroed_allocations_are_zero_after_rewind_across_blocks);
	tcase_add_test(zero, zeroed_allocations_are_zero_in_caller_memory);
	tcase_add_loop_test(zero, a_random_mix_keeps_contents_and_zeroes, 0, 2);
	suite_add_tcase(s, zero);
	return run_suite(s);
}
