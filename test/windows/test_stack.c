/* <rtmem/stack.h> on Windows: every field and default as VirtualQuery
 * sees them (a guard is MEM_RESERVE, a stack MEM_COMMIT PAGE_READWRITE),
 * stacks across two chunks, a cached stack handed out again with no OS
 * call (a recording hook table), keep_resident (QueryWorkingSetEx: on
 * Windows the purge is a decommit and a commit, so the stack stays
 * committed and what lay past keep_resident reads zero), RTM_STACK_ZERO,
 * the limit, bad releases, refused OS calls changing nothing, destroy
 * giving everything back, guards that fault (in a child process: this
 * program run again with --child <case>, as test_faults.c does), and
 * threads that hand stacks to each other with no stack ever owned twice. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <psapi.h>

#include <rtmem/stack.h>
#include <rtmem/vm.h>

#include "win_check.h"
#include "win_rec_hooks.h"
#include "win_child.h"
#include "win_state.h"
#include "win_suite.h"

#define KiB ((size_t)1 << 10)
#define MiB ((size_t)1 << 20)

/* With stacks this small a chunk holds a word's worth of slots (one bit
 * each in its free masks: mem/stack_internal.h). */
#define SLOTS (sizeof(uintptr_t) * 8)

/* ---- helpers ---- */

static size_t bytes_of(const struct rtm_stack *s)
{
	return (size_t)((char *)s->hi - (char *)s->lo);
}

/* Pages of [p, p + n) in the working set (resident), p page aligned. */
static size_t resident_pages(const void *p, size_t n)
{
	size_t ps = page_size(), k = 0;

	for (size_t off = 0; off < n; off += ps) {
		PSAPI_WORKING_SET_EX_INFORMATION w;

		w.VirtualAddress = (char *)(uintptr_t)p + off;
		ck_assert_msg(QueryWorkingSetEx(GetCurrentProcess(), &w, sizeof w),
		              "QueryWorkingSetEx: error %lu", (unsigned long)GetLastError());
		k += w.VirtualAttributes.Valid;
	}
	return k;
}

/* The offset of the first byte of [p, p + n) that is not v, or -1. */
static long first_not(const void *p, size_t n, unsigned char v)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != v)
			return (long)i;
	return -1;
}

static rtm_stack_pool *pool(size_t size, size_t guard, size_t keep, size_t limit,
                            unsigned flags)
{
	struct rtm_stack_config cfg = { size, guard, keep, limit, flags, NULL };
	rtm_stack_pool *p = rtm_stack_pool_create(&cfg);

	ck_assert_ptr_nonnull(p);
	return p;
}

static int stats_same(struct rtm_stack_stats a, struct rtm_stack_stats b)
{
	return a.acquired == b.acquired && a.cached == b.cached && a.reserved == b.reserved &&
	       a.committed == b.committed;
}

/* The pool's own reservations as VirtualQuery sees them: the header (the
 * pool pointer is its base) and the chunk that holds s. */
static size_t reserved_seen(const rtm_stack_pool *p, const struct rtm_stack *s)
{
	return allocation_size_of(p) + allocation_size_of(s->lo);
}

static size_t committed_seen(const rtm_stack_pool *p, const struct rtm_stack *s)
{
	const char *chunk = allocation_base_of(s->lo);

	return committed_in(p, allocation_size_of(p)) +
	       committed_in(chunk, allocation_size_of(chunk));
}

/* ---- fields and defaults ---- */

START_TEST(defaults_are_256k_stacks_one_guard_page_16k_kept)
{
	size_t ps = page_size();
	rtm_stack_pool *p = rtm_stack_pool_create(NULL);
	struct rtm_stack s;
	struct rtm_stack_stats st;
	char *lo;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(rtm_stack_acquire(p, &s), 0);
	lo = s.lo;
	ck_assert_uint_eq(bytes_of(&s), 256 * KiB);
	ck_assert_uint_eq((uintptr_t)lo % ps, 0);
	ck_assert_ptr_eq(s.sp, s.hi); /* x86 stacks grow down */
	ck_assert_uint_eq((uintptr_t)s.sp % 16, 0);
	/* The stack committed read-write, whole. */
	ck_assert_uint_eq(state_at(lo), MEM_COMMIT);
	ck_assert_uint_eq(protect_at(lo), PAGE_READWRITE);
	ck_assert_uint_eq(committed_in(lo, 256 * KiB), 256 * KiB);
	/* One guard page below, reserved in the stack's own reservation;
	 * below it the chunk's header (a stack's guard never borders on
	 * another guard). */
	ck_assert_uint_eq(state_at(lo - 1), MEM_RESERVE);
	ck_assert_uint_eq(committed_in(lo - ps, ps), 0);
	ck_assert_ptr_eq(allocation_base_of(lo - ps), allocation_base_of(lo));
	ck_assert_uint_eq(state_at(lo - ps - 1), MEM_COMMIT);
	/* The stats are what VirtualQuery sees. */
	st = rtm_stack_pool_stats(p);
	ck_assert_uint_eq(st.acquired, 1);
	ck_assert_uint_eq(st.cached, 0);
	ck_assert_uint_eq(st.reserved, reserved_seen(p, &s));
	ck_assert_uint_eq(st.committed, committed_seen(p, &s));
	/* 16 KiB kept at the top, where the stack started. */
	memset(lo, 1, 256 * KiB);
	ck_assert_int_eq(rtm_stack_release(p, &s), 0);
	ck_assert_uint_eq(resident_pages(lo, 256 * KiB), 16 * KiB / ps);
	ck_assert_uint_eq(resident_pages((char *)s.hi - 16 * KiB, 16 * KiB), 16 * KiB / ps);
	rtm_stack_pool_destroy(p);
}
END_TEST

