/* Bad input to the VirtualAlloc layer (<rtmem/sys_windows.h>), Windows'
 * counterpart of test_badinput_sys.c (Linux's mmap layer). Every error the
 * header documents for rtm_sys_virtual_* and rtm_virtual_*, each case
 * through every way in, as the header promises the same answers from all
 * three: the raw rtm_sys_virtual_*, the hooked rtm_virtual_* with no
 * hooks, and rtm_virtual_* through a table that passes each call on to
 * rtm_sys_virtual_* (and counts it, so the test knows the table was
 * asked). Every bad call sits between two snapshots of state.h and must
 * change nothing: not the address space, not rtm_vm_stats. Then the hook
 * setters' own bad input (TESTING.md's rows for rtm_set_hooks).
 *
 * What no test here reaches under Wine, and why: RTM_ENOMEM for the
 * commit limit (Wine keeps no commit accounting), RTM_ENOSYS from
 * rtm_sys_virtual_alloc_aligned (Wine has VirtualAlloc2), RTM_ENOMEM from
 * rtm_sys_virtual_protect (the header names no case that gives it). */
#include "win_check.h" /* before anything includes <check.h>: it says why */

#include <stdint.h>
#include <string.h>

#include <windows.h>

#include <rtmem/sys.h>

#include "proc.h"
#include "state.h"
#include "suite.h"

#define GRAN ((size_t)64 << 10)

/* ---- the three ways in ---- */

static unsigned passed; /* calls the pass-through table saw */

static rtm_mmap_result p_alloc(void *ctx, void *addr, size_t n, unsigned long type,
                               unsigned long protect)
{
	(void)ctx;
	passed++;
	return rtm_sys_virtual_alloc(addr, n, type, protect);
}

static rtm_mmap_result p_alloc_aligned(void *ctx, size_t n, size_t align, unsigned long type,
                                       unsigned long protect)
{
	(void)ctx;
	passed++;
	return rtm_sys_virtual_alloc_aligned(n, align, type, protect);
}

static int p_free(void *ctx, void *addr, size_t n, unsigned long type)
{
	(void)ctx;
	passed++;
	return rtm_sys_virtual_free(addr, n, type);
}

static int p_protect(void *ctx, void *addr, size_t n, unsigned long protect, unsigned long *old)
{
	(void)ctx;
	passed++;
	return rtm_sys_virtual_protect(addr, n, protect, old);
}

static const struct rtm_hooks pass_through = { .virtual_alloc = p_alloc,
	                                       .virtual_alloc_aligned = p_alloc_aligned,
	                                       .virtual_free = p_free,
	                                       .virtual_protect = p_protect };

enum { W_SYS, W_HOOKED, W_TABLE, W_COUNT };

struct way {
	const char *name;
	rtm_mmap_result (*alloc)(void *addr, size_t n, unsigned long type, unsigned long protect);
	rtm_mmap_result (*alloc_aligned)(size_t n, size_t align, unsigned long type,
	                                 unsigned long protect);
	int (*free)(void *addr, size_t n, unsigned long type);
	int (*protect)(void *addr, size_t n, unsigned long protect, unsigned long *old);
	const struct rtm_hooks *hooks;
};

static const struct way ways[W_COUNT] = {
	{ "rtm_sys_virtual_*", rtm_sys_virtual_alloc, rtm_sys_virtual_alloc_aligned,
	  rtm_sys_virtual_free, rtm_sys_virtual_protect, NULL },
	{ "rtm_virtual_* without hooks", rtm_virtual_alloc, rtm_virtual_alloc_aligned,
	  rtm_virtual_free, rtm_virtual_protect, NULL },
	{ "rtm_virtual_* through a table", rtm_virtual_alloc, rtm_virtual_alloc_aligned,
	  rtm_virtual_free, rtm_virtual_protect, &pass_through },
};

static const struct way *way_begin(int i)
{
	passed = 0;
	ck_assert_ptr_null(rtm_set_hooks(ways[i].hooks));
	return &ways[i];
}

/* The table saw every call it should have: n of them through the table
 * (when the build routes through hooks), none otherwise. */
static void way_end(const struct way *w, unsigned n)
{
	rtm_set_hooks(NULL);
	ck_assert_uint_eq(passed, (w->hooks && rtm_hooks_enabled()) ? n : 0);
}

