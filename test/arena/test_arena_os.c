/* The arena and the OS: every mapping goes through the hooks and comes
 * back on destroy, the books agree with rtm_vm_stats and the kernel, and
 * a refusal from the OS changes nothing. */
#include <stdint.h>

#include "arena_util.h"
#include "proc.h"
#include "rec_hooks.h"
#include "sanitizer.h"
#include "suite.h"

START_TEST(stats_agree_with_the_region_counters_at_every_step)
{
	struct rtm_vm_stats vm0 = rtm_vm_stats();
	rtm_arena *a = arena_with(256 * KiB, 64 * KiB, 128 * KiB, 0, 0);
	struct rtm_arena_mark m;

	ASSERT_VM_MATCHES(a, vm0);
	ck_assert_uint_eq(rtm_arena_stats(a).blocks, 1);
	memset(rtm_arena_alloc(a, 100 * KiB, 1), 1, 100 * KiB);
	ASSERT_VM_MATCHES(a, vm0);
	m = rtm_arena_save(a);
	for (int i = 0; i < 8; i++) {
		memset(rtm_arena_alloc(a, 150 * KiB, 64), 2, 150 * KiB);
		ASSERT_VM_MATCHES(a, vm0);
	}
	ck_assert_uint_ge(rtm_arena_stats(a).blocks, 5);
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, MiB, 1)); /* a block of its own */
	ASSERT_VM_MATCHES(a, vm0);
	rtm_arena_rewind(a, m);
	ASSERT_VM_MATCHES(a, vm0);
	rtm_arena_reset(a); /* decommits past retain */
	ck_assert_uint_le(rtm_arena_stats(a).committed, 128 * KiB);
	ASSERT_VM_MATCHES(a, vm0);
	rtm_arena_destroy(a);
	ck_assert_uint_eq(rtm_vm_stats().reserved, vm0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, vm0.committed);
}
END_TEST

START_TEST(destroy_gives_everything_back)
{
	size_t total0 = maps_total(NULL);
	struct rtm_vm_stats vm0 = rtm_vm_stats();
	long rss0 = statm_resident(), shadow;
	rtm_arena *a = arena_with(4 * MiB, 0, 0, 0, 0);

	for (int i = 0; i < 16; i++)
		memset(rtm_arena_alloc(a, 2 * MiB, 16), 3, 2 * MiB);
	ck_assert_uint_ge(rtm_arena_stats(a).blocks, 8);
	ck_assert_int_ge(statm_resident() - rss0, (long)(32 * MiB / page_size()) - 256);
	/* Under ASan the shadow of what was committed (an eighth of it),
	 * written by the arena's poisoning, stays resident: clang 14's ASan
	 * releases shadow for no munmap. More would mean the arena wrote
	 * shadow for memory it never committed. */
	shadow = UNDER_ASAN ? (long)(rtm_arena_stats(a).committed / 8 / page_size()) : 0;
	rtm_arena_destroy(a);
	ck_assert_uint_eq(rtm_vm_stats().reserved, vm0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, vm0.committed);
	ck_assert_uint_eq(maps_total(NULL), total0);
	/* Slack for the kernel's RSS counters, which are per-CPU and batched
	 * (64 pages each way here), and for /proc reads touching the test's
	 * buffer; what is measured is 8192 pages coming back. */
	ck_assert_int_le(statm_resident() - rss0, 256 + shadow);
}
END_TEST

START_TEST(destroy_of_null_is_ignored)
{
	rtm_arena_destroy(NULL);
}
END_TEST

/* Every page the kernel added since `before` was mapped through the
 * hooks and is still in the recorder's live set, and each live range is
 * really mapped. */
static void assert_hooks_saw_every_mapping(size_t total_before)
{
	ck_assert_uint_eq(maps_total(NULL) - total_before, rec_live_bytes());
	for (size_t i = 0; i < rec.nlive; i++) {
		ck_assert(page_mapped((void *)rec.live[i].lo));
		ck_assert(page_mapped((void *)(rec.live[i].hi - 1)));
	}
}