START_TEST(fields_round_up_to_pages)
{
	size_t ps = page_size(), size = (100 * KiB + ps) & ~(ps - 1);
	struct rtm_stack_config cfg = { 100 * KiB + 1, 3 * ps - 5, 2 * ps + 1, 0, 0, "rtm-stacks" };
	rtm_stack_pool *p = rtm_stack_pool_create(&cfg);
	struct rtm_stack s;
	char *lo;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(rtm_stack_acquire(p, &s), 0);
	lo = s.lo;
	ck_assert_uint_eq(bytes_of(&s), size);
	ck_assert_uint_eq(committed_in(lo, size), size);
	ck_assert_uint_eq(protect_at((char *)s.hi - 1), PAGE_READWRITE);
	/* Three guard pages, reserved, and no more. */
	for (size_t g = 1; g <= 3; g++)
		ck_assert_uint_eq(state_at(lo - g * ps), MEM_RESERVE);
	ck_assert_uint_eq(committed_in(lo - 3 * ps, 3 * ps), 0);
	ck_assert_uint_eq(state_at(lo - 3 * ps - 1), MEM_COMMIT);
	/* Three pages kept: they keep their bytes, the rest reads zero. */
	memset(lo, 0x3c, size);
	ck_assert_int_eq(rtm_stack_release(p, &s), 0);
	ck_assert_uint_eq(resident_pages(lo, size), 3);
	ck_assert_int_eq(first_not((char *)s.hi - 3 * ps, 3 * ps, 0x3c), -1);
	ck_assert_int_eq(first_not(lo, size - 3 * ps, 0), -1);
	rtm_stack_pool_destroy(p);
}
END_TEST

START_TEST(bad_configurations_are_null_and_map_nothing)
{
	struct rtm_stack_config flags = { 0, 0, 0, 0, 0x2, NULL };
	struct rtm_stack_config huge_size = { SIZE_MAX, 0, 0, 0, 0, NULL };
	struct rtm_stack_config huge_sum = { SIZE_MAX / 2 + 1, SIZE_MAX / 2 + 1, 0, 0, 0, NULL };
	struct rtm_stack_config huge_keep = { 0, 0, SIZE_MAX, 0, 0, NULL };
	const struct rtm_stack_config *bad[] = { &flags, &huge_size, &huge_sum, &huge_keep };
	struct rtm_vm_stats v0 = rtm_vm_stats();

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(rtm_stack_pool_create(bad[i]) == NULL, "config %zu", i);
	ck_assert_uint_eq(rtm_vm_stats().reserved, v0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, v0.committed);
}
END_TEST

/* ---- chunks, destroy ---- */

/* A word's worth of stacks in one reservation, the next in a second; no
 * stack or guard overlaps another; destroy gives every byte back,
 * stacks acquired or cached. */
START_TEST(stacks_span_two_chunks_and_destroy_gives_all_back)
{
	static struct rtm_stack s[SLOTS + 1];
	size_t ps = page_size(), guard = 2 * ps, n = SLOTS + 1;
	struct rtm_vm_stats v0 = rtm_vm_stats();
	rtm_stack_pool *p = pool(64 * KiB, guard, 0, 0, 0);
	struct rtm_stack_stats st;
	void *first, *second;

	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(rtm_stack_acquire(p, &s[i]), 0);
	first = allocation_base_of(s[0].lo);
	second = allocation_base_of(s[SLOTS].lo);
	ck_assert_ptr_ne(first, second);
	for (size_t i = 0; i < SLOTS; i++)
		ck_assert_ptr_eq(allocation_base_of(s[i].lo), first);
	for (size_t i = 0; i < n; i++) {
		char *lo_i = (char *)s[i].lo - guard;

		ck_assert_uint_eq(committed_in(s[i].lo, 64 * KiB), 64 * KiB);
		ck_assert_uint_eq(committed_in(lo_i, guard), 0);
		for (size_t j = 0; j < i; j++) {
			char *lo_j = (char *)s[j].lo - guard;

			ck_assert_msg((char *)s[i].hi <= lo_j || (char *)s[j].hi <= lo_i,
			              "stacks %zu and %zu overlap (guards included)", i, j);
		}
	}
	st = rtm_stack_pool_stats(p);
	ck_assert_uint_eq(st.acquired, n);
	ck_assert_uint_eq(st.reserved, allocation_size_of(p) + allocation_size_of(first) +
	                                       allocation_size_of(second));
	ck_assert_uint_eq(st.committed, committed_in(p, allocation_size_of(p)) +
	                                        committed_in(first, allocation_size_of(first)) +
	                                        committed_in(second, allocation_size_of(second)));
	for (size_t i = 0; i < n; i += 2)
		ck_assert_int_eq(rtm_stack_release(p, &s[i]), 0);
	rtm_stack_pool_destroy(p);
	ck_assert_uint_eq(state_at(p), MEM_FREE);
	ck_assert_uint_eq(state_at(first), MEM_FREE);
	ck_assert_uint_eq(state_at(second), MEM_FREE);
	ck_assert_uint_eq(rtm_vm_stats().reserved, v0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, v0.committed);
}
END_TEST