static void hooks_off(void)
{
	rtm_set_hooks(NULL);
}

/* ---- address space to try it on, made with kernel32 itself ---- */

static unsigned char *win_reserve(size_t n)
{
	unsigned char *p = VirtualAlloc(NULL, n, MEM_RESERVE, PAGE_NOACCESS);

	ck_assert_ptr_nonnull(p);
	return p;
}

static void win_release(void *p)
{
	ck_assert(VirtualFree(p, 0, MEM_RELEASE));
}

/* Two reservations of GRAN bytes, back to back (VirtualAlloc takes an
 * address it can as an order). */
static unsigned char *adjacent_pair(void)
{
	for (int tries = 0; tries < 100; tries++) {
		unsigned char *p = win_reserve(2 * GRAN), *a, *b;

		win_release(p);
		a = VirtualAlloc(p, GRAN, MEM_RESERVE, PAGE_NOACCESS);
		b = VirtualAlloc(p + GRAN, GRAN, MEM_RESERVE, PAGE_NOACCESS);
		if (a == p && b == p + GRAN)
			return p;
		if (a)
			win_release(a);
		if (b)
			win_release(b);
	}
	ck_abort_msg("no two adjacent reservations in 100 tries");
	return NULL;
}

/* Free address space: a reservation's place, released. */
static unsigned char *hole(void)
{
	unsigned char *h = win_reserve(GRAN);

	win_release(h);
	return h;
}

/* A reservation of GRAN bytes with free address space after it: half of
 * a larger one's place, taken again exactly. */
static unsigned char *before_a_hole(void)
{
	unsigned char *p = win_reserve(2 * GRAN);

	win_release(p);
	ck_assert_ptr_eq(VirtualAlloc(p, GRAN, MEM_RESERVE, PAGE_NOACCESS), p);
	ck_assert_uint_eq(state_at(p + GRAN), MEM_FREE);
	return p;
}

/* As many bytes as the whole user address space: no free run holds them
 * while this program is loaded in it. */
static size_t more_than_any_free_run(void)
{
	SYSTEM_INFO si;

	GetSystemInfo(&si);
	return ((uintptr_t)si.lpMaximumApplicationAddress - (uintptr_t)si.lpMinimumApplicationAddress +
	        1) & ~(GRAN - 1);
}

/* ---- VirtualAlloc ---- */

/* sys_windows.h: RTM_EINVAL for bad flags (no type, a type VirtualAlloc
 * does not take, an unknown bit), and by its table for what Windows
 * calls an invalid parameter: a protection that is none or two, a zero
 * length. */
START_TEST(alloc_with_bad_flags_or_protection_is_einval)
{
	const struct way *w = way_begin(_i);
	size_t ps = page_size();
	const struct {
		size_t n;
		unsigned long type, protect;
	} bad[] = {
		{ ps, 0, RTM_PAGE_NOACCESS },
		{ ps, RTM_MEM_RELEASE, RTM_PAGE_NOACCESS },
		{ ps, RTM_MEM_DECOMMIT, RTM_PAGE_NOACCESS },
		{ ps, RTM_MEM_RESERVE | 0x1, RTM_PAGE_NOACCESS },
		{ ps, RTM_MEM_RESERVE | RTM_MEM_RELEASE, RTM_PAGE_NOACCESS },
		{ ps, RTM_MEM_RESERVE, 0 },
		{ ps, RTM_MEM_RESERVE | RTM_MEM_COMMIT, RTM_PAGE_NOACCESS | RTM_PAGE_READWRITE },
		{ 0, RTM_MEM_RESERVE, RTM_PAGE_NOACCESS },
	};
	rtm_mmap_result r[sizeof bad / sizeof bad[0]];
	struct state s0, s1;

	s0 = state_now();
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
		r[k] = w->alloc(NULL, bad[k].n, bad[k].type, bad[k].protect);
	s1 = state_now();
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
		ck_assert_msg(r[k].err == RTM_EINVAL && r[k].addr == NULL,
		              "%s: alloc(%zu, type %#lx, protect %#lx) gave %p, %d", w->name, bad[k].n,
		              bad[k].type, bad[k].protect, r[k].addr, r[k].err);
	ASSERT_STATE_EQ(s1, s0);
	way_end(w, sizeof bad / sizeof bad[0]);
}
END_TEST