START_TEST(hooks_see_every_mapping_and_all_come_back)
{
	size_t total0 = maps_total(NULL);
	struct rtm_arena_config cfg = { 64 * KiB, 16 * KiB, 32 * KiB, 0, RTM_ARENA_GUARD, NULL };
	rtm_arena *a;
	unsigned char *p;
	unsigned mprotects;

	rec_begin(NULL);
	a = rtm_arena_create(&cfg);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_ge(rec.calls[REC_MMAP], 1);
	ck_assert_uint_ge(rec.calls[REC_MPROTECT], 1);
	assert_hooks_saw_every_mapping(total0);

	/* Commit steps within the block, then new blocks. */
	mprotects = rec.calls[REC_MPROTECT];
	p = rtm_arena_alloc(a, 40 * KiB, 1);
	memset(p, 1, 40 * KiB);
	ck_assert_uint_gt(rec.calls[REC_MPROTECT], mprotects);
	ck_assert_uint_eq(rec_live_overlap((uintptr_t)p, (uintptr_t)p + 40 * KiB), 40 * KiB);
	for (int i = 0; i < 10; i++) {
		p = rtm_arena_alloc(a, 50 * KiB, 8);
		memset(p, 2, 50 * KiB);
		ck_assert_uint_eq(rec_live_overlap((uintptr_t)p, (uintptr_t)p + 50 * KiB), 50 * KiB);
	}
	ck_assert_uint_ge(rtm_arena_stats(a).blocks, 10);
	assert_hooks_saw_every_mapping(total0);
	ck_assert_uint_eq(rec_live_bytes(), rtm_arena_stats(a).reserved);

	/* Reset with retain: later blocks unmapped, the first decommitted
	 * (a MAP_FIXED mmap, also seen). */
	rtm_arena_reset(a);
	ck_assert_uint_ge(rec.calls[REC_MUNMAP], 9);
	assert_hooks_saw_every_mapping(total0);
	ck_assert_uint_eq(rec_live_bytes(), rtm_arena_stats(a).reserved);
	ck_assert_uint_le(rtm_arena_stats(a).committed, 32 * KiB);

	rtm_arena_destroy(a);
	rec_end();
	/* Everything mapped through the hooks was unmapped through them. */
	ck_assert_uint_eq(rec.nlive, 0);
	ck_assert_uint_eq(maps_total(NULL), total0);
	ck_assert_uint_le(rec.nlog, REC_LOG_MAX);
	for (size_t i = 0; i < rec.nlog; i++)
		if (rec.log[i].op == REC_MMAP && !rec.log[i].err)
			ck_assert(!page_mapped((void *)rec.log[i].addr));
}
END_TEST

/* The arena makes the OS calls its work needs and no others: its own
 * ranges need none of the argument or hole checks (an msync each) that
 * the public region calls make for strangers' ranges. */
START_TEST(a_request_and_its_reset_make_only_the_calls_they_need)
{
	struct rtm_arena_config cfg = { 1 * MiB, 64 * KiB, 64 * KiB, 0, 0, NULL };
	rtm_arena *a = rtm_arena_create(&cfg);

	ck_assert_ptr_nonnull(a);
	rec_begin(NULL);
	/* Within the first block, past the retain budget: one commit (an
	 * mprotect), and the reset decommits it again (one MAP_FIXED mmap). */
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 100 * KiB, 8));
	rtm_arena_reset(a);
	ck_assert_uint_eq(rec.calls[REC_MPROTECT], 1);
	ck_assert_uint_eq(rec.calls[REC_MMAP], 1);
	ck_assert_uint_eq(rec.calls[REC_MUNMAP], 0);
	ck_assert_uint_eq(rec.calls[REC_MADVISE], 0);

	/* Past the block: a new one is reserved (mmap) and committed
	 * (mprotect); the reset unmaps it (munmap), and the first block,
	 * within its budget, is left alone. */
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 2 * MiB, 8));
	rtm_arena_reset(a);
	ck_assert_uint_eq(rec.calls[REC_MPROTECT], 2);
	ck_assert_uint_eq(rec.calls[REC_MMAP], 2);
	ck_assert_uint_eq(rec.calls[REC_MUNMAP], 1);
	ck_assert_uint_eq(rec.calls[REC_MADVISE], 0);
	rec_end();
	rtm_arena_destroy(a);
}
END_TEST

