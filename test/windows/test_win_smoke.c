/* The Windows chain end to end, before librtmem builds for Windows: a
 * program cross-built with mingw-w64, linked with a Check built for
 * Windows, run by meson test under Wine. It calls kernel32 directly, for
 * the behaviour the Windows backend of <rtmem/vm.h> stands on: the sizes
 * GetSystemInfo reports, VirtualAlloc's reserve and commit, VirtualFree's
 * decommit and release and the calls they refuse, and what VirtualQuery
 * (win_state.h) says at each step.
 *
 * main() first makes sure Check, without fork, counts a failed assertion
 * as a failure: if it did not, every Windows suite would pass whatever
 * happened. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "win_check.h"
#include "win_state.h"
#include "win_suite.h"

#define KiB ((size_t)1 << 10)
#define GRAN ((size_t)64 * KiB)

/* GetLastError() after a call that must fail (0 when it did not), read at
 * once: a passing ck_assert does file I/O that overwrites it. */
#define ERROR_OF(call) (SetLastError(0), (call) ? 0 : GetLastError())

/* The runs of [p, p + n) are count runs of the states and sizes given. */
static void assert_runs(const void *p, size_t n, const DWORD *state, const size_t *bytes,
			size_t count)
{
	struct win_snapshot s;
	size_t i;

	win_snapshot_take(&s, p, n);
	ck_assert_uint_eq(s.n, count);
	for (i = 0; i < count; i++) {
		ck_assert_msg(s.run[i].state == state[i], "run %u: %s, not %s", (unsigned)i,
			      win_state_name(s.run[i].state), win_state_name(state[i]));
		ck_assert_uint_eq(s.run[i].size, bytes[i]);
	}
}

/* A range of n bytes that was free a moment ago, at a granularity
 * boundary: reserved, then released. */
static char *free_range(size_t n)
{
	char *p = VirtualAlloc(NULL, n, MEM_RESERVE, PAGE_NOACCESS);

	ck_assert_ptr_nonnull(p);
	ck_assert(VirtualFree(p, 0, MEM_RELEASE));
	return p;
}

/* Two reservations of GRAN bytes each, back to back, at p and p + GRAN.
 * Another thread (Wine has its own) may take the hole between the release
 * in free_range and the reserves here: then again, elsewhere. */
static char *adjacent_reservations(void)
{
	int tries;

	for (tries = 0; tries < 100; tries++) {
		char *p = free_range(2 * GRAN), *a, *b;

		a = VirtualAlloc(p, GRAN, MEM_RESERVE, PAGE_NOACCESS);
		b = VirtualAlloc(p + GRAN, GRAN, MEM_RESERVE, PAGE_NOACCESS);
		if (a == p && b == p + GRAN)
			return p;
		if (a)
			VirtualFree(a, 0, MEM_RELEASE);
		if (b)
			VirtualFree(b, 0, MEM_RELEASE);
	}
	ck_abort_msg("no two adjacent reservations in 100 tries");
	return NULL;
}

START_TEST(system_info)
{
	SYSTEM_INFO si = win_system_info();

	ck_assert_uint_eq(si.dwPageSize, 4096);
	ck_assert_uint_eq(si.dwAllocationGranularity, GRAN);
	ck_assert_uint_eq(page_size(), 4096);
	ck_assert_uint_eq(alloc_granularity(), GRAN);
#ifdef _WIN64
	ck_assert_uint_eq(sizeof(void *), 8);
	ck_assert_uint_eq(si.wProcessorArchitecture, PROCESSOR_ARCHITECTURE_AMD64);
#else
	ck_assert_uint_eq(sizeof(void *), 4);
	ck_assert_uint_eq(si.wProcessorArchitecture, PROCESSOR_ARCHITECTURE_INTEL);
#endif
	/* The first 64 KiB are never handed out. */
	ck_assert_uint_ge((uintptr_t)si.lpMinimumApplicationAddress, GRAN);
	ck_assert_uint_gt((uintptr_t)si.lpMaximumApplicationAddress,
			  (uintptr_t)si.lpMinimumApplicationAddress);
}
END_TEST