/* sys_windows.h: RTM_EINVAL for "a range that is not all reserved for
 * MEM_COMMIT": free address space, a range from one reservation into the
 * next, one from a reservation into free space. Nothing is committed,
 * not even the part that is reserved. */
START_TEST(commit_of_a_range_not_all_reserved_is_einval)
{
	const struct way *w = way_begin(_i);
	size_t ps = page_size();
	unsigned char *pair = adjacent_pair(), *alone = before_a_hole(), *h = hole();
	const struct {
		unsigned char *p;
		size_t n;
	} bad[] = {
		{ h, ps }, { pair + GRAN - ps, 2 * ps }, { pair, 2 * GRAN }, { alone, GRAN + ps },
	};
	rtm_mmap_result r[sizeof bad / sizeof bad[0]];
	struct state s0, s1;

	s0 = state_now();
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
		r[k] = w->alloc(bad[k].p, bad[k].n, RTM_MEM_COMMIT, RTM_PAGE_READWRITE);
	s1 = state_now();
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
		ck_assert_msg(r[k].err == RTM_EINVAL && r[k].addr == NULL,
		              "%s: commit %zu of %p gave %p, %d", w->name, bad[k].n, (void *)bad[k].p,
		              r[k].addr, r[k].err);
	ASSERT_STATE_EQ(s1, s0);
	ck_assert_uint_eq(committed_in(pair, 2 * GRAN), 0);
	ck_assert_uint_eq(committed_in(alone, GRAN), 0);
	way_end(w, sizeof bad / sizeof bad[0]);
	win_release(pair);
	win_release(pair + GRAN);
	win_release(alone);
}
END_TEST

/* sys_windows.h: RTM_EINVAL for "an address that cannot be reserved":
 * where a reservation is (its base, a page inside it: VirtualAlloc rounds
 * down to 64 KiB), and the top page, above the user address space. The
 * reservation there keeps its pages and contents. */
START_TEST(reserving_where_nothing_can_be_reserved_is_einval)
{
	const struct way *w = way_begin(_i);
	size_t ps = page_size();
	unsigned char *p = win_reserve(GRAN);
	void *const at[] = { p, p + ps, p + GRAN - ps, (void *)(UINTPTR_MAX & ~(uintptr_t)(ps - 1)) };
	rtm_mmap_result r[sizeof at / sizeof at[0]];
	struct state s0, s1;

	ck_assert_ptr_eq(VirtualAlloc(p, ps, MEM_COMMIT, PAGE_READWRITE), p);
	p[0] = 0x2b;
	s0 = state_now();
	for (size_t k = 0; k < sizeof at / sizeof at[0]; k++)
		r[k] = w->alloc(at[k], ps, RTM_MEM_RESERVE, RTM_PAGE_NOACCESS);
	s1 = state_now();
	for (size_t k = 0; k < sizeof at / sizeof at[0]; k++)
		ck_assert_msg(r[k].err == RTM_EINVAL && r[k].addr == NULL,
		              "%s: reserve at %p gave %p, %d", w->name, at[k], r[k].addr, r[k].err);
	ASSERT_STATE_EQ(s1, s0);
	ck_assert_str_eq(perms_at(p), "rw-p");
	ck_assert_uint_eq(p[0], 0x2b);
	way_end(w, sizeof at / sizeof at[0]);
	win_release(p);
}
END_TEST

/* sys_windows.h: RTM_ENOMEM for "no address space", from VirtualAlloc
 * and from VirtualAlloc2 alike: more than any free run holds. */
START_TEST(more_than_the_address_space_holds_is_enomem)
{
	const struct way *w = way_begin(_i);
	size_t n = more_than_any_free_run();
	rtm_mmap_result r[3];
	struct state s0, s1;

	s0 = state_now();
	r[0] = w->alloc(NULL, n, RTM_MEM_RESERVE, RTM_PAGE_NOACCESS);
	r[1] = w->alloc(NULL, n, RTM_MEM_RESERVE | RTM_MEM_COMMIT, RTM_PAGE_READWRITE);
	r[2] = w->alloc_aligned(n, 2 * GRAN, RTM_MEM_RESERVE, RTM_PAGE_NOACCESS);
	s1 = state_now();
	for (int k = 0; k < 3; k++)
		ck_assert_msg(r[k].err == RTM_ENOMEM && r[k].addr == NULL,
		              "%s: call %d of %zu bytes gave %p, %d", w->name, k, n, r[k].addr, r[k].err);
	ASSERT_STATE_EQ(s1, s0);
	way_end(w, 3);
}
END_TEST