/* Where a steering hook puts the next anonymous mmap (as a hint, taken
 * once): lets a test place a new arena at addresses it chose. */
static void *steer_hint;
static const struct rtm_hooks *steer_prev;

static rtm_mmap_result steer_mmap(void *ctx, void *addr, size_t n, int prot, int flags, int fd,
                                  uint64_t off)
{
	(void)ctx;
	if (!addr && steer_hint) {
		addr = steer_hint;
		steer_hint = NULL;
	}
	if (steer_prev && steer_prev->mmap)
		return steer_prev->mmap(steer_prev->ctx, addr, n, prot, flags, fd, off);
	return rtm_sys_mmap(addr, n, prot, flags, fd, off);
}

/* AddressSanitizer does not see munmap, so poison an arena in caller
 * memory leaves behind (destroy is optional for it) outlives the mapping.
 * A new arena at those addresses must clear it before writing its header;
 * under ASan a stale shadow is reported as use-after-poison. */
START_TEST(a_new_arena_where_an_old_one_left_poison_is_usable)
{
	static const struct rtm_hooks steer = { steer_mmap, NULL, NULL, NULL, NULL };
	struct rtm_arena_config cfg = { 64 * KiB, 0, 0, 0, 0, NULL };
	rtm_mmap_result r = rtm_reserve(NULL, 1 * MiB, 0);
	rtm_arena *a;

	ck_assert_int_eq(r.err, 0);
	ck_assert_int_eq(rtm_commit(r.addr, 1 * MiB), 0);
	ck_assert_ptr_nonnull(rtm_arena_create_in(r.addr, 1 * MiB)); /* never destroyed */
	ck_assert_int_eq(rtm_release_ready(r.addr, 1 * MiB, 1 * MiB), 0);

	/* Past the old header, where the old arena's free bytes were. */
	steer_hint = (char *)r.addr + 64 * KiB;
	steer_prev = rtm_set_hooks(&steer);
	a = rtm_arena_create(&cfg);
	rtm_set_hooks(steer_prev);
	ck_assert_ptr_eq(a, (char *)r.addr + 64 * KiB);
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 100, 8));
	rtm_arena_destroy(a);
}
END_TEST

static enum rec_op veto_op;
static int veto_on;

static int veto_one_op(const struct rec_call *c, unsigned nth)
{
	(void)nth;
	return veto_on && c->op == veto_op ? RTM_ENOMEM : 0;
}

/* _i picks the operation the OS refuses: mmap (a new block) or mprotect
 * (a commit step). */
START_TEST(an_os_refusal_fails_the_allocation_and_changes_nothing)
{
	struct rtm_vm_stats vm0 = rtm_vm_stats();
	rtm_arena *a;
	struct rtm_arena_stats s0;
	size_t total0;
	unsigned char *last, *p;

	veto_op = _i ? REC_MPROTECT : REC_MMAP;
	rec_begin(veto_one_op);
	a = arena_with(_i ? MiB : 64 * KiB, 16 * KiB, 0, 0, 0);
	last = rtm_arena_alloc(a, 8, 1);
	s0 = rtm_arena_stats(a);
	total0 = maps_total(NULL);
	veto_on = 1;
	/* _i == 0: too big for the block; _i == 1: past the commit step. */
	ck_assert_ptr_null(rtm_arena_alloc(a, 100 * KiB, 1));
	ck_assert_ptr_null(rtm_arena_alloc_zeroed(a, 100 * KiB, 1));
	ck_assert_ptr_null(rtm_arena_resize(a, last, 8, 100 * KiB, 1));
	ck_assert_uint_gt(rec.calls[veto_op], 0);
	ASSERT_STATS_EQ(rtm_arena_stats(a), s0);
	ASSERT_VM_MATCHES(a, vm0);
	ck_assert_uint_eq(maps_total(NULL), total0);
	assert_hooks_saw_every_mapping(total0 - rec_live_bytes());
	veto_on = 0;
	p = rtm_arena_alloc(a, 100 * KiB, 1);
	ck_assert_ptr_eq(p, _i ? last + 8 : p);
	memset(p, 1, 100 * KiB);
	rtm_arena_destroy(a);
	rec_end();
	ck_assert_uint_eq(rec.nlive, 0);
}
END_TEST

