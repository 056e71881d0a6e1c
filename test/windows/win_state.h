/* What Windows says about this process's address space, independent of
 * the code under test: VirtualQuery, and GetSystemInfo for the sizes. The
 * Windows suites assert with these what test/vm/proc.h asserts on Linux
 * with /proc/self/maps.
 *
 * VirtualQuery(p) describes the run of pages from p's page on that share
 * one state, protection, type and allocation (reservation): its
 * BaseAddress is p's page, its RegionSize goes to the end of that run.
 * Each helper answers for the page that holds p and fails the test when
 * VirtualQuery answers nothing (p past the highest user address).
 *
 *   state_at(p)            MEM_FREE, MEM_RESERVE or MEM_COMMIT
 *   protect_at(p)          PAGE_* of a committed page; 0 when reserved or free
 *   allocation_base_of(p)  the base of the reservation holding p; NULL when free
 *   region_size_at(p)      bytes from p's page to the end of its run
 *   allocation_size_of(p)  bytes of the whole reservation holding p
 *   committed_in(p, n)     committed bytes in [p, p + n)
 *   win_snapshot_take / ck_assert_snapshot_eq
 *                          every run of [p, p + n), to assert that a call
 *                          which failed changed nothing there */
#ifndef TEST_WINDOWS_WIN_STATE_H
#define TEST_WINDOWS_WIN_STATE_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>

#include "win_check.h"

static inline SYSTEM_INFO win_system_info(void)
{
	SYSTEM_INFO si;

	GetSystemInfo(&si);
	return si;
}

static inline size_t page_size(void)
{
	return win_system_info().dwPageSize;
}

/* What reservations are aligned to, and what their base is rounded down to. */
static inline size_t alloc_granularity(void)
{
	return win_system_info().dwAllocationGranularity;
}

static inline MEMORY_BASIC_INFORMATION win_query(const void *p)
{
	MEMORY_BASIC_INFORMATION m;
	SIZE_T got = VirtualQuery(p, &m, sizeof m);

	ck_assert_msg(got == sizeof m, "VirtualQuery(%p) answered nothing: error %lu", p,
		      (unsigned long)GetLastError());
	return m;
}

static inline DWORD state_at(const void *p)
{
	return win_query(p).State;
}

static inline DWORD protect_at(const void *p)
{
	MEMORY_BASIC_INFORMATION m = win_query(p);

	return m.State == MEM_COMMIT ? m.Protect : 0;
}

static inline void *allocation_base_of(const void *p)
{
	MEMORY_BASIC_INFORMATION m = win_query(p);

	return m.State == MEM_FREE ? NULL : m.AllocationBase;
}

static inline size_t region_size_at(const void *p)
{
	return win_query(p).RegionSize;
}

/* 0 when p is in no reservation. */
static inline size_t allocation_size_of(const void *p)
{
	MEMORY_BASIC_INFORMATION m = win_query(p);
	const char *base = m.AllocationBase, *at = base;

	if (m.State == MEM_FREE)
		return 0;
	for (;;) {
		m = win_query(at);
		if (m.State == MEM_FREE || m.AllocationBase != base)
			return (size_t)(at - base);
		at = (const char *)m.BaseAddress + m.RegionSize;
	}
}

static inline size_t committed_in(const void *p, size_t n)
{
	uintptr_t at = (uintptr_t)p, end = at + n;
	size_t bytes = 0;

	while (at < end) {
		MEMORY_BASIC_INFORMATION m = win_query((const void *)at);
		uintptr_t next = (uintptr_t)m.BaseAddress + m.RegionSize;

		if (next > end)
			next = end;
		if (m.State == MEM_COMMIT)
			bytes += next - at;
		at = next;
	}
	return bytes;
}

/* One run of pages, clipped to the snapshot's range. */
struct win_run {
	uintptr_t base, size, allocation_base;
	DWORD state, protect, type;
};

#define WIN_SNAPSHOT_RUNS 64

/* The runs of [lo, hi) in address order. */
struct win_snapshot {
	uintptr_t lo, hi;
	size_t n;
	struct win_run run[WIN_SNAPSHOT_RUNS];
};

static inline void win_snapshot_take(struct win_snapshot *s, const void *p, size_t n)
{
	uintptr_t at = (uintptr_t)p;

	s->lo = at;
	s->hi = at + n;
	s->n = 0;
	while (at < s->hi) {
		MEMORY_BASIC_INFORMATION m = win_query((const void *)at);
		uintptr_t next = (uintptr_t)m.BaseAddress + m.RegionSize;
		struct win_run *r;

		ck_assert_msg(s->n < WIN_SNAPSHOT_RUNS, "more than %d runs in [%p, %p)",
			      WIN_SNAPSHOT_RUNS, p, (void *)s->hi);
		if (next > s->hi)
			next = s->hi;
		r = &s->run[s->n++];
		r->base = at;
		r->size = next - at;
		r->state = m.State;
		/* What VirtualQuery puts in the other fields of a free run, and
		 * in Protect for a reserved one, is no state of the range. */
		r->allocation_base = m.State == MEM_FREE ? 0 : (uintptr_t)m.AllocationBase;
		r->protect = m.State == MEM_COMMIT ? m.Protect : 0;
		r->type = m.State == MEM_FREE ? 0 : m.Type;
		at = next;
	}
}

/* The index of the first run that differs, or -1 when a and b are alike. */
static inline long win_snapshot_diff(const struct win_snapshot *a, const struct win_snapshot *b)
{
	size_t i;

	for (i = 0; i < a->n && i < b->n; i++) {
		const struct win_run *x = &a->run[i], *y = &b->run[i];

		if (x->base != y->base || x->size != y->size || x->state != y->state ||
		    x->protect != y->protect || x->type != y->type ||
		    x->allocation_base != y->allocation_base)
			return (long)i;
	}
	return a->n == b->n && a->lo == b->lo && a->hi == b->hi ? -1 : (long)i;
}

static inline const char *win_state_name(DWORD state)
{
	switch (state) {
	case MEM_FREE: return "free";
	case MEM_RESERVE: return "reserved";
	case MEM_COMMIT: return "committed";
	default: return "?";
	}
}

/* Fails the test at the first run of the range that differs between two
 * snapshots, naming it in both. */
#define ck_assert_snapshot_eq(a, b)                                                        \
	do {                                                                               \
		const struct win_snapshot *sa_ = (a), *sb_ = (b);                          \
		long d_ = win_snapshot_diff(sa_, sb_);                                     \
		const struct win_run *ra_ = (size_t)d_ < sa_->n ? &sa_->run[d_] : NULL;    \
		const struct win_run *rb_ = (size_t)d_ < sb_->n ? &sb_->run[d_] : NULL;    \
		ck_assert_msg(d_ < 0,                                                      \
			      "run %ld of [%p, %p) differs: %s %p+%#lx %s prot %#lx, "     \
			      "then %s %p+%#lx %s prot %#lx",                              \
			      d_, (void *)sa_->lo, (void *)sa_->hi, #a,                    \
			      ra_ ? (void *)ra_->base : NULL,                              \
			      ra_ ? (unsigned long)ra_->size : 0UL,                        \
			      ra_ ? win_state_name(ra_->state) : "(none)",                 \
			      ra_ ? (unsigned long)ra_->protect : 0UL, #b,                 \
			      rb_ ? (void *)rb_->base : NULL,                              \
			      rb_ ? (unsigned long)rb_->size : 0UL,                        \
			      rb_ ? win_state_name(rb_->state) : "(none)",                 \
			      rb_ ? (unsigned long)rb_->protect : 0UL);                    \
	} while (0)

#endif