/* ---- VirtualAlloc2 ---- */

/* sys_windows.h: align is "a power of two above the allocation
 * granularity", and otherwise the errors are VirtualAlloc's: an align
 * that is no power of two or below 64 KiB, a zero length, no type are
 * each RTM_EINVAL. */
START_TEST(aligned_alloc_with_a_bad_alignment_is_einval)
{
	const struct way *w = way_begin(_i);
	size_t ps = page_size();
	const struct {
		size_t n, align;
		unsigned long type;
	} bad[] = {
		{ GRAN, 3 * GRAN, RTM_MEM_RESERVE },     { GRAN, GRAN + ps, RTM_MEM_RESERVE },
		{ GRAN, ps, RTM_MEM_RESERVE },           { GRAN, GRAN / 2, RTM_MEM_RESERVE },
		{ 0, 2 * GRAN, RTM_MEM_RESERVE },        { GRAN, 2 * GRAN, 0 },
		{ GRAN, 2 * GRAN, RTM_MEM_RELEASE },
	};
	rtm_mmap_result r[sizeof bad / sizeof bad[0]];
	struct state s0, s1;

	s0 = state_now();
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
		r[k] = w->alloc_aligned(bad[k].n, bad[k].align, bad[k].type, RTM_PAGE_NOACCESS);
	s1 = state_now();
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
		ck_assert_msg(r[k].err == RTM_EINVAL && r[k].addr == NULL,
		              "%s: alloc_aligned(%zu, %zu, type %#lx) gave %p, %d", w->name, bad[k].n,
		              bad[k].align, bad[k].type, r[k].addr, r[k].err);
	ASSERT_STATE_EQ(s1, s0);
	way_end(w, sizeof bad / sizeof bad[0]);
}
END_TEST

/* ---- VirtualFree ---- */

/* sys_windows.h: RTM_EINVAL for "not a reservation's base, a range across
 * reservations, n not 0 with RTM_MEM_RELEASE"; also for free address
 * space and for a type that is neither or both. Nothing is released or
 * decommitted: not the first reservation of a decommit across two. */
START_TEST(free_of_what_is_not_a_reservation_is_einval)
{
	const struct way *w = way_begin(_i);
	size_t ps = page_size();
	unsigned char *p = win_reserve(2 * GRAN), *pair = adjacent_pair(), *h = hole();
	const struct {
		unsigned char *p;
		size_t n;
		unsigned long type;
	} bad[] = {
		{ p + ps, 0, RTM_MEM_RELEASE },
		{ p + GRAN, 0, RTM_MEM_RELEASE },
		{ p, ps, RTM_MEM_RELEASE },
		{ p, 2 * GRAN, RTM_MEM_RELEASE },
		{ pair + GRAN - ps, 2 * ps, RTM_MEM_DECOMMIT },
		{ pair, 2 * GRAN, RTM_MEM_DECOMMIT },
		{ h, 0, RTM_MEM_RELEASE },
		{ h, ps, RTM_MEM_DECOMMIT },
		{ p, ps, 0 },
		{ p, 0, RTM_MEM_DECOMMIT | RTM_MEM_RELEASE },
	};
	int err[sizeof bad / sizeof bad[0]];
	struct state s0, s1;

	ck_assert_ptr_eq(VirtualAlloc(p, 2 * GRAN, MEM_COMMIT, PAGE_READWRITE), p);
	ck_assert_ptr_eq(VirtualAlloc(pair, GRAN, MEM_COMMIT, PAGE_READWRITE), pair);
	ck_assert_ptr_eq(VirtualAlloc(pair + GRAN, GRAN, MEM_COMMIT, PAGE_READWRITE), pair + GRAN);
	memset(p, 0x19, 2 * GRAN);
	memset(pair, 0x1a, 2 * GRAN);
	s0 = state_now();
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
		err[k] = w->free(bad[k].p, bad[k].n, bad[k].type);
	s1 = state_now();
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
		ck_assert_msg(err[k] == RTM_EINVAL, "%s: free(%p, %zu, type %#lx) gave %d", w->name,
		              (void *)bad[k].p, bad[k].n, bad[k].type, err[k]);
	ASSERT_STATE_EQ(s1, s0);
	ck_assert_uint_eq(committed_in(p, 2 * GRAN), 2 * GRAN);
	ck_assert_uint_eq(committed_in(pair, 2 * GRAN), 2 * GRAN);
	ck_assert_uint_eq(p[2 * GRAN - 1], 0x19);
	ck_assert_uint_eq(pair[GRAN - 1], 0x1a);
	way_end(w, sizeof bad / sizeof bad[0]);
	win_release(p);
	win_release(pair);
	win_release(pair + GRAN);
}
END_TEST

