/* Internal: region calls for callers that already know their range is a
 * page-aligned, page-rounded part of their own reservation (the arena).
 * They skip the checks the public calls make for strangers' ranges. */
#ifndef RTM_SYS_VM_INTERNAL_H
#define RTM_SYS_VM_INTERNAL_H

#include <stdatomic.h>

#include <rtmem/vm.h>

#include "vm_os.h"

#pragma GCC visibility push(hidden)

/* rtm_commit without the argument checks and without the hole check: a
 * range inside a live reservation has no hole, so the commit is the one
 * OS call. Same errors, same accounting. */
int rtm_vm_commit_mapped(void *p, size_t len);

/* rtm_decommit, rtm_release_ready and rtm_name past their checks: the
 * operation and its accounting alone, for the caller's own reservation.
 * len and ready are page-rounded, ready <= len. Same errors from the OS.
 * release_mapped takes len and ready from the totals (down to zero at
 * most) only once the OS has released the range. decommit_mapped is one
 * OS call that returns the pages and the commit charge under every
 * overcommit policy (on Linux a new PROT_NONE mapping in place); the
 * range may lose its huge page advice and name, which the caller (the
 * arena) gives again. */
int rtm_vm_decommit_mapped(void *p, size_t len);
int rtm_vm_release_mapped(void *p, size_t len, size_t ready);
int rtm_vm_name_mapped(void *p, size_t len, const char *name);

/* rtm_purge past its checks: the one OS call (two on Windows, a
 * decommit and a commit), for the caller's own committed range. */
static inline int rtm_vm_purge_mapped(void *p, size_t len)
{
	return rtm_os_purge(p, len);
}

/* The process-wide totals of rtm_vm_stats (vm.c), kept per call. */
extern _Atomic size_t rtm_vm_reserved_bytes;
extern _Atomic size_t rtm_vm_committed_bytes;

#pragma GCC visibility pop

/* Takes n from *counter unless that would go below zero: releasing what
 * was never reserved is refused rather than wrapping the count. */
static inline int rtm_vm_count_take(_Atomic size_t *counter, size_t n)
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

static inline void rtm_vm_count_take_upto(_Atomic size_t *counter, size_t n)
{
	size_t old = atomic_load_explicit(counter, memory_order_relaxed);

	while (!atomic_compare_exchange_weak_explicit(counter, &old, old < n ? 0 : old - n,
	                                              memory_order_relaxed, memory_order_relaxed))
		;
}

static inline void rtm_vm_count_give(_Atomic size_t *counter, size_t n)
{
	atomic_fetch_add_explicit(counter, n, memory_order_relaxed);
}

/* Member by member: clang -O0 turns a zero initializer of the struct into
 * a call to memset, which the libc-free core cannot link. */
static inline rtm_mmap_result rtm_vm_result(void *addr, int err)
{
	rtm_mmap_result r;

	r.addr = addr;
	r.err = err;
	return r;
}

/* rtm_reserve's checks, the same on every system (each backend's
 * reserve.c makes the OS calls): n bytes aligned to *align (0: the page
 * size ps) are *len bytes in whole pages; *span = *len + *align - ps
 * covers every place an aligned start can fall. 0, RTM_EINVAL (n == 0;
 * align not a power of two at least ps) or RTM_ENOMEM (the sum
 * overflows). */
static inline int rtm_vm_reserve_shape(size_t n, size_t ps, size_t *align, size_t *len,
                                       size_t *span)
{
	size_t a = *align ? *align : ps, s;

	/* A power of two at least ps is one with no bit below ps set either
	 * (ps is a power of two): one test for both. */
	if (n == 0 || (a & ((a - 1) | (ps - 1))))
		return RTM_EINVAL;
	/* What to map: n in whole pages plus the slack that aligning may
	 * skip, a - ps. a is a multiple of ps, so rounding n + a - 1 down to
	 * whole pages gives both at once, and only that sum can overflow. */
	if (__builtin_add_overflow(n, a - 1, &s))
		return RTM_ENOMEM;
	s &= ~(ps - 1);
	*align = a;
	*span = s;
	*len = s - (a - ps);
	return 0;
}

/* rtm_hugepage past its checks; errors as rtm_hugepage. */
static inline int rtm_vm_hugepage_mapped(void *p, size_t len, int on)
{
	return rtm_os_hugepage(p, len, on);
}

#endif
