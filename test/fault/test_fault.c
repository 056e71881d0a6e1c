/* Fault injection through the hooks: every OS call a scenario makes is
 * failed in turn, and the public call must fail cleanly (an error value,
 * nothing changed) and leave no mapping behind once the scenario's own
 * objects are cleaned up. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rtmem/arena.h>
#include <rtmem/vm.h>

#include "fault_hooks.h"
#include "maps.h"

#define KiB ((size_t)1 << 10)
#define MiB ((size_t)1 << 20)

/* One scenario: setup (no faults), the faulted part, cleanup (no faults). */
struct scenario {
	const char *name;
	void (*setup)(void **state);
	void (*run)(void **state); /* asserts its own "failed cleanly" rules */
	void (*cleanup)(void **state);
};

static unsigned fault_points_total;

static int stats_equal(struct rtm_arena_stats a, struct rtm_arena_stats b)
{
	return a.used == b.used && a.committed == b.committed && a.reserved == b.reserved &&
	       a.blocks == b.blocks;
}

/* --- scenarios -------------------------------------------------------- */

static void no_setup(void **state)
{
	*state = 0;
}

static void reserve_run(void **state)
{
	struct rtm_vm_stats before = rtm_vm_stats();
	rtm_mmap_result r = rtm_reserve(0, 3 * MiB + 5, 2 * MiB);

	if (r.err) {
		struct rtm_vm_stats after = rtm_vm_stats();
		ck_assert_ptr_null(r.addr);
		ck_assert_uint_eq(before.reserved, after.reserved);
		*state = 0;
		return;
	}
	ck_assert_uint_eq((uintptr_t)r.addr % (2 * MiB), 0);
	*state = r.addr;
}

static void reserve_cleanup(void **state)
{
	if (*state)
		ck_assert_int_eq(rtm_release(*state, 3 * MiB + 5), 0);
}

static struct {
	char *p;
	size_t committed0; /* process-wide count before the scenario */
} commit_state;

static void commit_setup(void **state)
{
	rtm_mmap_result r = rtm_reserve(0, 1 * MiB, 0);
	ck_assert_int_eq(r.err, 0);
	commit_state.p = r.addr;
	commit_state.committed0 = rtm_vm_stats().committed;
	*state = &commit_state;
}

static void commit_run(void **state)
{
	char *p = commit_state.p;
	(void)state;
	struct rtm_vm_stats before = rtm_vm_stats();

	if (rtm_commit(p, 512 * KiB) == 0) {
		p[0] = 1;
		if (rtm_decommit(p, 256 * KiB) != 0) {
			/* Failed decommit: still committed, contents kept. */
			ck_assert_int_eq(p[0], 1);
			ck_assert_uint_eq(rtm_vm_stats().committed, before.committed + 512 * KiB);
		}
	} else {
		ck_assert_uint_eq(rtm_vm_stats().committed, before.committed);
	}
}

static void commit_cleanup(void **state)
{
	/* Release the range with what the scenario left counted as committed. */
	size_t ready = rtm_vm_stats().committed - commit_state.committed0;
	(void)state;
	ck_assert_int_eq(rtm_release_ready(commit_state.p, 1 * MiB, ready), 0);
}

static const struct rtm_arena_config small_blocks = {
	.reserve = 256 * KiB, .commit_step = 64 * KiB, .retain = 64 * KiB, .name = "rtm-fault",
};

static void create_run(void **state)
{
	*state = rtm_arena_create(&small_blocks);
}

static void arena_cleanup(void **state)
{
	rtm_arena_destroy(*state);
}

static void arena_setup(void **state)
{
	*state = rtm_arena_create(&small_blocks);
	ck_assert_ptr_nonnull(*state);
}

/* Allocations that commit more, chain blocks, and need an oversize block. */
static void grow_run(void **state)
{
	static const size_t sizes[] = { 100 * KiB, 200 * KiB, 10, 700 * KiB, 64 * KiB, 3 * KiB };
	rtm_arena *a = *state;

	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		struct rtm_arena_stats before = rtm_arena_stats(a);
		char *p = rtm_arena_alloc(a, sizes[i], 64);
		if (!p) {
			ck_assert(stats_equal(before, rtm_arena_stats(a)));
			continue;
		}
		memset(p, 0x5a, sizes[i]);
	}
}