/* ---- reuse, keep_resident, RTM_STACK_ZERO, the limit ---- */

START_TEST(a_cached_stack_comes_back_with_no_os_call)
{
	rtm_stack_pool *p = pool(64 * KiB, 0, 16 * KiB, 0, 0);
	struct rtm_stack a, b;
	char *top;

	ck_assert_int_eq(rtm_stack_acquire(p, &a), 0);
	top = (char *)a.hi - 16 * KiB;
	memset(top, 0x6e, 16 * KiB);
	/* A release past keep_resident: one decommit and one commit. */
	rec_begin(0, 0, 0);
	ck_assert_int_eq(rtm_stack_release(p, &a), 0);
	rec_end();
	ck_assert_uint_eq(rec.calls[H_FREE], 1);
	ck_assert_uint_eq(rec.calls[H_ALLOC], 1);
	ck_assert_uint_eq(rec_total(), 2);
	rec_begin(0, 0, 0);
	ck_assert_int_eq(rtm_stack_acquire(p, &b), 0);
	rec_end();
	ck_assert_uint_eq(rec_total(), 0);
	ck_assert_ptr_eq(b.lo, a.lo);
	ck_assert_ptr_eq(b.hi, a.hi);
	ck_assert_int_eq(first_not(top, 16 * KiB, 0x6e), -1);
	ck_assert_uint_eq(rtm_stack_pool_stats(p).cached, 0);
	rtm_stack_pool_destroy(p);
}
END_TEST

/* What a release leaves of a fully touched stack: all of it committed
 * (the purge commits again what it decommitted), keep_resident bytes at
 * the top resident with their contents, the rest not resident and
 * reading zero. */
START_TEST(release_keeps_keep_resident_and_zeroes_the_rest)
{
	size_t ps = page_size();
	rtm_stack_pool *p = pool(64 * KiB, 0, 16 * KiB, 0, 0);
	struct rtm_stack s, again;
	char *lo, *top;

	ck_assert_int_eq(rtm_stack_acquire(p, &s), 0);
	lo = s.lo;
	top = (char *)s.hi - 16 * KiB;
	memset(lo, 0x5c, 64 * KiB);
	ck_assert_uint_eq(resident_pages(lo, 64 * KiB), 64 * KiB / ps);
	ck_assert_int_eq(rtm_stack_release(p, &s), 0);
	ck_assert_uint_eq(committed_in(lo, 64 * KiB), 64 * KiB);
	ck_assert_uint_eq(protect_at(lo), PAGE_READWRITE);
	/* Residency first: reading a page brings it in. */
	ck_assert_uint_eq(resident_pages(top, 16 * KiB), 16 * KiB / ps);
	ck_assert_uint_eq(resident_pages(lo, 48 * KiB), 0);
	ck_assert_int_eq(first_not(top, 16 * KiB, 0x5c), -1);
	ck_assert_int_eq(first_not(lo, 48 * KiB, 0), -1);
	ck_assert_int_eq(rtm_stack_acquire(p, &again), 0);
	ck_assert_ptr_eq(again.lo, lo);
	rtm_stack_pool_destroy(p);
}
END_TEST

/* keep_resident of the whole stack (or more): release makes no OS call
 * and every byte stays. */
START_TEST(keep_resident_of_the_whole_stack_makes_release_free)
{
	rtm_stack_pool *p = pool(64 * KiB, 0, MiB, 0, 0);
	struct rtm_stack s;

	ck_assert_int_eq(rtm_stack_acquire(p, &s), 0);
	memset(s.lo, 0x21, 64 * KiB);
	rec_begin(0, 0, 0);
	ck_assert_int_eq(rtm_stack_release(p, &s), 0);
	rec_end();
	ck_assert_uint_eq(rec_total(), 0);
	ck_assert_uint_eq(resident_pages(s.lo, 64 * KiB), 64 * KiB / page_size());
	ck_assert_int_eq(first_not(s.lo, 64 * KiB, 0x21), -1);
	rtm_stack_pool_destroy(p);
}
END_TEST

START_TEST(stack_zero_hands_out_zeros)
{
	rtm_stack_pool *p = pool(64 * KiB, 0, 16 * KiB, 0, RTM_STACK_ZERO);
	struct rtm_stack s, again;

	ck_assert_int_eq(rtm_stack_acquire(p, &s), 0);
	ck_assert_int_eq(first_not(s.lo, 64 * KiB, 0), -1);
	memset(s.lo, 0xff, 64 * KiB);
	ck_assert_int_eq(rtm_stack_release(p, &s), 0);
	ck_assert_int_eq(rtm_stack_acquire(p, &again), 0);
	ck_assert_ptr_eq(again.lo, s.lo);
	ck_assert_int_eq(first_not(again.lo, 64 * KiB, 0), -1);
	rtm_stack_pool_destroy(p);
}
END_TEST