/* ---- VirtualProtect ---- */

/* sys_windows.h: RTM_EINVAL for "pages not committed, a range across
 * reservations"; also for free address space and a protection that is
 * none or two. Every page keeps its protection. */
START_TEST(protect_of_what_is_not_committed_is_einval)
{
	const struct way *w = way_begin(_i);
	size_t ps = page_size();
	unsigned char *p = win_reserve(GRAN), *pair = adjacent_pair(), *h = hole();
	const struct {
		unsigned char *p;
		size_t n;
		unsigned long protect;
	} bad[] = {
		{ p + 2 * ps, ps, RTM_PAGE_READWRITE },      /* reserved */
		{ p + ps, 2 * ps, RTM_PAGE_NOACCESS },       /* committed, then reserved */
		{ pair + GRAN - ps, 2 * ps, RTM_PAGE_READWRITE }, /* two reservations */
		{ h, ps, RTM_PAGE_READWRITE },               /* free */
		{ p, ps, 0 },
		{ p, ps, RTM_PAGE_NOACCESS | RTM_PAGE_READWRITE },
	};
	unsigned long old[sizeof bad / sizeof bad[0]];
	int err[sizeof bad / sizeof bad[0]];
	struct state s0, s1;

	ck_assert_ptr_eq(VirtualAlloc(p, 2 * ps, MEM_COMMIT, PAGE_READWRITE), p);
	ck_assert_ptr_eq(VirtualAlloc(pair + GRAN - ps, ps, MEM_COMMIT, PAGE_READWRITE),
	                 pair + GRAN - ps);
	ck_assert_ptr_eq(VirtualAlloc(pair + GRAN, ps, MEM_COMMIT, PAGE_READWRITE), pair + GRAN);
	p[0] = 0x4d;
	s0 = state_now();
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
		err[k] = w->protect(bad[k].p, bad[k].n, bad[k].protect, &old[k]);
	s1 = state_now();
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
		ck_assert_msg(err[k] == RTM_EINVAL, "%s: protect(%p, %zu, %#lx) gave %d", w->name,
		              (void *)bad[k].p, bad[k].n, bad[k].protect, err[k]);
	ASSERT_STATE_EQ(s1, s0);
	ck_assert_str_eq(perms_at(p + ps), "rw-p");
	ck_assert_str_eq(perms_at(pair + GRAN - ps), "rw-p");
	ck_assert_str_eq(perms_at(pair + GRAN), "rw-p");
	ck_assert_uint_eq(p[0], 0x4d);
	way_end(w, sizeof bad / sizeof bad[0]);
	win_release(p);
	win_release(pair);
	win_release(pair + GRAN);
}
END_TEST

/* ---- VirtualQuery ---- */

/* sys_windows.h: "RTM_EINVAL for an address above the user address
 * space". Not a mapping call: there is no hooked way to it. */