static void filled_setup(void **state)
{
	rtm_arena *a = rtm_arena_create(&small_blocks);

	ck_assert_ptr_nonnull(a);
	for (int i = 0; i < 12; i++)
		memset(rtm_arena_alloc(a, 100 * KiB, 16), 1, 100 * KiB);
	ck_assert_uint_ge(rtm_arena_stats(a).blocks, 4);
	*state = a;
}

/* After a faulted reset or rewind the arena must still be consistent and
 * usable: its stats agree with the process-wide accounting delta. */
static void check_usable(rtm_arena *a)
{
	char *p = rtm_arena_alloc(a, 10 * KiB, 8);
	ck_assert_ptr_nonnull(p);
	memset(p, 2, 10 * KiB);
}

static void reset_run(void **state)
{
	rtm_arena_reset(*state);
	ck_assert_uint_eq(rtm_arena_stats(*state).used, 0);
}

static void reset_cleanup(void **state)
{
	check_usable(*state);
	rtm_arena_destroy(*state);
}

static void rewind_setup(void **state)
{
	static struct {
		rtm_arena *a;
		struct rtm_arena_mark m;
	} s;

	s.a = rtm_arena_create(&small_blocks);
	ck_assert_ptr_nonnull(s.a);
	memset(rtm_arena_alloc(s.a, 50 * KiB, 8), 1, 50 * KiB);
	s.m = rtm_arena_save(s.a);
	for (int i = 0; i < 10; i++)
		memset(rtm_arena_alloc(s.a, 120 * KiB, 8), 1, 120 * KiB);
	*state = &s;
}

static void rewind_run(void **state)
{
	struct { rtm_arena *a; struct rtm_arena_mark m; } *s = *state;
	size_t used = 50 * KiB;

	rtm_arena_rewind(s->a, s->m);
	ck_assert_uint_eq(rtm_arena_stats(s->a).used, used);
}

static void rewind_cleanup(void **state)
{
	struct { rtm_arena *a; struct rtm_arena_mark m; } *s = *state;
	reset_cleanup((void **)&s->a);
}

static void destroy_run(void **state)
{
	rtm_arena_destroy(*state);
}

static const struct rtm_arena_config guarded_huge = {
	.reserve = 4 * MiB, .flags = RTM_ARENA_GUARD | RTM_ARENA_HUGEPAGES,
};

static void flags_run(void **state)
{
	rtm_arena *a = rtm_arena_create(&guarded_huge);

	*state = a;
	if (!a)
		return;
	for (size_t n = 3 * MiB; n <= 5 * MiB; n += 2 * MiB) {
		struct rtm_arena_stats before = rtm_arena_stats(a);
		char *p = rtm_arena_alloc(a, n, 4096);
		if (p)
			memset(p, 7, n);
		else
			ck_assert(stats_equal(before, rtm_arena_stats(a)));
	}
}

/* Growth in place, growth by copy, and zeroed memory over dirty bytes. */
static void resize_run(void **state)
{
	rtm_arena *a = *state;
	struct rtm_arena_stats before;
	char *p = rtm_arena_alloc(a, 10 * KiB, 16), *q;

	if (!p)
		return;
	memset(p, 3, 10 * KiB);
	before = rtm_arena_stats(a);
	q = rtm_arena_resize(a, p, 10 * KiB, 200 * KiB, 16);
	if (!q) {
		ck_assert(stats_equal(before, rtm_arena_stats(a)));
		ck_assert_int_eq(p[10 * KiB - 1], 3); /* the old block is intact */
		return;
	}
	ck_assert_ptr_eq(p, q);
	before = rtm_arena_stats(a);
	q = rtm_arena_resize(a, p, 200 * KiB, 900 * KiB, 16);
	if (!q) {
		ck_assert(stats_equal(before, rtm_arena_stats(a)));
		return;
	}
	ck_assert_int_eq(q[10 * KiB - 1], 3);
	rtm_arena_reset(a);
	p = rtm_arena_alloc_zeroed(a, 150 * KiB, 8);
	if (p)
		for (size_t i = 0; i < 150 * KiB; i++)
			ck_assert_int_eq(p[i], 0);
}

/* Every lifecycle call in turn; each may be the one that fails. */
static struct {
	char *p;
	size_t committed;
} life;