START_TEST(the_limit_refuses_with_enomem_and_no_os_call)
{
	rtm_stack_pool *p = pool(64 * KiB, 0, 0, 3, 0);
	struct rtm_stack s[3], extra;
	struct rtm_stack_stats st;

	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(rtm_stack_acquire(p, &s[i]), 0);
	st = rtm_stack_pool_stats(p);
	rec_begin(0, 0, 0);
	ck_assert_int_eq(rtm_stack_acquire(p, &extra), RTM_ENOMEM);
	rec_end();
	ck_assert_uint_eq(rec_total(), 0);
	ck_assert(stats_same(st, rtm_stack_pool_stats(p)));
	ck_assert_int_eq(rtm_stack_release(p, &s[1]), 0);
	ck_assert_int_eq(rtm_stack_acquire(p, &extra), 0);
	ck_assert_ptr_eq(extra.lo, s[1].lo);
	rtm_stack_pool_destroy(p);
}
END_TEST

/* ---- what must fail, and change nothing ---- */

START_TEST(bad_releases_are_einval_and_change_nothing)
{
	size_t ps = page_size(), slot = 64 * KiB + ps;
	rtm_stack_pool *p = pool(64 * KiB, 0, 0, 0, 0), *q = pool(64 * KiB, 0, 0, 0, 0);
	struct rtm_stack s, t, bad;
	struct rtm_stack_stats st;
	struct win_snapshot c0, c1;
	char *chunk;

	ck_assert_int_eq(rtm_stack_acquire(p, &s), 0);
	ck_assert_int_eq(rtm_stack_acquire(q, &t), 0);
	memset(s.lo, 0x44, 64 * KiB);
	chunk = allocation_base_of(s.lo);
	win_snapshot_take(&c0, chunk, allocation_size_of(chunk));
	st = rtm_stack_pool_stats(p);
	ck_assert_int_eq(rtm_stack_release(NULL, &s), RTM_EINVAL);
	ck_assert_int_eq(rtm_stack_release(p, NULL), RTM_EINVAL);
	ck_assert_int_eq(rtm_stack_release(p, &t), RTM_EINVAL); /* another pool's */
	bad = s;
	bad.lo = (char *)s.lo + ps; /* changed: each end, each way */
	ck_assert_int_eq(rtm_stack_release(p, &bad), RTM_EINVAL);
	bad = s;
	bad.hi = (char *)s.hi - ps;
	ck_assert_int_eq(rtm_stack_release(p, &bad), RTM_EINVAL);
	bad = s;
	bad.hi = (char *)s.hi + ps;
	ck_assert_int_eq(rtm_stack_release(p, &bad), RTM_EINVAL);
	/* The next slot, never handed out. */
	bad.lo = (char *)s.lo + slot;
	bad.hi = (char *)s.hi + slot;
	ck_assert_int_eq(rtm_stack_release(p, &bad), RTM_EINVAL);
	ck_assert(stats_same(st, rtm_stack_pool_stats(p)));
	win_snapshot_take(&c1, chunk, allocation_size_of(chunk));
	ck_assert_snapshot_eq(&c1, &c0);
	ck_assert_int_eq(first_not(s.lo, 64 * KiB, 0x44), -1);
	/* A second release of a cached stack. */
	ck_assert_int_eq(rtm_stack_release(p, &s), 0);
	st = rtm_stack_pool_stats(p);
	ck_assert_int_eq(rtm_stack_release(p, &s), RTM_EINVAL);
	ck_assert(stats_same(st, rtm_stack_pool_stats(p)));
	ck_assert_int_eq(rtm_stack_acquire(NULL, &s), RTM_EINVAL);
	ck_assert_int_eq(rtm_stack_acquire(p, NULL), RTM_EINVAL);
	rtm_stack_pool_destroy(q);
	rtm_stack_pool_destroy(p);
}
END_TEST

/* Each OS call of the first acquire refused in turn (the chunk's
 * reservation, its header's commit, slot 0's commit): RTM_ENOMEM, the
 * stats and the totals as before, the reservation given back. */
START_TEST(a_refused_chunk_leaves_nothing)
{
	static const struct {
		int op;
		unsigned long type;
		unsigned nth;
	} refuse[] = { { H_ALLOC, MEM_RESERVE, 1 }, { H_ALLOC, MEM_COMMIT, 1 },
		       { H_ALLOC, MEM_COMMIT, 2 } };
	rtm_stack_pool *p = pool(64 * KiB, 0, 0, 0, 0);
	struct rtm_stack s, untouched;

	for (size_t i = 0; i < sizeof refuse / sizeof refuse[0]; i++) {
		struct rtm_stack_stats st = rtm_stack_pool_stats(p);
		struct rtm_vm_stats v0 = rtm_vm_stats();
		int err;

		memset(&s, 0xee, sizeof s);
		untouched = s;
		rec_begin(refuse[i].op, refuse[i].type, refuse[i].nth);
		err = rtm_stack_acquire(p, &s);
		rec_end();
		ck_assert_msg(err == RTM_ENOMEM, "refusal %zu: %d", i, err);
		ck_assert(memcmp(&s, &untouched, sizeof s) == 0);
		ck_assert(stats_same(st, rtm_stack_pool_stats(p)));
		ck_assert_uint_eq(rtm_vm_stats().reserved, v0.reserved);
		ck_assert_uint_eq(rtm_vm_stats().committed, v0.committed);
		if (rec.reserved)
			ck_assert_uint_eq(state_at(rec.reserved), MEM_FREE);
	}
	ck_assert_int_eq(rtm_stack_acquire(p, &s), 0);
	rtm_stack_pool_destroy(p);
}
END_TEST

