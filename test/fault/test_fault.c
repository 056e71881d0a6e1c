/* Fault injection through the hooks: every OS call a scenario makes is
 * failed in turn, and the public call must fail cleanly (an error value,
 * nothing changed) and leave no mapping behind once the scenario's own
 * objects are cleaned up. One source for Linux (mmap, munmap, mprotect,
 * madvise; Check forks each test) and Windows (VirtualAlloc, VirtualAlloc2,
 * VirtualFree, VirtualProtect; no fork, so Check runs every test in this
 * process: win_suite.h). On Windows every scenario runs twice, with
 * VirtualAlloc2 and as a system without it (fault_hooks.h). The region
 * and arena scenarios are here, the stack pool's in stack_scenarios.c,
 * the code region's in code_scenarios.c. No mapping may be writable and
 * executable at once, after any run or cleanup. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(_WIN32)
#include "win_check.h"
#include "win_state.h"
#include "win_suite.h"
#else
#include <check.h>
#endif

#include <rtmem/arena.h>
#include <rtmem/vm.h>

#include "fault_hooks.h"
#include "maps.h"
#include "scenario.h"
#include "stack_scenarios.h"

#define KiB ((size_t)1 << 10)
#define MiB ((size_t)1 << 20)

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

/* A failed purge changed nothing on Linux. On Windows a purge is a
 * decommit and a commit: when the commit is refused, the run is left
 * Reserved (vm.h), and reading it would fault. */
static int purge_left_reserved(const char *p)
{
#if defined(_WIN32)
	return state_at(p) == MEM_RESERVE;
#else
	(void)p;
	return 0;
#endif
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
	else if (!purge_left_reserved(life.p))
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

#if defined(_WIN32)
/* Windows alone: one VirtualAlloc or VirtualFree per reservation that a
 * range spans, and what a later part's failure must undo (on Linux one
 * call covers any range). Two reservations back to back, A then B, and in
 * A's top a run committed beforehand behind rtmem's back, with a mark: a
 * commit whose part in B fails takes back what it committed in A and
 * nothing more. */
#define SPAN ((size_t)256 * KiB)
#define PRE  ((size_t)64 * KiB)

static struct {
	char *p;
	size_t committed0;
} across;

/* rtm_reserve with the address of a hole as the hint: VirtualAlloc takes
 * it exactly, or refuses when another thread got there first. */
static char *adjacent_pair(void)
{
	for (int tries = 0; tries < 100; tries++) {
		char *p = VirtualAlloc(NULL, 2 * SPAN, MEM_RESERVE, PAGE_NOACCESS);
		rtm_mmap_result a, b;

		ck_assert_ptr_nonnull(p);
		ck_assert(VirtualFree(p, 0, MEM_RELEASE));
		a = rtm_reserve(p, SPAN, 0);
		b = rtm_reserve(p + SPAN, SPAN, 0);
		if (!a.err && !b.err && a.addr == p && b.addr == p + SPAN)
			return p;
		if (!a.err)
			ck_assert_int_eq(rtm_release(a.addr, SPAN), 0);
		if (!b.err)
			ck_assert_int_eq(rtm_release(b.addr, SPAN), 0);
	}
	ck_abort_msg("no two adjacent reservations in 100 tries");
	return NULL;
}

static void across_setup(void **state)
{
	char *p = adjacent_pair();

	ck_assert_int_eq(rtm_sys_virtual_alloc(p + SPAN - PRE, PRE, RTM_MEM_COMMIT,
	                                       RTM_PAGE_READWRITE).err, 0);
	p[SPAN - PRE] = 0x77;
	across.p = p;
	across.committed0 = rtm_vm_stats().committed;
	*state = &across;
}

static void across_run(void **state)
{
	char *p = across.p;
	struct rtm_vm_stats before = rtm_vm_stats();

	(void)state;
	/* From A's middle into B: A's part is a Reserved run and the run
	 * committed beforehand, B's part is Reserved. */
	if (rtm_commit(p + SPAN / 2, SPAN)) {
		ck_assert_uint_eq(committed_in(p, 2 * SPAN), PRE);
		ck_assert_int_eq(p[SPAN - PRE], 0x77);
		ck_assert_uint_eq(rtm_vm_stats().committed, before.committed);
		return;
	}
	memset(p + SPAN / 2, 4, SPAN);
	if (rtm_decommit(p + SPAN / 2, SPAN)) {
		/* Ready again where it was (A's part reads zero if it was
		 * decommitted and committed back); B's part, whose decommit
		 * failed, keeps its contents. */
		ck_assert_uint_eq(committed_in(p, 2 * SPAN), SPAN);
		ck_assert_int_eq(p[SPAN], 4);
		ck_assert_uint_eq(rtm_vm_stats().committed, before.committed + SPAN);
	} else {
		ck_assert_uint_eq(committed_in(p, 2 * SPAN), 0);
		ck_assert_uint_eq(rtm_vm_stats().committed, before.committed);
	}
}

static void across_cleanup(void **state)
{
	/* What the run left counted lies in the range; the run committed
	 * beforehand is released with A, uncounted as it came. */
	size_t ready = rtm_vm_stats().committed - across.committed0;

	(void)state;
	ck_assert_int_eq(rtm_release_ready(across.p, SPAN, ready), 0);
	ck_assert_int_eq(rtm_release(across.p + SPAN, SPAN), 0);
}
#endif

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
#if defined(_WIN32)
	{ "commit and decommit across reservations", across_setup, across_run, across_cleanup },
#endif
};

