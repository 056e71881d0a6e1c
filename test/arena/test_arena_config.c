/* rtm_arena_create: defaults, each config field, refused configs, and the
 * flags that shape blocks (GUARD, HUGEPAGES). */
#include <signal.h>
#include <stdint.h>

#include "arena_util.h"
#include "proc.h"
#include "suite.h"

START_TEST(null_config_gives_the_defaults)
{
	struct rtm_vm_stats vm0 = rtm_vm_stats();
	rtm_arena *a = rtm_arena_create(NULL);
	struct rtm_arena_stats s;

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq((uintptr_t)a % page_size(), 0);
	s = rtm_arena_stats(a);
	ck_assert_uint_eq(s.used, 0);
	ck_assert_uint_eq(s.peak, 0);
	ck_assert_uint_eq(s.blocks, 1);
	ck_assert_uint_eq(s.reserved, sizeof(void *) == 8 ? 64 * MiB : 4 * MiB);
	ck_assert_uint_eq(s.committed, 256 * KiB);
	ASSERT_VM_MATCHES(a, vm0);
	/* The first commit step is writable, the rest only reserved. */
	ck_assert_str_eq(perms_at((char *)a + 256 * KiB - 1), "rw-p");
	ck_assert_str_eq(perms_at((char *)a + 256 * KiB), "---p");
	rtm_arena_destroy(a);
	ck_assert_uint_eq(rtm_vm_stats().reserved, vm0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, vm0.committed);
}
END_TEST

START_TEST(a_zero_config_is_the_same_as_null)
{
	struct rtm_arena_config cfg = { 0, 0, 0, 0, 0, NULL };
	rtm_arena *a = rtm_arena_create(&cfg), *b = rtm_arena_create(NULL);

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ASSERT_STATS_EQ(rtm_arena_stats(a), rtm_arena_stats(b));
	rtm_arena_destroy(a);
	rtm_arena_destroy(b);
}
END_TEST

START_TEST(reserve_sets_the_block_size_in_whole_pages)
{
	size_t ps = page_size();
	rtm_arena *a = arena_with(MiB + 1, 0, 0, 0, 0);
	rtm_arena *b = arena_with(1, 0, 0, 0, 0);

	ck_assert_uint_eq(rtm_arena_stats(a).reserved, MiB + ps);
	/* A one-page block: the commit step stops at its end. */
	ck_assert_uint_eq(rtm_arena_stats(b).reserved, ps);
	ck_assert_uint_eq(rtm_arena_stats(b).committed, ps);
	ck_assert_ptr_nonnull(rtm_arena_alloc(b, 16, 16));
	rtm_arena_destroy(a);
	rtm_arena_destroy(b);
}
END_TEST

START_TEST(commit_step_sets_the_commit_granularity)
{
	size_t ps = page_size(), step = 3 * ps;
	struct rtm_vm_stats vm0 = rtm_vm_stats();
	rtm_arena *a = arena_with(64 * ps, step, 0, 0, 0);
	unsigned char *p, *base = (unsigned char *)a;

	/* Not a power of two: steps are counted, not masked. */
	ck_assert_uint_eq(rtm_arena_stats(a).committed, step);
	p = rtm_arena_alloc(a, 1, 1);
	ck_assert_ptr_nonnull(p);
	/* Up to the last committed byte: no commit. */
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, (size_t)(base + step - (p + 1)), 1));
	ck_assert_uint_eq(rtm_arena_stats(a).committed, step);
	/* One byte past it: one more step. */
	p = rtm_arena_alloc(a, 1, 1);
	ck_assert_ptr_eq(p, base + step);
	*p = 1;
	ck_assert_uint_eq(rtm_arena_stats(a).committed, 2 * step);
	ck_assert_str_eq(perms_at(base + 2 * step - 1), "rw-p");
	ck_assert_str_eq(perms_at(base + 2 * step), "---p");
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 4 * step, 1));
	ck_assert_uint_eq(rtm_arena_stats(a).committed, 6 * step); /* to base + 5 steps + 1 */
	ASSERT_VM_MATCHES(a, vm0);
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(a_tiny_commit_step_is_one_page)
{
	rtm_arena *a = arena_with(64 * KiB, 1, 0, 0, 0);

	ck_assert_uint_eq(rtm_arena_stats(a).committed, page_size());
	rtm_arena_destroy(a);
}
END_TEST

/* Creating with cfg fails and leaves no trace. */
static void assert_create_refused(const struct rtm_arena_config *cfg)
{
	struct rtm_vm_stats vm0 = rtm_vm_stats();
	size_t lines0, lines1, total0 = maps_total(&lines0);

	ck_assert_ptr_null(rtm_arena_create(cfg));
	ck_assert_uint_eq(rtm_vm_stats().reserved, vm0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, vm0.committed);
	ck_assert_uint_eq(maps_total(&lines1), total0);
	ck_assert_uint_eq(lines1, lines0);
}

