/* The region lifecycle (Go: runtime/mem_linux.go): None -> Reserved ->
 * Ready and back, through the hooked entry points so hooks see it all. */
#include <stdatomic.h>

#include <rtmem/vm.h>

#include "raw.h"
#include "vm_internal.h"

#define RTM_PR_SET_VMA           0x53564d41
#define RTM_PR_SET_VMA_ANON_NAME 0

static _Atomic size_t rtm_reserved_bytes;
static _Atomic size_t rtm_committed_bytes;
/* Set once the kernel has said it has no MADV_FREE (before 4.5). */
static _Atomic int rtm_no_madv_free;

/* Takes n from *counter unless that would go below zero: releasing what
 * was never reserved is refused rather than wrapping the count. */
static int rtm_count_take(_Atomic size_t *counter, size_t n)
{
	size_t old = atomic_load_explicit(counter, memory_order_relaxed);
	size_t left;

	/* The subtraction's borrow is the test for old < n. */
	do {
		if (__builtin_sub_overflow(old, n, &left))
			return 0;
	} while (!atomic_compare_exchange_weak_explicit(counter, &old, left,
	                                                memory_order_relaxed,
	                                                memory_order_relaxed));
	return 1;
}

static void rtm_count_take_upto(_Atomic size_t *counter, size_t n)
{
	size_t old = atomic_load_explicit(counter, memory_order_relaxed);

	while (!atomic_compare_exchange_weak_explicit(counter, &old, old < n ? 0 : old - n,
	                                              memory_order_relaxed, memory_order_relaxed))
		;
}

static void rtm_count_give(_Atomic size_t *counter, size_t n)
{
	atomic_fetch_add_explicit(counter, n, memory_order_relaxed);
}

/* The page-rounded length of an existing range: page-aligned start,
 * non-empty, no wrap. 0 when it is not one (the callers' RTM_EINVAL): no
 * valid range rounds to 0. A length, not an error and an out parameter, so
 * that callers keep it in a register. */
static size_t rtm_range(void *p, size_t n)
{
	uintptr_t a = (uintptr_t)p;
	size_t mask = rtm_page_size() - 1;

	/* Once the start a is page aligned, rounding n up overflows, or a plus
	 * the rounded length wraps, exactly when a + n + mask would pass
	 * UINTPTR_MAX, that is when n - 1 >= UINTPTR_MAX - mask - a; n == 0
	 * makes n - 1 wrap to UINTPTR_MAX, so the same test refuses it.
	 * (a <= UINTPTR_MAX - mask, so the right side cannot go below zero.) */
	if ((a & mask) || n - 1 >= UINTPTR_MAX - mask - a)
		return 0;
	return (n + mask) & ~mask;
}

/* madvise over a range rtm_range measured; RTM_EINVAL for one it refused
 * (len 0), so that callers need not test len first. */
static int rtm_advise(void *p, size_t len, int advice)
{
	return len ? rtm_madvise(p, len, advice) : RTM_EINVAL;
}

/* 0 if every page of a measured range is mapped, else RTM_ENOMEM
 * (RTM_EINVAL for a refused range, as rtm_advise). mprotect and madvise
 * apply themselves to the mapped pages before they report a hole, so the
 * calls that change pages ask this first: a failure must leave the region
 * as it was. msync(MS_ASYNC) answers ENOMEM for a hole anywhere in the
 * range and changes nothing: it starts no writeback (since Linux 2.6.19),
 * leaves the advice, protections and contents of every page alone, and
 * takes the mmap lock only to read. Not a mapping call: hooks do not see
 * it. */
static int rtm_mapped(void *p, size_t len)
{
	if (!len)
		return RTM_EINVAL;
	return rtm_raw_err0(rtm_syscall3(RTM_NR_msync, (long)p, (long)len, RTM_MS_ASYNC));
}

/* Unmaps [lo, hi) unless it is empty: munmap refuses a zero length. */
static int rtm_unmap_span(uintptr_t lo, uintptr_t hi)
{
	return lo == hi ? 0 : rtm_munmap((void *)lo, hi - lo);
}

/* Member by member: clang -O0 turns a zero initializer of the struct into
 * a call to memset, which the libc-free core cannot link. */
static rtm_mmap_result rtm_result(void *addr, int err)
{
	rtm_mmap_result r;

	r.addr = addr;
	r.err = err;
	return r;
}