/* A fresh slot's commit refused: the chunk as it was, and the slot is
 * still there for the next acquire. */
START_TEST(a_refused_stack_commit_changes_nothing)
{
	rtm_stack_pool *p = pool(64 * KiB, 0, 0, 0, 0);
	struct rtm_stack a, b, untouched;
	struct rtm_stack_stats st;
	struct win_snapshot c0, c1;
	char *chunk;
	void *asked;

	ck_assert_int_eq(rtm_stack_acquire(p, &a), 0);
	chunk = allocation_base_of(a.lo);
	win_snapshot_take(&c0, chunk, allocation_size_of(chunk));
	st = rtm_stack_pool_stats(p);
	memset(&b, 0xee, sizeof b);
	untouched = b;
	rec_begin(H_ALLOC, MEM_COMMIT, 1);
	ck_assert_int_eq(rtm_stack_acquire(p, &b), RTM_ENOMEM);
	rec_end();
	asked = rec.commit_at;
	ck_assert_uint_eq(rec.commit_len, 64 * KiB);
	ck_assert(memcmp(&b, &untouched, sizeof b) == 0);
	ck_assert(stats_same(st, rtm_stack_pool_stats(p)));
	win_snapshot_take(&c1, chunk, allocation_size_of(chunk));
	ck_assert_snapshot_eq(&c1, &c0);
	/* The same slot, next time. */
	ck_assert_int_eq(rtm_stack_acquire(p, &b), 0);
	ck_assert_ptr_eq(b.lo, asked);
	rtm_stack_pool_destroy(p);
}
END_TEST

/* A release whose decommit is refused: the OS's error, and the stack
 * cached all the same, committed, its bytes as they were (stack.h). */
START_TEST(a_refused_purge_still_caches_the_stack)
{
	rtm_stack_pool *p = pool(64 * KiB, 0, 16 * KiB, 0, 0);
	struct rtm_stack s, again;
	struct rtm_stack_stats st;

	ck_assert_int_eq(rtm_stack_acquire(p, &s), 0);
	memset(s.lo, 0x71, 64 * KiB);
	st = rtm_stack_pool_stats(p);
	rec_begin(H_FREE, MEM_DECOMMIT, 1);
	ck_assert_int_eq(rtm_stack_release(p, &s), RTM_ENOMEM);
	rec_end();
	ck_assert_uint_eq(rtm_stack_pool_stats(p).acquired, st.acquired - 1);
	ck_assert_uint_eq(rtm_stack_pool_stats(p).cached, st.cached + 1);
	ck_assert_uint_eq(rtm_stack_pool_stats(p).committed, st.committed);
	ck_assert_uint_eq(committed_in(s.lo, 64 * KiB), 64 * KiB);
	ck_assert_int_eq(rtm_stack_acquire(p, &again), 0);
	ck_assert_ptr_eq(again.lo, s.lo);
	ck_assert_int_eq(first_not(again.lo, 64 * KiB, 0x71), -1);
	rtm_stack_pool_destroy(p);
}
END_TEST

/* A release whose purge's commit (the second half: decommit, then
 * commit) is refused: the pool commits the range again, so the stack is
 * cached, committed, reading zero past keep_resident. */
START_TEST(a_refused_recommit_is_made_good)
{
	rtm_stack_pool *p = pool(64 * KiB, 0, 16 * KiB, 0, RTM_STACK_ZERO);
	struct rtm_stack s, again;
	struct rtm_stack_stats st;

	ck_assert_int_eq(rtm_stack_acquire(p, &s), 0);
	memset(s.lo, 0x72, 64 * KiB);
	st = rtm_stack_pool_stats(p);
	rec_begin(H_ALLOC, MEM_COMMIT, 1);
	ck_assert_int_eq(rtm_stack_release(p, &s), RTM_ENOMEM);
	rec_end();
	ck_assert_uint_eq(rtm_stack_pool_stats(p).cached, st.cached + 1);
	ck_assert_uint_eq(rtm_stack_pool_stats(p).committed, st.committed);
	ck_assert_uint_eq(committed_in(s.lo, 64 * KiB), 64 * KiB);
	ck_assert_int_eq(rtm_stack_acquire(p, &again), 0);
	ck_assert_ptr_eq(again.lo, s.lo);
	ck_assert_int_eq(first_not(again.lo, 64 * KiB, 0), -1);
	rtm_stack_pool_destroy(p);
}
END_TEST

/* Every commit refused: the purged range cannot be made whole, so the
 * slot goes back unused and decommitted (stack.h), and the next acquire
 * commits it again. */