/* _i: the mmap of the reservation, or the commit of the first step. */
START_TEST(a_refused_create_leaves_nothing_mapped)
{
	struct rtm_vm_stats vm0 = rtm_vm_stats();
	size_t total0 = maps_total(NULL);

	veto_op = _i ? REC_MPROTECT : REC_MMAP;
	veto_on = 1;
	rec_begin(veto_one_op);
	ck_assert_ptr_null(rtm_arena_create(NULL));
	rec_end();
	ck_assert_uint_gt(rec.calls[veto_op], 0);
	ck_assert_uint_eq(rec.nlive, 0);
	ck_assert_uint_eq(maps_total(NULL), total0);
	ck_assert_uint_eq(rtm_vm_stats().reserved, vm0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, vm0.committed);
}
END_TEST

START_TEST(a_block_the_os_would_not_release_is_released_later)
{
	struct rtm_vm_stats vm0 = rtm_vm_stats();
	size_t total0 = maps_total(NULL);
	rtm_arena *a;

	veto_op = REC_MUNMAP;
	rec_begin(veto_one_op);
	a = arena_with(64 * KiB, 0, 0, 0, 0);
	for (int i = 0; i < 4; i++)
		memset(rtm_arena_alloc(a, 60 * KiB, 1), 1, 60 * KiB);
	ck_assert_uint_eq(rtm_arena_stats(a).blocks, 4);
	veto_on = 1;
	rtm_arena_reset(a);
	/* Still mapped, so still counted: the books stay true. */
	ck_assert_uint_eq(rtm_arena_stats(a).blocks, 4);
	ck_assert_uint_eq(rtm_arena_stats(a).used, 0);
	ASSERT_VM_MATCHES(a, vm0);
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 1000, 1));
	veto_on = 0;
	rtm_arena_reset(a);
	ck_assert_uint_eq(rtm_arena_stats(a).blocks, 1);
	ASSERT_VM_MATCHES(a, vm0);
	rtm_arena_destroy(a);
	rec_end();
	ck_assert_uint_eq(rec.nlive, 0);
	ck_assert_uint_eq(maps_total(NULL), total0);
	ck_assert_uint_eq(rtm_vm_stats().reserved, vm0.reserved);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arena_os");
	TCase *tc = tcase_create("os");
	TCase *hooks = tcase_create("hooks");

	tcase_add_test(tc, stats_agree_with_the_region_counters_at_every_step);
	tcase_add_test(tc, destroy_gives_everything_back);
	tcase_add_test(tc, destroy_of_null_is_ignored);
	suite_add_tcase(s, tc);
	if (rtm_hooks_enabled()) {
		tcase_add_test(hooks, hooks_see_every_mapping_and_all_come_back);
		tcase_add_test(hooks, a_request_and_its_reset_make_only_the_calls_they_need);
		tcase_add_test(hooks, a_new_arena_where_an_old_one_left_poison_is_usable);
		tcase_add_loop_test(hooks, an_os_refusal_fails_the_allocation_and_changes_nothing, 0, 2);
		tcase_add_loop_test(hooks, a_refused_create_leaves_nothing_mapped, 0, 2);
		tcase_add_test(hooks, a_block_the_os_would_not_release_is_released_later);
		suite_add_tcase(s, hooks);
	}
	return run_suite(s);
}