START_TEST(reserve_is_aligned_and_inaccessible)
{
	size_t ps = page_size();
	char *p = VirtualAlloc(NULL, 3 * ps + 1, MEM_RESERVE, PAGE_NOACCESS);
	MEMORY_BASIC_INFORMATION m;

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq((uintptr_t)p % alloc_granularity(), 0);
	/* The size is rounded up to whole pages, not to the granularity. */
	ck_assert_uint_eq(allocation_size_of(p), 4 * ps);
	ck_assert_uint_eq(region_size_at(p), 4 * ps);
	ck_assert_uint_eq(region_size_at(p + ps + 5), 3 * ps);
	ck_assert_uint_eq(state_at(p), MEM_RESERVE);
	ck_assert_uint_eq(state_at(p + 4 * ps - 1), MEM_RESERVE);
	ck_assert_uint_eq(state_at(p + 4 * ps), MEM_FREE);
	ck_assert_uint_eq(protect_at(p), 0);
	ck_assert_ptr_eq(allocation_base_of(p + 3 * ps), p);
	ck_assert_uint_eq(committed_in(p, 4 * ps), 0);
	m = win_query(p);
	ck_assert_uint_eq(m.Type, MEM_PRIVATE);
	ck_assert_uint_eq(m.AllocationProtect, PAGE_NOACCESS);

	ck_assert(VirtualFree(p, 0, MEM_RELEASE));
	ck_assert_uint_eq(state_at(p), MEM_FREE);
	ck_assert_ptr_null(allocation_base_of(p));
	ck_assert_uint_eq(allocation_size_of(p), 0);
}
END_TEST

START_TEST(reserve_hint_rounds_down_to_granularity)
{
	size_t ps = page_size();
	int tries;

	for (tries = 0; tries < 100; tries++) {
		char *p = free_range(3 * GRAN);
		/* Every page with a byte of [hint, hint + n): [p + GRAN, p + 2 GRAN). */
		char *q = VirtualAlloc(p + GRAN + ps, GRAN - ps, MEM_RESERVE, PAGE_NOACCESS);

		if (!q)
			continue; /* the hole was taken meanwhile: elsewhere */
		ck_assert_ptr_eq(q, p + GRAN);
		ck_assert_uint_eq(allocation_size_of(q), GRAN);
		ck_assert(VirtualFree(q, 0, MEM_RELEASE));
		return;
	}
	ck_abort_msg("no reservation at a hint in 100 tries");
}
END_TEST

START_TEST(commit_decommit_recommit)
{
	size_t ps = page_size(), i;
	char *p = VirtualAlloc(NULL, 4 * ps, MEM_RESERVE, PAGE_NOACCESS), *c;
	const DWORD st3[] = { MEM_RESERVE, MEM_COMMIT, MEM_RESERVE };
	const size_t sz3[] = { ps, 2 * ps, ps };
	const DWORD st4[] = { MEM_RESERVE, MEM_RESERVE, MEM_COMMIT, MEM_RESERVE };
	const size_t sz4[] = { ps, ps, ps, ps };

	ck_assert_ptr_nonnull(p);
	/* Every page with a byte of [p + ps + 1, p + 2 ps + 1): pages 1 and 2;
	 * the answer is the first of them. */
	c = VirtualAlloc(p + ps + 1, ps, MEM_COMMIT, PAGE_READWRITE);
	ck_assert_ptr_eq(c, p + ps);
	assert_runs(p, 4 * ps, st3, sz3, 3);
	ck_assert_uint_eq(committed_in(p, 4 * ps), 2 * ps);
	ck_assert_uint_eq(protect_at(p + ps), PAGE_READWRITE);
	ck_assert_uint_eq(protect_at(p + 3 * ps - 1), PAGE_READWRITE);
	ck_assert_uint_eq(protect_at(p), 0);
	ck_assert_ptr_eq(allocation_base_of(p + ps), p);
	ck_assert_uint_eq(region_size_at(p + ps), 2 * ps);
	for (i = ps; i < 3 * ps; i++)
		ck_assert_int_eq(p[i], 0); /* committed memory starts zeroed */
	memset(p + ps, 0xa5, 2 * ps);

	/* Decommit page 1: reserved again; page 2 keeps what it holds. */
	ck_assert(VirtualFree(p + ps, ps, MEM_DECOMMIT));
	assert_runs(p, 4 * ps, st4, sz4, 4);
	ck_assert_uint_eq(state_at(p + ps), MEM_RESERVE);
	ck_assert_uint_eq((unsigned char)p[2 * ps], 0xa5);
	ck_assert_uint_eq((unsigned char)p[3 * ps - 1], 0xa5);
	/* Decommitting pages that are not committed is no error. */
	ck_assert(VirtualFree(p, 2 * ps, MEM_DECOMMIT));
	ck_assert_uint_eq(committed_in(p, 4 * ps), ps);

	/* Committed again, page 1 is zero again. */
	ck_assert_ptr_eq(VirtualAlloc(p + ps, ps, MEM_COMMIT, PAGE_READWRITE), p + ps);
	for (i = ps; i < 2 * ps; i++)
		ck_assert_int_eq(p[i], 0);
	ck_assert_uint_eq(committed_in(p, 4 * ps), 2 * ps);

	/* Release takes the whole reservation, committed pages and all. */
	ck_assert(VirtualFree(p, 0, MEM_RELEASE));
	ck_assert_uint_eq(state_at(p), MEM_FREE);
	ck_assert_uint_eq(state_at(p + 2 * ps), MEM_FREE);
}
END_TEST