rtm_mmap_result rtm_reserve(void *hint, size_t n, size_t align)
{
	const int prot = RTM_PROT_NONE;
	const int flags = RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS | RTM_MAP_NORESERVE;
	rtm_mmap_result r;
	size_t ps = rtm_page_size();
	size_t len, span;
	uintptr_t base, start, end;
	int err = RTM_EINVAL;

	if (align == 0)
		align = ps;
	/* A power of two at least ps is one with no bit below ps set either
	 * (ps is a power of two): one test for both. */
	if (n == 0 || (align & ((align - 1) | (ps - 1))))
		goto fail;
	/* What to map: n in whole pages plus the slack that aligning may
	 * skip, align - ps. align is a multiple of ps, so rounding n + align
	 * - 1 down to whole pages gives both at once, and only that sum can
	 * overflow. */
	err = RTM_ENOMEM;
	if (__builtin_add_overflow(n, align - 1, &span))
		goto fail;
	span &= ~(ps - 1);
	len = span - (align - ps);

	/* Page alignment comes free; a larger one by asking for the slack
	 * and trimming both ends (Go: sysReserveAligned). The tail goes
	 * first; either order leaves the same. */
	r = rtm_mmap(hint, span, prot, flags, -1, 0);
	if (r.err)
		return r;
	base = (uintptr_t)r.addr;
	end = base + span;
	start = (base + align - 1) & ~(uintptr_t)(align - 1);
	err = rtm_unmap_span(start + len, end);
	if (!err) {
		end = start + len; /* the tail is gone: [base, end) is what is left */
		err = rtm_unmap_span(base, start);
	}
	if (err) {
		/* A trim failed (a hook can fail any call): give back all that
		 * is still mapped so that a failed reserve leaves nothing behind. */
		rtm_munmap((void *)base, end - base);
		goto fail;
	}
	rtm_count_give(&rtm_reserved_bytes, len);
	return rtm_result((void *)start, 0);
fail:
	return rtm_result(0, err);
}

int rtm_commit(void *p, size_t n)
{
	size_t len = rtm_range(p, n);
	int err = rtm_mapped(p, len);

	/* mprotect, not Go's MAP_FIXED remap: it fails with ENOMEM on a
	 * range that is not mapped instead of mapping over whatever is there.
	 * The charge is the same: under strict overcommit the reservation
	 * carries no VM_NORESERVE, and making it writable charges it. */
	return err ? err : rtm_vm_commit_mapped(p, len);
}

int rtm_vm_commit_mapped(void *p, size_t len)
{
	int err = rtm_mprotect(p, len, RTM_PROT_READ | RTM_PROT_WRITE);

	if (!err)
		rtm_count_give(&rtm_committed_bytes, len);
	return err;
}

int rtm_decommit(void *p, size_t n)
{
	size_t len = rtm_range(p, n);
	/* MAP_FIXED would map over a hole too. */
	int err = rtm_mapped(p, len);

	if (err)
		return err;
	/* Where the range carries no commit charge (overcommit.c), the
	 * mapping stays, and with it the huge page advice and the name:
	 * protection off first, so that a refusal (the mapping count limit)
	 * changes nothing, then the pages go. MADV_DONTNEED refuses locked
	 * pages (EINVAL); a new mapping in place takes them. */
	if (!rtm_vm_strict_overcommit()) {
		err = rtm_mprotect(p, len, RTM_PROT_NONE);
		if (err)
			return err;
		if (!rtm_madvise(p, len, RTM_MADV_DONTNEED)) {
			rtm_count_take_upto(&rtm_committed_bytes, len);
			return 0;
		}
	}
	return rtm_vm_decommit_mapped(p, len);
}

int rtm_vm_decommit_mapped(void *p, size_t len)
{
	const int flags = RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS | RTM_MAP_NORESERVE | RTM_MAP_FIXED;
	/* A fresh PROT_NONE mapping in place drops the pages and, unlike
	 * mprotect(PROT_NONE) on touched memory, the commit charge too; the
	 * old mapping's advice and name go with it. */
	rtm_mmap_result r = rtm_mmap(p, len, RTM_PROT_NONE, flags, -1, 0);

	/* Decommitting Reserved pages is allowed (Go's sysFault takes any
	 * range), so take back at most what is counted. */
	if (!r.err)
		rtm_count_take_upto(&rtm_committed_bytes, len);
	return r.err;
}