START_TEST(a_stack_that_cannot_be_made_whole_goes_back_unused)
{
	rtm_stack_pool *p = pool(64 * KiB, 0, 16 * KiB, 0, 0);
	struct rtm_stack s, again;
	struct rtm_stack_stats st;

	ck_assert_int_eq(rtm_stack_acquire(p, &s), 0);
	memset(s.lo, 0x73, 64 * KiB);
	st = rtm_stack_pool_stats(p);
	rec_begin(H_ALLOC, MEM_COMMIT, 0);
	ck_assert_int_eq(rtm_stack_release(p, &s), RTM_ENOMEM);
	rec_end();
	ck_assert_uint_eq(rtm_stack_pool_stats(p).acquired, st.acquired - 1);
	ck_assert_uint_eq(rtm_stack_pool_stats(p).cached, st.cached);
	ck_assert_uint_eq(rtm_stack_pool_stats(p).committed, st.committed - 64 * KiB);
	ck_assert_uint_eq(committed_in(s.lo, 64 * KiB), 0);
	ck_assert_int_eq(rtm_stack_acquire(p, &again), 0);
	ck_assert_ptr_eq(again.lo, s.lo);
	ck_assert_uint_eq(committed_in(again.lo, 64 * KiB), 64 * KiB);
	ck_assert_int_eq(first_not(again.lo, 64 * KiB, 0), -1);
	ck_assert_uint_eq(rtm_stack_pool_stats(p).committed, st.committed);
	rtm_stack_pool_destroy(p);
}
END_TEST

/* Every commit refused, and the decommit that would retire the slot too:
 * the slot is set aside (stack.h): released, never handed out again,
 * still counted as committed until destroy gives it all back. */
START_TEST(a_slot_neither_whole_nor_given_back_is_set_aside)
{
	struct rtm_vm_stats v0 = rtm_vm_stats();
	rtm_stack_pool *p = pool(64 * KiB, 0, 16 * KiB, 0, RTM_STACK_ZERO);
	struct rtm_stack s, again, bad;
	struct rtm_stack_stats st;

	ck_assert_int_eq(rtm_stack_acquire(p, &s), 0);
	memset(s.lo, 0x74, 64 * KiB);
	st = rtm_stack_pool_stats(p);
	rec_begin(H_ALLOC, MEM_COMMIT, 0);
	rec_also(H_FREE, MEM_DECOMMIT, 2);
	ck_assert_int_eq(rtm_stack_release(p, &s), RTM_ENOMEM);
	rec_end();
	ck_assert_uint_eq(rtm_stack_pool_stats(p).acquired, st.acquired - 1);
	ck_assert_uint_eq(rtm_stack_pool_stats(p).cached, st.cached);
	ck_assert_uint_eq(rtm_stack_pool_stats(p).committed, st.committed);
	/* Not handed out again, and not released twice. */
	bad = s;
	ck_assert_int_eq(rtm_stack_release(p, &bad), RTM_EINVAL);
	ck_assert_int_eq(rtm_stack_acquire(p, &again), 0);
	ck_assert_ptr_ne(again.lo, s.lo);
	ck_assert_int_eq(first_not(again.lo, 64 * KiB, 0), -1);
	ck_assert_int_eq(rtm_stack_release(p, &again), 0);
	rtm_stack_pool_destroy(p);
	ck_assert_uint_eq(rtm_vm_stats().reserved, v0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, v0.committed);
}
END_TEST

/* ---- guards fault: in a child process ---- */

#define CHILD_GUARD_PAGES 4


/* The second stack of a pool with a guard of several pages (the first
 * stack's top lies right past that guard's far end), touched whole;
 * cached: released and acquired again. */
static int child_stack(int cached, struct rtm_stack *out)
{
	struct rtm_stack_config cfg = { 64 * KiB, CHILD_GUARD_PAGES * page_size(), 16 * KiB, 0, 0,
		                        NULL };
	rtm_stack_pool *p = rtm_stack_pool_create(&cfg);
	struct rtm_stack first, s;

	if (!p || rtm_stack_acquire(p, &first) || rtm_stack_acquire(p, &s))
		return 0;
	memset(first.lo, 1, 64 * KiB);
	memset(s.lo, 1, 64 * KiB);
	if (cached && (rtm_stack_release(p, &s) || rtm_stack_acquire(p, &s)))
		return 0;
	*out = s;
	return 1;
}

static volatile char *at_lo(int cached)
{
	struct rtm_stack s;

	return child_stack(cached, &s) ? (char *)s.lo : NULL;
}

static volatile char *at_top(int cached)
{
	struct rtm_stack s;

	return child_stack(cached, &s) ? (char *)s.hi - 1 : NULL;
}

static volatile char *guard_nearest(int cached)
{
	struct rtm_stack s;

	return child_stack(cached, &s) ? (char *)s.lo - 1 : NULL;
}

static volatile char *guard_farthest(int cached)
{
	struct rtm_stack s;

	return child_stack(cached, &s) ? (char *)s.lo - CHILD_GUARD_PAGES * page_size() : NULL;
}

static const struct child_case {
	const char *name;
	volatile char *(*setup)(int cached);
	int cached;
	int expect;
} cases[] = {
	{ "stack-lo", at_lo, 0, CHILD_NO_FAULT },
	{ "stack-top", at_top, 0, CHILD_NO_FAULT },
	{ "guard-nearest", guard_nearest, 0, CHILD_FAULT_THERE },
	{ "guard-farthest", guard_farthest, 0, CHILD_FAULT_THERE },
	{ "cached-stack-lo", at_lo, 1, CHILD_NO_FAULT },
	{ "cached-guard-nearest", guard_nearest, 1, CHILD_FAULT_THERE },
	{ "cached-guard-farthest", guard_farthest, 1, CHILD_FAULT_THERE },
};
#define NCASES (sizeof cases / sizeof cases[0])