#define OWN_SCENARIOS (sizeof scenarios / sizeof scenarios[0])
#define MAX_SCENARIOS 48

/* This file's scenarios, then the stack pool's, then the code region's. */
static const struct scenario *all_scenarios[MAX_SCENARIOS];
static unsigned n_scenarios;

static void list_scenarios(void)
{
	n_scenarios = 0;
	for (size_t i = 0; i < OWN_SCENARIOS; i++)
		all_scenarios[n_scenarios++] = &scenarios[i];
	for (unsigned i = 0; i < stack_scenario_count && n_scenarios < MAX_SCENARIOS; i++)
		all_scenarios[n_scenarios++] = &stack_scenarios[i];
	for (unsigned i = 0; i < code_scenario_count && n_scenarios < MAX_SCENARIOS; i++)
		all_scenarios[n_scenarios++] = &code_scenarios[i];
}

/* --- the driver ------------------------------------------------------- */

static unsigned fault_points_mode[FAULT_MODES];

/* W^X, whatever was failed, with the scenario's objects still there
 * (after its run) and gone (after its cleanup). */
static void assert_no_wx(struct maps_snapshot m, const struct scenario *sc, unsigned fail_at,
                         const char *when)
{
	ck_assert_msg(m.wx == 0, "%s, fault at call %u: %zu mappings writable and executable %s",
	              sc->name, fail_at, m.wx, when);
}

static void run_once(const struct scenario *sc, int mode, unsigned fail_at,
                     struct fault_plan *plan)
{
	void *state = 0;

	sc->setup(&state);
	/* The variant rotates with the call failed: call k gets its
	 * system's error k modulo the ones it has for that call. */
	fault_install(plan, mode, fail_at, fail_at);
	sc->run(&state);
	fault_remove();
	assert_no_wx(maps_snapshot(), sc, fail_at, "after the run");
	sc->cleanup(&state);
}

static const char *call_name(const struct fault_plan *clean, unsigned k)
{
	return k <= FAULT_LOG ? fault_op_name(clean->log[k - 1].op) : "?";
}

/* The scenario with no fault, counting its OS calls n, then n more times
 * failing call k: after each, the address space and the totals are as
 * before. Snapshots are taken outside assertions (Check may allocate, and
 * on Linux malloc may map), messages built only on failure. */
static unsigned run_mode(const struct scenario *sc, int mode)
{
	static struct fault_plan clean, plan;
	struct maps_snapshot m0, m1;
	struct rtm_vm_stats v0, v1;
	char was[160], now[160];
	unsigned n, points = 0;

	m0 = maps_snapshot();
	v0 = rtm_vm_stats();
	run_once(sc, mode, 0, &clean);
	n = clean.calls;
	ck_assert_msg(n > 0, "%s (%s) makes no OS call?", sc->name, fault_mode_name(mode));
	for (unsigned k = 1; k <= n; k++) {
		run_once(sc, mode, k, &plan);
		m1 = maps_snapshot();
		v1 = rtm_vm_stats();
		assert_no_wx(m1, sc, k, "after the cleanup");
		ck_assert_msg(maps_equal(m0, m1),
		              "%s (%s), fault at call %u/%u (%s, error %d): %s, was %s", sc->name,
		              fault_mode_name(mode), k, n, call_name(&clean, k), plan.err,
		              maps_describe(m1, now, sizeof now),
		              maps_describe(m0, was, sizeof was));
		ck_assert_msg(v1.reserved == v0.reserved && v1.committed == v0.committed,
		              "%s (%s), fault at call %u/%u (%s, error %d): vm stats %zu/%zu, "
		              "were %zu/%zu",
		              sc->name, fault_mode_name(mode), k, n, call_name(&clean, k), plan.err,
		              v1.reserved, v1.committed, v0.reserved, v0.committed);
		points++;
	}
	return points;
}