int rtm_purge(void *p, size_t n)
{
	size_t len = rtm_range(p, n);
	int err = rtm_mapped(p, len);

	return err ? err : rtm_madvise(p, len, RTM_MADV_DONTNEED);
}

int rtm_purge_lazy(void *p, size_t n)
{
	size_t len = rtm_range(p, n);
	int err = rtm_mapped(p, len);

	if (err)
		return err;
	if (!atomic_load_explicit(&rtm_no_madv_free, memory_order_relaxed)) {
		err = rtm_madvise(p, len, RTM_MADV_FREE);
		if (err != RTM_EINVAL)
			return err;
		/* The range is mapped, so EINVAL means either a kernel with
		 * no MADV_FREE (before 4.5) or memory MADV_FREE does not take
		 * (shared, file-backed, locked). The kernel validates the
		 * advice before it looks at the range, so a zero-length call
		 * tells which, and only the kernel's answer is remembered:
		 * one purge of shared memory must not switch the whole
		 * process to eager purges. */
		if (rtm_madvise(p, 0, RTM_MADV_FREE) == RTM_EINVAL)
			atomic_store_explicit(&rtm_no_madv_free, 1, memory_order_relaxed);
	}
	return rtm_madvise(p, len, RTM_MADV_DONTNEED);
}

int rtm_release_ready(void *p, size_t n, size_t ready)
{
	size_t len = rtm_range(p, n);
	int err;

	/* Refused before any call. (A refused range, len 0, is refused by
	 * rtm_mapped below.) */
	if (ready > len)
		return RTM_EINVAL;
	/* A hole means some of it was released already: the totals alone
	 * miss a double release while other regions keep them high. */
	err = rtm_mapped(p, len);
	if (err)
		return err == RTM_ENOMEM ? RTM_EINVAL : err;
	/* More than rtmem has reserved in all cannot all be rtmem's. */
	if (!rtm_count_take(&rtm_reserved_bytes, len))
		return RTM_EINVAL;
	err = rtm_munmap(p, len);
	if (err) {
		rtm_count_give(&rtm_reserved_bytes, len);
		return err;
	}
	/* The committed total is process-wide and per call (vm.h): an
	 * allowed decommit of another region's never-committed pages can
	 * leave it below what this region really holds, and that must not
	 * keep mapped memory from going back. So, as for the arena, at most
	 * what is counted. The ready part lies inside the checked range, so
	 * rtm_range measures it too: rounded like len, 0 for ready == 0. */
	rtm_count_take_upto(&rtm_committed_bytes, rtm_range(p, ready));
	return 0;
}

int rtm_vm_release_mapped(void *p, size_t len, size_t ready)
{
	int err = rtm_munmap(p, len);

	/* The caller's own reservation, counted when it was reserved and
	 * committed: taken from the totals once the kernel has unmapped it.
	 * Up to zero rather than refused: a stranger's rtm_decommit of
	 * never-committed pages can leave the committed total below what the
	 * caller holds, and that must not keep its memory mapped. */
	if (!err) {
		rtm_count_take_upto(&rtm_reserved_bytes, len);
		rtm_count_take_upto(&rtm_committed_bytes, ready);
	}
	return err;
}

int rtm_release(void *p, size_t n)
{
	return rtm_release_ready(p, n, 0);
}

int rtm_hugepage(void *p, size_t n, int on)
{
	return rtm_advise(p, rtm_range(p, n), on ? RTM_MADV_HUGEPAGE : RTM_MADV_NOHUGEPAGE);
}

int rtm_name(void *p, size_t n, const char *name)
{
	size_t len = rtm_range(p, n);

	return len ? rtm_vm_name_mapped(p, len, name) : RTM_EINVAL;
}

int rtm_vm_name_mapped(void *p, size_t len, const char *name)
{
	/* PR_SET_VMA answers 0 or -errno, like munmap. */
	return rtm_raw_err0(rtm_syscall5(RTM_NR_prctl, RTM_PR_SET_VMA, RTM_PR_SET_VMA_ANON_NAME,
	                                 (long)p, (long)len, (long)name));
}

struct rtm_vm_stats rtm_vm_stats(void)
{
	struct rtm_vm_stats s;

	s.reserved = atomic_load_explicit(&rtm_reserved_bytes, memory_order_relaxed);
	s.committed = atomic_load_explicit(&rtm_committed_bytes, memory_order_relaxed);
	return s;
}