START_TEST(query_above_the_user_address_space_is_einval)
{
	SYSTEM_INFO si;
	struct rtm_win_region r;
	struct state s0, s1;
	int err[3];

	GetSystemInfo(&si);
	s0 = state_now();
	err[0] = rtm_sys_virtual_query((char *)si.lpMaximumApplicationAddress + 1, &r);
	err[1] = rtm_sys_virtual_query((void *)(UINTPTR_MAX & ~(uintptr_t)(page_size() - 1)), &r);
	err[2] = rtm_sys_virtual_query((void *)UINTPTR_MAX, &r);
	s1 = state_now();
	for (int k = 0; k < 3; k++)
		ck_assert_msg(err[k] == RTM_EINVAL, "query %d gave %d", k, err[k]);
	ASSERT_STATE_EQ(s1, s0);
	/* The highest user address itself is answered. */
	ck_assert_int_eq(rtm_sys_virtual_query(si.lpMaximumApplicationAddress, &r), 0);
}
END_TEST

/* ---- the hook setters (sys.h) ---- */

static unsigned freed;

static int count_free(void *ctx, void *addr, size_t n, unsigned long type)
{
	(void)ctx;
	freed++;
	return rtm_sys_virtual_free(addr, n, type);
}

static const struct rtm_hooks free_only = { .virtual_free = count_free };

/* rtm_set_hooks returns the table it replaces: NULL at first, the same
 * table when it is set twice, and that table for NULL, which puts the
 * raw calls back. */
START_TEST(set_hooks_returns_the_table_it_replaces)
{
	ck_assert_ptr_null(rtm_get_hooks());
	ck_assert_ptr_null(rtm_set_hooks(&free_only));
	ck_assert_ptr_eq(rtm_set_hooks(&free_only), &free_only);
	ck_assert_ptr_eq(rtm_get_hooks(), &free_only);
	ck_assert_ptr_eq(rtm_set_hooks(NULL), &free_only);
	ck_assert_ptr_null(rtm_get_hooks());
	ck_assert_ptr_null(rtm_set_hooks(NULL));
}
END_TEST

/* A table's NULL members stay the raw calls; a table set to NULL is
 * asked no more. */
START_TEST(null_members_stay_raw_calls_and_a_removed_table_is_not_asked)
{
	size_t ps = page_size();
	rtm_mmap_result r;

	freed = 0;
	rtm_set_hooks(&free_only);
	r = rtm_virtual_alloc(NULL, GRAN, RTM_MEM_RESERVE, RTM_PAGE_NOACCESS);
	ck_assert_int_eq(r.err, 0);
	ck_assert_int_eq(rtm_virtual_alloc(r.addr, ps, RTM_MEM_COMMIT, RTM_PAGE_READWRITE).err, 0);
	ck_assert_int_eq(rtm_virtual_protect(r.addr, ps, RTM_PAGE_NOACCESS, NULL), 0);
	ck_assert_uint_eq(freed, 0);
	ck_assert_int_eq(rtm_virtual_free(r.addr, ps, RTM_MEM_DECOMMIT), 0);
	ck_assert_uint_eq(freed, 1);
	rtm_set_hooks(NULL);
	ck_assert_int_eq(rtm_virtual_free(r.addr, 0, RTM_MEM_RELEASE), 0);
	ck_assert_uint_eq(freed, 1);
	ck_assert_uint_eq(state_at(r.addr), MEM_FREE);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("badinput_virtual");
	TCase *tc = tcase_create("virtual");

	tcase_add_checked_fixture(tc, NULL, hooks_off);
	tcase_add_loop_test(tc, alloc_with_bad_flags_or_protection_is_einval, 0, W_COUNT);
	tcase_add_loop_test(tc, commit_of_a_range_not_all_reserved_is_einval, 0, W_COUNT);
	tcase_add_loop_test(tc, reserving_where_nothing_can_be_reserved_is_einval, 0, W_COUNT);
	tcase_add_loop_test(tc, more_than_the_address_space_holds_is_enomem, 0, W_COUNT);
	tcase_add_loop_test(tc, aligned_alloc_with_a_bad_alignment_is_einval, 0, W_COUNT);
	tcase_add_loop_test(tc, free_of_what_is_not_a_reservation_is_einval, 0, W_COUNT);
	tcase_add_loop_test(tc, protect_of_what_is_not_committed_is_einval, 0, W_COUNT);
	tcase_add_test(tc, query_above_the_user_address_space_is_einval);
	tcase_add_test(tc, set_hooks_returns_the_table_it_replaces);
	if (rtm_hooks_enabled())
		tcase_add_test(tc, null_members_stay_raw_calls_and_a_removed_table_is_not_asked);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