static void run_scenario(const struct scenario *sc)
{
	unsigned n[FAULT_MODES], all = 0;

	/* Without fork (Windows) a test that a failed assertion ended
	 * inside a scenario left the fault table installed. */
	fault_remove();
	(void)rtm_page_size(); /* its one-time probe is not part of any scenario */
	for (int mode = 0; mode < FAULT_MODES; mode++) {
		n[mode] = run_mode(sc, mode);
		fault_points_mode[mode] += n[mode];
		all += n[mode];
	}
	fault_points_total += all;
#if FAULT_MODES == 1
	printf("fault injection: %-40s %3u fault points", sc->name, all);
#else
	printf("fault injection: %-40s %3u fault points (%s %u, %s %u)", sc->name, all,
	       fault_mode_name(0), n[0], fault_mode_name(1), n[1]);
#endif
	printf("\n");
}

START_TEST(fault_scenario)
{
	run_scenario(all_scenarios[_i]);
}
END_TEST

START_TEST(fault_points_counted)
{
	/* All scenarios in one process, for the total that TESTING.md quotes. */
	fault_points_total = 0;
	memset(fault_points_mode, 0, sizeof fault_points_mode);
	for (unsigned i = 0; i < n_scenarios; i++)
		run_scenario(all_scenarios[i]);
#if FAULT_MODES == 1
	printf("fault injection: %u fault points in all", fault_points_total);
#else
	printf("fault injection: %u fault points in all (%s %u, %s %u)", fault_points_total,
	       fault_mode_name(0), fault_points_mode[0], fault_mode_name(1), fault_points_mode[1]);
#endif
	printf("\n");
	ck_assert_uint_gt(fault_points_total, 0);
}
END_TEST

#if defined(_WIN32)
/* The walk counts what rtmem reserves and commits, and gives it back
 * whole: else a clean run would prove nothing. */
START_TEST(the_snapshot_sees_rtmem)
{
	struct maps_snapshot s0, s1, s2;
	rtm_mmap_result r;
	int err;

	s0 = maps_snapshot();
	r = rtm_reserve(0, 1 * MiB, 0);
	err = r.err ? r.err : rtm_commit(r.addr, 64 * KiB);
	s1 = maps_snapshot();
	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(s1.count, s0.count + 1);
	ck_assert_uint_eq(s1.bytes, s0.bytes + 1 * MiB);
	ck_assert_uint_eq(s1.committed, s0.committed + 64 * KiB);
	ck_assert_int_eq(rtm_release_ready(r.addr, 1 * MiB, 64 * KiB), 0);
	s2 = maps_snapshot();
	ck_assert(maps_equal(s0, s2));
}
END_TEST

/* ... and not the heap, which grows and shrinks under the driver. */
START_TEST(the_snapshot_does_not_see_the_heap)
{
	static const size_t sizes[] = { 16, 4 * KiB, 200 * KiB, 1 * MiB, 8 * MiB };
	void *blocks[sizeof sizes / sizeof sizes[0]];
	struct maps_snapshot s0, s1;
	FILE *f;

	s0 = maps_snapshot();
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		memset(blocks[i] = malloc(sizes[i]), 1, sizes[i]);
	f = tmpfile();
	if (f) {
		fprintf(f, "%zu\n", sizes[0]);
		fclose(f);
	}
	s1 = maps_snapshot();
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		free(blocks[i]);
	ck_assert(maps_equal(s0, s1));
}
END_TEST
#endif

#if defined(_WIN32)
/* Under Wine a crash left to the debugger Wine starts can end the process
 * with exit code 0, which meson counts as a pass (seen with a crash in a
 * second thread, once in three runs). Any exception nothing handles ends
 * this program with exit code 3 instead. */
static LONG WINAPI last_chance(EXCEPTION_POINTERS *e)
{
	char msg[96];
	DWORD wrote;
	int n = snprintf(msg, sizeof msg, "unhandled exception %#lx at %p\n",
	                 (unsigned long)e->ExceptionRecord->ExceptionCode,
	                 e->ExceptionRecord->ExceptionAddress);

	WriteFile(GetStdHandle(STD_ERROR_HANDLE), msg, (DWORD)n, &wrote, NULL);
	TerminateProcess(GetCurrentProcess(), 3);
	return EXCEPTION_EXECUTE_HANDLER;
}
#endif

int main(void)
{
	Suite *s = suite_create("fault");
	TCase *tc = tcase_create("scenarios");

#if defined(_WIN32)
	SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
	SetUnhandledExceptionFilter(last_chance);
#endif

#if defined(_WIN32)
	tcase_add_test(tc, the_snapshot_sees_rtmem);
	tcase_add_test(tc, the_snapshot_does_not_see_the_heap);
#endif
	list_scenarios();
	tcase_add_loop_test(tc, fault_scenario, 0, (int)n_scenarios);
	tcase_add_test(tc, fault_points_counted);
	suite_add_tcase(s, tc);
#if defined(_WIN32)
	return run_suite(s);
#else
	{
		SRunner *sr = srunner_create(s);
		int failed;

		srunner_run_all(sr, CK_NORMAL);
		failed = srunner_ntests_failed(sr);
		srunner_free(sr);
		return failed ? 1 : 0;
	}
#endif
}