START_TEST(unknown_flags_are_refused)
{
	const unsigned bad[] = { 0x8, 0x10, 0x100, 0x80000000u, ~0u,
		                 RTM_ARENA_FIXED | RTM_ARENA_GUARD | 0x40 };

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct rtm_arena_config cfg = { 0, 0, 0, 0, bad[i], NULL };
		assert_create_refused(&cfg);
	}
}
END_TEST

START_TEST(sizes_that_overflow_when_rounded_are_refused)
{
	size_t ps = page_size();
	struct rtm_arena_config cfg[] = {
		{ SIZE_MAX, 0, 0, 0, 0, NULL },
		{ SIZE_MAX - ps + 2, 0, 0, 0, 0, NULL },
		{ 0, SIZE_MAX, 0, 0, 0, NULL },
		{ 0, 0, SIZE_MAX, 0, 0, NULL },
		{ SIZE_MAX - MiB, 0, 0, 0, RTM_ARENA_HUGEPAGES, NULL },
		{ 0, SIZE_MAX - MiB, 0, 0, RTM_ARENA_HUGEPAGES, NULL },
	};

	for (size_t i = 0; i < sizeof cfg / sizeof cfg[0]; i++)
		assert_create_refused(&cfg[i]);
}
END_TEST

START_TEST(a_name_labels_the_blocks_when_the_kernel_can)
{
	struct rtm_arena_config cfg = { 64 * KiB, 0, 0, 0, 0, "rtmem-arena-test" };
	rtm_arena *a = rtm_arena_create(&cfg);
	unsigned char *big;
	struct vma v;

	ck_assert_ptr_nonnull(a);
	big = rtm_arena_alloc(a, 256 * KiB, 1); /* a second block */
	ck_assert_ptr_nonnull(big);
	ck_assert_uint_eq(rtm_arena_stats(a).blocks, 2);
	ck_assert(vma_at(a, &v));
	/* Best effort: named where the kernel has CONFIG_ANON_VMA_NAME,
	 * and either way the arena works. */
	if (v.name[0]) {
		ck_assert_str_eq(v.name, "[anon:rtmem-arena-test]");
		ck_assert(vma_at(big, &v));
		ck_assert_str_eq(v.name, "[anon:rtmem-arena-test]");
	} else {
		ck_assert(strstr(proc_read("/proc/self/maps"), "rtmem-arena-test") == NULL);
	}
	memset(big, 1, 256 * KiB);
	rtm_arena_destroy(a);
}
END_TEST

/* The last byte of a's first block: allocates single bytes until the
 * arena chains a second block; the byte before that is the last one. */
static unsigned char *last_usable_byte(rtm_arena *a)
{
	unsigned char *last = NULL, *p;

	for (;;) {
		p = rtm_arena_alloc(a, 1, 1);
		ck_assert_ptr_nonnull(p);
		if (rtm_arena_stats(a).blocks > 1)
			return last;
		last = p;
	}
}