START_TEST(protect_changes_committed_pages_only)
{
	size_t ps = page_size();
	char *p = VirtualAlloc(NULL, 2 * ps, MEM_RESERVE, PAGE_NOACCESS);
	struct win_snapshot before, after;
	DWORD old = 0;

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_eq(VirtualAlloc(p, ps, MEM_COMMIT, PAGE_READWRITE), p);
	ck_assert(VirtualProtect(p, ps, PAGE_READONLY, &old));
	ck_assert_uint_eq(old, PAGE_READWRITE);
	ck_assert_uint_eq(protect_at(p), PAGE_READONLY);

	/* A range with a reserved page in it: refused, nothing changed. */
	win_snapshot_take(&before, p, 2 * ps);
	ck_assert_uint_eq(ERROR_OF(VirtualProtect(p, 2 * ps, PAGE_READWRITE, &old)),
			  ERROR_INVALID_ADDRESS);
	win_snapshot_take(&after, p, 2 * ps);
	ck_assert_snapshot_eq(&before, &after);

	ck_assert(VirtualFree(p, 0, MEM_RELEASE));
}
END_TEST

START_TEST(release_rules)
{
	char *p = VirtualAlloc(NULL, 2 * GRAN, MEM_RESERVE, PAGE_NOACCESS);
	struct win_snapshot before, after;

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_eq(VirtualAlloc(p + GRAN, page_size(), MEM_COMMIT, PAGE_READWRITE),
			 p + GRAN);
	win_snapshot_take(&before, p, 2 * GRAN);

	/* Not the reservation's base: 487, nothing changed. */
	ck_assert_uint_eq(ERROR_OF(VirtualFree(p + GRAN, 0, MEM_RELEASE)), ERROR_INVALID_ADDRESS);
	win_snapshot_take(&after, p, 2 * GRAN);
	ck_assert_snapshot_eq(&before, &after);

	/* A size with MEM_RELEASE (it releases the whole reservation or
	 * nothing): 87, nothing changed. */
	ck_assert_uint_eq(ERROR_OF(VirtualFree(p, GRAN, MEM_RELEASE)), ERROR_INVALID_PARAMETER);
	win_snapshot_take(&after, p, 2 * GRAN);
	ck_assert_snapshot_eq(&before, &after);

	ck_assert(VirtualFree(p, 0, MEM_RELEASE));
	ck_assert_uint_eq(state_at(p), MEM_FREE);
	ck_assert_uint_eq(state_at(p + GRAN), MEM_FREE);
}
END_TEST

START_TEST(decommit_across_two_reservations_is_refused)
{
	size_t ps = page_size();
	char *p = adjacent_reservations();
	struct win_snapshot before, after;

	ck_assert_ptr_eq(allocation_base_of(p + GRAN - 1), p);
	ck_assert_ptr_eq(allocation_base_of(p + GRAN), p + GRAN);
	ck_assert_ptr_eq(VirtualAlloc(p, GRAN, MEM_COMMIT, PAGE_READWRITE), p);
	ck_assert_ptr_eq(VirtualAlloc(p + GRAN, GRAN, MEM_COMMIT, PAGE_READWRITE), p + GRAN);
	win_snapshot_take(&before, p, 2 * GRAN);
	ck_assert_uint_eq(before.n, 2); /* two runs: one per reservation */

	ck_assert_uint_eq(ERROR_OF(VirtualFree(p + GRAN - ps, 2 * ps, MEM_DECOMMIT)),
			  ERROR_INVALID_PARAMETER);
	win_snapshot_take(&after, p, 2 * GRAN);
	ck_assert_snapshot_eq(&before, &after);
	ck_assert_uint_eq(committed_in(p, 2 * GRAN), 2 * GRAN);

	ck_assert(VirtualFree(p, 0, MEM_RELEASE));
	ck_assert(VirtualFree(p + GRAN, 0, MEM_RELEASE));
}
END_TEST

/* win_state.h's "nothing changed" must be able to fail: a snapshot sees a
 * commit, a protection change and a release in its range, and nothing
 * outside it. */