/* The child: set the case up, write its address once. */
static int child(const char *name)
{
	for (size_t i = 0; i < NCASES; i++)
		if (strcmp(cases[i].name, name) == 0)
			return win_child_touch(cases[i].setup(cases[i].cached));
	return CHILD_SETUP_FAILED;
}

START_TEST(the_guard_faults_and_the_stack_does_not)
{
	const struct child_case *c = &cases[_i];
	DWORD code = win_run_child(c->name);

	ck_assert_msg(code == (DWORD)c->expect, "%s: child exit %lu, expected %d", c->name,
	              (unsigned long)code, c->expect);
}
END_TEST

/* ---- threads ---- */

/* Each thread, for a fixed number of rounds: acquires two stacks, claims
 * each (an owner word at its top, set from 0 by compare-and-swap: a stack
 * handed to two owners at once fails the second claim), stamps it, takes
 * the stack its neighbour left in its mailbox (claimed from that
 * neighbour) and releases it, releases the first, and leaves the second
 * in the next thread's mailbox, or releases it when that one is full. A
 * limit below what the threads could hold at once makes some acquires
 * RTM_ENOMEM; the stacks held never exceed it. No thread runs more than
 * LEAD rounds ahead of the slowest (it yields until that one catches up):
 * else, on a loaded machine, each might run all its rounds within one
 * time slice, before the next even starts, and share nothing. */
#define THREADS 4
#define ROUNDS  1500
#define LIMIT   9
#define LEAD    2

struct mailbox {
	_Atomic int state; /* 0 empty, 1 being written or read, 2 full */
	long from;
	struct rtm_stack s;
};

static struct {
	rtm_stack_pool *p;
	struct mailbox box[THREADS];
	_Atomic long progress[THREADS]; /* rounds done */
	_Atomic long held, max_held;
	_Atomic long two_owners, bad_stamps, errors, enomem, handoffs;
} thr;

static _Atomic long *owner_of(const struct rtm_stack *s)
{
	return (_Atomic long *)((char *)s->hi - sizeof(long) * 2);
}

static void note_held(long d)
{
	long now = atomic_fetch_add(&thr.held, d) + d, max = atomic_load(&thr.max_held);

	while (now > max && !atomic_compare_exchange_weak(&thr.max_held, &max, now))
		;
}

/* Claims a stack for me from `from` (0: straight from the pool). */
static void claim(const struct rtm_stack *s, long from, long me)
{
	long expected = from;

	if (!atomic_compare_exchange_strong(owner_of(s), &expected, me))
		atomic_fetch_add(&thr.two_owners, 1);
	/* Stamps at both ends; the lower one lies past keep_resident. */
	((volatile long *)s->lo)[0] = me;
	((volatile long *)s->hi)[-1] = me;
}

static void give_back(const struct rtm_stack *s, long me)
{
	long expected = me;

	if (((volatile long *)s->lo)[0] != me || ((volatile long *)s->hi)[-1] != me)
		atomic_fetch_add(&thr.bad_stamps, 1);
	if (!atomic_compare_exchange_strong(owner_of(s), &expected, 0))
		atomic_fetch_add(&thr.two_owners, 1);
	note_held(-1);
	if (rtm_stack_release(thr.p, s))
		atomic_fetch_add(&thr.errors, 1);
}

static int take(struct rtm_stack *s, long me)
{
	int err = rtm_stack_acquire(thr.p, s);

	if (err) {
		atomic_fetch_add(err == RTM_ENOMEM ? &thr.enomem : &thr.errors, 1);
		return 0;
	}
	note_held(1);
	claim(s, 0, me);
	return 1;
}

static void wait_for_the_slowest(long round)
{
	for (int t = 0; t < THREADS; t++)
		while (atomic_load(&thr.progress[t]) < round - LEAD)
			SwitchToThread();
}

static DWORD WINAPI stack_thread(LPVOID arg)
{
	long me = (long)(intptr_t)arg, next = me % THREADS; /* me: 1..THREADS */
	struct mailbox *mine = &thr.box[me - 1], *theirs = &thr.box[next];

	for (int r = 0; r < ROUNDS; r++) {
		wait_for_the_slowest(r);
		struct rtm_stack a, b, got;
		int have_a = take(&a, me), have_b = take(&b, me), full = 2, empty = 0;

		if (atomic_compare_exchange_strong(&mine->state, &full, 1)) {
			got = mine->s;
			claim(&got, mine->from, me);
			atomic_store(&mine->state, 0);
			give_back(&got, me);
			atomic_fetch_add(&thr.handoffs, 1);
		}
		if (have_a)
			give_back(&a, me);
		if (have_b) {
			if (atomic_compare_exchange_strong(&theirs->state, &empty, 1)) {
				theirs->s = b;
				theirs->from = me;
				atomic_store(&theirs->state, 2);
			} else {
				give_back(&b, me);
			}
		}
		atomic_fetch_add(&thr.progress[me - 1], 1);
	}
	return 0;
}