START_TEST(a_guard_page_follows_the_usable_end)
{
	size_t ps = page_size();
	rtm_arena *a = arena_with(16 * ps, 0, 0, 0, RTM_ARENA_GUARD);
	unsigned char *last;
	struct vma v;

	ck_assert_uint_eq(rtm_arena_stats(a).reserved, 16 * ps);
	last = last_usable_byte(a);
	*last = 0x42;
	ck_assert_uint_eq((uintptr_t)(last + 1) % ps, 0);
	ck_assert_uint_eq((uintptr_t)(last + 1) - (uintptr_t)a, 15 * ps);
	/* The guard is a mapped, never-committed page of the block. */
	ck_assert(vma_at(last + 1, &v));
	ck_assert_str_eq(v.perms, "---p");
	ck_assert_uint_eq(v.hi, (uintptr_t)a + 16 * ps);
	/* Each block commits up to its usable end at most, never its guard. */
	ck_assert_uint_eq(rtm_arena_stats(a).blocks, 2);
	ck_assert_uint_eq(rtm_arena_stats(a).committed, 2 * 15 * ps);
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(writing_past_the_usable_end_faults)
{
	size_t ps = page_size();
	rtm_arena *a = arena_with(16 * ps, 0, 0, 0, RTM_ARENA_GUARD);
	unsigned char *last = last_usable_byte(a);
	struct vma v;

	/* Mapped, so the fault below is the guard's, not a stray address. */
	ck_assert(vma_at(last + 1, &v));
	ck_assert_uint_lt((uintptr_t)(last + 1), (uintptr_t)a + 16 * ps);
	*last = 1;
	((volatile unsigned char *)last)[1] = 1;
}
END_TEST

START_TEST(without_guard_the_block_is_usable_to_its_end)
{
	size_t ps = page_size();
	rtm_arena *a = arena_with(16 * ps, 0, 0, 0, 0);
	unsigned char *last = last_usable_byte(a);

	ck_assert_uint_eq((uintptr_t)(last + 1) - (uintptr_t)a, 16 * ps);
	*last = 1;
	rtm_arena_destroy(a);
}
END_TEST

/* THP state from sysfs; a test that needs it says why it did not run. */
static int thp_usable(const char *test)
{
	char mode[16];

	if (emulator_skip(test, "MADV_HUGEPAGE is not applied"))
		return 0;
	if (thp_mode(mode))
		return 1;
	fprintf(stderr, "%s: skipped: transparent huge pages are %s\n", test,
	        mode[0] ? mode : "not available");
	return 0;
}

START_TEST(hugepage_blocks_are_2mib_aligned_and_get_huge_pages)
{
	rtm_arena *a;
	size_t huge0, huge1;
	unsigned char *p, *q;
	struct vma v;

	if (!thp_usable("hugepage_blocks_are_2mib_aligned_and_get_huge_pages"))
		return;
	a = arena_with(8 * MiB, 0, 0, 0, RTM_ARENA_HUGEPAGES);
	ck_assert_uint_eq((uintptr_t)a % (2 * MiB), 0);
	ck_assert_uint_eq(rtm_arena_stats(a).committed, 2 * MiB);
	ck_assert(smaps_flag(a, "hg"));
	huge0 = smaps_kb(a, (char *)a + 8 * MiB, "AnonHugePages");
	p = rtm_arena_alloc(a, 4 * MiB, 1);
	ck_assert_ptr_nonnull(p);
	memset(p, 0x11, 4 * MiB);
	ck_assert_uint_eq(rtm_arena_stats(a).committed % (2 * MiB), 0);
	huge1 = smaps_kb(a, (char *)a + 8 * MiB, "AnonHugePages");
	ck_assert_msg(huge1 >= huge0 + 2048, "AnonHugePages %zu kB -> %zu kB", huge0, huge1);
	/* A chained block is aligned too. */
	q = rtm_arena_alloc(a, 6 * MiB, 1);
	ck_assert_ptr_nonnull(q);
	ck_assert_uint_eq(rtm_arena_stats(a).blocks, 2);
	/* Its committed start is its own mapping, at a 2 MiB boundary. */
	ck_assert(vma_at(q, &v));
	ck_assert_uint_eq(v.lo % (2 * MiB), 0);
	ck_assert_uint_lt((uintptr_t)q - v.lo, 2 * MiB);
	ck_assert(smaps_flag(q, "hg"));
	rtm_arena_destroy(a);
}
END_TEST

START_TEST(hugepage_advice_survives_a_retain_trim)
{
	rtm_arena *a;
	unsigned char *p;

	if (!thp_usable("hugepage_advice_survives_a_retain_trim"))
		return;
	a = arena_with(16 * MiB, 0, 2 * MiB, 0, RTM_ARENA_HUGEPAGES);
	p = rtm_arena_alloc(a, 8 * MiB, 1);
	ck_assert_ptr_nonnull(p);
	memset(p, 1, 8 * MiB);
	rtm_arena_reset(a);
	ck_assert_uint_le(rtm_arena_stats(a).committed, 2 * MiB);
	/* The memory committed again past the retain budget is still
	 * advised: the decommit must not have dropped MADV_HUGEPAGE. */
	p = rtm_arena_alloc(a, 8 * MiB, 1);
	ck_assert_ptr_nonnull(p);
	memset(p, 2, 8 * MiB);
	ck_assert(smaps_flag(p + 6 * MiB, "hg"));
	ck_assert(smaps_flag((char *)a + 12 * MiB, "hg"));
	rtm_arena_destroy(a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arena_config");
	TCase *tc = tcase_create("config");
	TCase *guard = tcase_create("guard");
	TCase *huge = tcase_create("hugepages");

	tcase_add_test(tc, null_config_gives_the_defaults);
	tcase_add_test(tc, a_zero_config_is_the_same_as_null);
	tcase_add_test(tc, reserve_sets_the_block_size_in_whole_pages);
	tcase_add_test(tc, commit_step_sets_the_commit_granularity);
	tcase_add_test(tc, a_tiny_commit_step_is_one_page);
	tcase_add_test(tc, unknown_flags_are_refused);
	tcase_add_test(tc, sizes_that_overflow_when_rounded_are_refused);
	tcase_add_test(tc, a_name_labels_the_blocks_when_the_kernel_can);
	suite_add_tcase(s, tc);
	tcase_add_test(guard, a_guard_page_follows_the_usable_end);
	tcase_add_test_raise_signal(guard, writing_past_the_usable_end_faults, SIGSEGV);
	tcase_add_test(guard, without_guard_the_block_is_usable_to_its_end);
	suite_add_tcase(s, guard);
	tcase_add_test(huge, hugepage_blocks_are_2mib_aligned_and_get_huge_pages);
	tcase_add_test(huge, hugepage_advice_survives_a_retain_trim);
	suite_add_tcase(s, huge);
	return run_suite(s);
}