START_TEST(snapshot_sees_changes)
{
	size_t ps = page_size();
	char *p = VirtualAlloc(NULL, 4 * ps, MEM_RESERVE, PAGE_NOACCESS);
	struct win_snapshot a, b;
	DWORD old;

	ck_assert_ptr_nonnull(p);
	win_snapshot_take(&a, p, 4 * ps);
	ck_assert_uint_eq(a.n, 1);
	ck_assert_ptr_nonnull(VirtualAlloc(p + 2 * ps, ps, MEM_COMMIT, PAGE_READWRITE));
	win_snapshot_take(&b, p, 4 * ps);
	ck_assert_int_eq(win_snapshot_diff(&a, &b), 0);
	ck_assert_uint_eq(b.n, 3);
	ck_assert_uint_eq(b.run[1].base, (uintptr_t)(p + 2 * ps));
	ck_assert_uint_eq(b.run[1].protect, PAGE_READWRITE);
	ck_assert_uint_eq(b.run[1].allocation_base, (uintptr_t)p);

	win_snapshot_take(&a, p, 4 * ps);
	ck_assert(VirtualProtect(p + 2 * ps, ps, PAGE_READONLY, &old));
	win_snapshot_take(&b, p, 4 * ps);
	ck_assert_int_eq(win_snapshot_diff(&a, &b), 1);

	/* Outside the range: not seen. */
	win_snapshot_take(&a, p, 2 * ps);
	ck_assert(VirtualProtect(p + 2 * ps, ps, PAGE_READWRITE, &old));
	win_snapshot_take(&b, p, 2 * ps);
	ck_assert_snapshot_eq(&a, &b);

	win_snapshot_take(&a, p, 4 * ps);
	ck_assert(VirtualFree(p, 0, MEM_RELEASE));
	win_snapshot_take(&b, p, 4 * ps);
	ck_assert_int_eq(win_snapshot_diff(&a, &b), 0);
	ck_assert_uint_eq(b.run[0].state, MEM_FREE);
	ck_assert_uint_eq(b.run[0].allocation_base, 0);
}
END_TEST

START_TEST(bad_arguments)
{
	ck_assert_uint_eq(ERROR_OF(VirtualAlloc(NULL, 0, MEM_RESERVE, PAGE_NOACCESS)),
			  ERROR_INVALID_PARAMETER);
	ck_assert_uint_eq(ERROR_OF(VirtualAlloc(NULL, page_size(), 0, PAGE_NOACCESS)),
			  ERROR_INVALID_PARAMETER);
}
END_TEST

static Suite *smoke_suite(void)
{
	Suite *s = suite_create("win_smoke");
	TCase *tc = tcase_create("kernel32");

	tcase_add_test(tc, system_info);
	tcase_add_test(tc, reserve_is_aligned_and_inaccessible);
	tcase_add_test(tc, reserve_hint_rounds_down_to_granularity);
	tcase_add_test(tc, commit_decommit_recommit);
	tcase_add_test(tc, protect_changes_committed_pages_only);
	tcase_add_test(tc, release_rules);
	tcase_add_test(tc, decommit_across_two_reservations_is_refused);
	tcase_add_test(tc, snapshot_sees_changes);
	tcase_add_test(tc, bad_arguments);
	suite_add_tcase(s, tc);
	return s;
}

/* The canary: one test that fails, one that passes, run the way
 * run_suite runs them. */
START_TEST(canary_fails)
{
	ck_assert_int_eq(1, 2);
}
END_TEST

START_TEST(canary_passes)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

static int check_reports_failures(void)
{
	Suite *s = suite_create("canary");
	TCase *tc = tcase_create("canary");
	SRunner *r;
	TestResult **results;
	int run, failed, ok;

	tcase_add_test(tc, canary_fails);
	tcase_add_test(tc, canary_passes);
	suite_add_tcase(s, tc);
	r = srunner_create(s);
	srunner_set_fork_status(r, CK_NOFORK);
	srunner_run_all(r, CK_SILENT);
	run = srunner_ntests_run(r);
	failed = srunner_ntests_failed(r);
	results = srunner_failures(r);
	/* The message also shows Check's formatting of %jd works here. */
	ok = run == 2 && failed == 1 && results && tr_rtype(results[0]) == CK_FAILURE &&
	     strcmp(tr_msg(results[0]), "Assertion '1 == 2' failed: 1 == 1, 2 == 2") == 0;
	if (!ok)
		printf("Check without fork: %d tests run, %d failed (want 2 and 1): %s\n", run,
		       failed, results && failed ? tr_msg(results[0]) : "");
	free(results);
	srunner_free(r);
	return ok;
}

int main(void)
{
	if (!check_reports_failures())
		return EXIT_FAILURE;
	return run_suite(smoke_suite());
}