static void lifecycle_run(void **state)
{
	rtm_mmap_result r = rtm_reserve(0, 2 * MiB, 0);

	*state = 0;
	if (r.err)
		return;
	life.p = r.addr;
	life.committed = 0;
	*state = &life;
	if (rtm_commit(life.p, 1 * MiB))
		return;
	life.committed = 1 * MiB;
	memset(life.p, 9, 1 * MiB);
	if (rtm_purge(life.p, 512 * KiB) == 0)
		ck_assert_int_eq(life.p[0], 0);
	else
		ck_assert_int_eq(life.p[0], 9);
	(void)rtm_purge_lazy(life.p + 512 * KiB, 256 * KiB);
	(void)rtm_hugepage(life.p, 2 * MiB, 1);
	if (rtm_decommit(life.p, 1 * MiB) == 0)
		life.committed = 0;
}

static void lifecycle_cleanup(void **state)
{
	if (*state)
		ck_assert_int_eq(rtm_release_ready(life.p, 2 * MiB, life.committed), 0);
}

static void nothing(void **state)
{
	(void)state;
}

static const struct scenario scenarios[] = {
	{ "reserve with alignment trimming", no_setup, reserve_run, reserve_cleanup },
	{ "commit and decommit", commit_setup, commit_run, commit_cleanup },
	{ "arena create", no_setup, create_run, arena_cleanup },
	{ "arena grow", arena_setup, grow_run, arena_cleanup },
	{ "arena reset with retain", filled_setup, reset_run, reset_cleanup },
	{ "arena rewind across blocks", rewind_setup, rewind_run, rewind_cleanup },
	{ "arena destroy", filled_setup, destroy_run, nothing },
	{ "arena with guard and huge pages", no_setup, flags_run, arena_cleanup },
	{ "arena resize and zeroed", arena_setup, resize_run, arena_cleanup },
	{ "region lifecycle", no_setup, lifecycle_run, lifecycle_cleanup },
};

/* --- the driver ------------------------------------------------------- */

static unsigned run_once(const struct scenario *sc, unsigned fail_at, int err)
{
	struct fault_plan plan;
	void *state = 0;

	sc->setup(&state);
	fault_install(&plan, fail_at, err);
	sc->run(&state);
	fault_remove();
	sc->cleanup(&state);
	return plan.calls;
}

static void run_scenario(const struct scenario *sc)
{
	static const int errs[] = { ENOMEM, EAGAIN, EPERM };
	struct maps_snapshot m0, m1;
	struct rtm_vm_stats v0, v1;
	unsigned n;

	(void)rtm_page_size(); /* its one-time probe is not part of any scenario */
	m0 = maps_snapshot();
	v0 = rtm_vm_stats();
	n = run_once(sc, 0, 0);
	ck_assert_msg(n > 0, "%s makes no OS call?", sc->name);
	for (unsigned k = 1; k <= n; k++) {
		run_once(sc, k, errs[k % 3]);
		m1 = maps_snapshot();
		v1 = rtm_vm_stats();
		ck_assert_msg(m1.count == m0.count && m1.bytes == m0.bytes,
		              "%s, fault at call %u/%u: maps %zu/%zu bytes, was %zu/%zu", sc->name,
		              k, n, m1.count, m1.bytes, m0.count, m0.bytes);
		ck_assert_msg(v1.reserved == v0.reserved && v1.committed == v0.committed,
		              "%s, fault at call %u/%u: vm stats %zu/%zu, were %zu/%zu", sc->name, k,
		              n, v1.reserved, v1.committed, v0.reserved, v0.committed);
	}
	fault_points_total += n;
	printf("fault injection: %-32s %3u fault points\n", sc->name, n);
}

START_TEST(fault_scenario)
{
	run_scenario(&scenarios[_i]);
}
END_TEST

START_TEST(fault_points_counted)
{
	/* All scenarios in one process, for the total that TESTING.md quotes. */
	fault_points_total = 0;
	for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
		run_scenario(&scenarios[i]);
	printf("fault injection: %u fault points in all\n", fault_points_total);
	ck_assert_uint_gt(fault_points_total, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fault");
	TCase *tc = tcase_create("scenarios");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, fault_scenario, 0, (int)(sizeof scenarios / sizeof scenarios[0]));
	tcase_add_test(tc, fault_points_counted);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