/* As many acquires as stacks are counted cached (up to the limit: two
 * threads growing the pool at once may leave it a few slots more): each
 * comes from the cache (no commit, no new chunk: a slot whose cached bit
 * was lost in a race would be counted but never handed out), all
 * distinct. */
static void check_every_cached_stack_comes_back(const struct rtm_stack_stats *st)
{
	static struct rtm_stack s[LIMIT];
	size_t n = st->cached < LIMIT ? st->cached : LIMIT;
	struct rtm_stack_stats now;

	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(rtm_stack_acquire(thr.p, &s[i]), 0);
		for (size_t j = 0; j < i; j++)
			ck_assert_ptr_ne(s[i].lo, s[j].lo);
	}
	now = rtm_stack_pool_stats(thr.p);
	ck_assert_uint_eq(now.cached, st->cached - n);
	ck_assert_uint_eq(now.committed, st->committed);
	ck_assert_uint_eq(now.reserved, st->reserved);
}

START_TEST(threads_never_share_a_stack)
{
	HANDLE h[THREADS];
	struct rtm_stack_stats st;
	long two_owners, bad_stamps, errors, max_held, handoffs, held;

	memset(&thr, 0, sizeof thr);
	thr.p = pool(64 * KiB, 0, 16 * KiB, LIMIT, 0);
	for (long t = 0; t < THREADS; t++) {
		h[t] = CreateThread(NULL, 0, stack_thread, (LPVOID)(intptr_t)(t + 1), 0, NULL);
		ck_assert_ptr_nonnull(h[t]);
	}
	ck_assert_uint_eq(WaitForMultipleObjects(THREADS, h, TRUE, INFINITE), WAIT_OBJECT_0);
	for (int t = 0; t < THREADS; t++)
		CloseHandle(h[t]);
	/* What is still in a mailbox goes back from here. */
	for (int t = 0; t < THREADS; t++) {
		if (atomic_load(&thr.box[t].state) == 2) {
			claim(&thr.box[t].s, thr.box[t].from, THREADS + 1);
			give_back(&thr.box[t].s, THREADS + 1);
		}
	}
	for (int t = 0; t < THREADS; t++) {
		long done = atomic_load(&thr.progress[t]);

		ck_assert_int_eq(done, ROUNDS);
	}
	two_owners = atomic_load(&thr.two_owners);
	bad_stamps = atomic_load(&thr.bad_stamps);
	errors = atomic_load(&thr.errors);
	max_held = atomic_load(&thr.max_held);
	handoffs = atomic_load(&thr.handoffs);
	held = atomic_load(&thr.held);
	ck_assert_int_eq(two_owners, 0);
	ck_assert_int_eq(bad_stamps, 0);
	ck_assert_int_eq(errors, 0);
	ck_assert_int_le(max_held, LIMIT);
	ck_assert_int_gt(handoffs, 0);
	ck_assert_int_eq(held, 0);
	st = rtm_stack_pool_stats(thr.p);
	ck_assert_uint_eq(st.acquired, 0);
	ck_assert_uint_le(st.cached, LIMIT + THREADS);
	check_every_cached_stack_comes_back(&st);
	printf("threads: %d x %d rounds, %ld hand-offs, %ld acquires refused by the limit, "
	       "at most %ld stacks held, %zu cached\n",
	       THREADS, ROUNDS, handoffs, atomic_load(&thr.enomem), max_held, st.cached);
	rtm_stack_pool_destroy(thr.p);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s;
	TCase *tc;

	const char *name = win_child_name(argc, argv);

	if (name)
		return child(name);
	s = suite_create("win_stack");
	tc = tcase_create("stack");
	tcase_add_test(tc, defaults_are_256k_stacks_one_guard_page_16k_kept);
	tcase_add_test(tc, fields_round_up_to_pages);
	tcase_add_test(tc, bad_configurations_are_null_and_map_nothing);
	tcase_add_test(tc, stacks_span_two_chunks_and_destroy_gives_all_back);
	tcase_add_test(tc, release_keeps_keep_resident_and_zeroes_the_rest);
	tcase_add_test(tc, stack_zero_hands_out_zeros);
	tcase_add_test(tc, bad_releases_are_einval_and_change_nothing);
	tcase_add_loop_test(tc, the_guard_faults_and_the_stack_does_not, 0, (int)NCASES);
	tcase_add_test(tc, threads_never_share_a_stack);
	/* Through the hook table: OS calls counted and refused. */
	if (rtm_hooks_enabled()) {
		tcase_add_test(tc, a_cached_stack_comes_back_with_no_os_call);
		tcase_add_test(tc, keep_resident_of_the_whole_stack_makes_release_free);
		tcase_add_test(tc, the_limit_refuses_with_enomem_and_no_os_call);
		tcase_add_test(tc, a_refused_chunk_leaves_nothing);
		tcase_add_test(tc, a_refused_stack_commit_changes_nothing);
		tcase_add_test(tc, a_refused_purge_still_caches_the_stack);
		tcase_add_test(tc, a_refused_recommit_is_made_good);
		tcase_add_test(tc, a_stack_that_cannot_be_made_whole_goes_back_unused);
		tcase_add_test(tc, a_slot_neither_whole_nor_given_back_is_set_aside);
	}
	suite_add_tcase(s, tc);
	return run_suite(s);
}
