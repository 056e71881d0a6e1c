/* Internal: the Linux half of the region lifecycle (Go: mem_linux.go).
 *
 * sys/vm.c checks the arguments and keeps the totals; these make the OS
 * calls, through the hooked entry points of <rtmem/sys.h>, so an installed
 * hook sees every mapping. Ranges are page aligned and page rounded, len
 * is never 0. Every function answers 0 or a positive errno.
 *
 * Static inline: vm.c and the arena call them with no call in between,
 * which the freestanding demo's size counts. What keeps state lives in
 * .c files of this folder (purge.c, overcommit.c). */
#ifndef RTM_SYS_LINUX_VM_OS_H
#define RTM_SYS_LINUX_VM_OS_H

#include <rtmem/sys.h>
#include <rtmem/vm.h>

#include "raw.h"

#define RTM_PR_SET_VMA           0x53564d41
#define RTM_PR_SET_VMA_ANON_NAME 0

#pragma GCC visibility push(hidden)

/* overcommit.c: whether the policy is strict (vm.overcommit_memory = 2,
 * or unknown: no /proc), read once per process. */
int rtm_vm_strict_overcommit(void);

/* purge.c: MADV_FREE, with the fallback to MADV_DONTNEED that only the
 * kernel's answer switches on for good. */
int rtm_os_purge_lazy(void *p, size_t len);

#pragma GCC visibility pop

/* Every reservation is page aligned. */
static inline size_t rtm_os_granularity(void)
{
	return rtm_page_size();
}


/* Unmaps [lo, hi) unless it is empty: munmap refuses a zero length. */
static inline int rtm_os_unmap_span(uintptr_t lo, uintptr_t hi)
{
	return lo == hi ? 0 : rtm_munmap((void *)lo, hi - lo);
}

/* 0 if every page of the range is mapped, else RTM_ENOMEM. mprotect and
 * madvise apply themselves to the mapped pages before they report a hole,
 * so the calls that change pages ask this first: a failure must leave the
 * region as it was. msync(MS_ASYNC) answers ENOMEM for a hole anywhere in
 * the range and changes nothing: it starts no writeback (since Linux
 * 2.6.19), leaves the advice, protections and contents of every page
 * alone, and takes the mmap lock only to read. Not a mapping call: hooks
 * do not see it. */
static inline int rtm_os_mapped(void *p, size_t len)
{
	return rtm_raw_err0(rtm_syscall3(RTM_NR_msync, (long)p, (long)len, RTM_MS_ASYNC));
}

/* mprotect, not Go's MAP_FIXED remap: it fails with ENOMEM on a range
 * that is not mapped instead of mapping over whatever is there. The charge
 * is the same: under strict overcommit the reservation carries no
 * VM_NORESERVE, and making it writable charges it. */
static inline int rtm_os_commit(void *p, size_t len)
{
	return rtm_mprotect(p, len, RTM_PROT_READ | RTM_PROT_WRITE);
}

/* The arena's own range: the same one call. */
static inline int rtm_os_commit_own(void *p, size_t len)
{
	return rtm_os_commit(p, len);
}

/* A fresh PROT_NONE mapping in place drops the pages and, unlike
 * mprotect(PROT_NONE) on touched memory, the commit charge too; the old
 * mapping's huge page advice and name go with it. One call, under every
 * overcommit policy: the arena's own decommit, which dresses the range
 * again. */
static inline int rtm_os_decommit_replace(void *p, size_t len)
{
	const int flags = RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS | RTM_MAP_NORESERVE | RTM_MAP_FIXED;

	return rtm_mmap(p, len, RTM_PROT_NONE, flags, -1, 0).err;
}

/* rtm_decommit's: where the range carries no commit charge
 * (overcommit.c), the mapping stays, and with it the huge page advice and
 * the name: protection off first, so that a refusal (the mapping count
 * limit) changes nothing, then the pages go. MADV_DONTNEED refuses locked
 * pages (EINVAL); a new mapping in place takes them, as it does under
 * strict overcommit. */
static inline int rtm_os_decommit(void *p, size_t len)
{
	if (!rtm_vm_strict_overcommit()) {
		int err = rtm_mprotect(p, len, RTM_PROT_NONE);

		if (err)
			return err;
		if (!rtm_madvise(p, len, RTM_MADV_DONTNEED))
			return 0;
	}
	return rtm_os_decommit_replace(p, len);
}

/* Contents dropped, pages back now; private anonymous memory reads zero
 * afterwards (Go: sysUnused). One call: refused, the pages are as they
 * were, committed (RTM_OS_PURGE_MAY_UNCOMMIT 0). */
#define RTM_OS_PURGE_MAY_UNCOMMIT 0
static inline int rtm_os_purge(void *p, size_t len)
{
	return rtm_madvise(p, len, RTM_MADV_DONTNEED);
}

/* Linux unmaps any part of any mapping: nothing to check. */
static inline int rtm_os_release_check(void *p, size_t len)
{
	(void)p;
	(void)len;
	return 0;
}

static inline int rtm_os_release(void *p, size_t len)
{
	return rtm_munmap(p, len);
}

static inline int rtm_os_hugepage(void *p, size_t len, int on)
{
	return rtm_madvise(p, len, on ? RTM_MADV_HUGEPAGE : RTM_MADV_NOHUGEPAGE);
}

/* PR_SET_VMA answers 0 or -errno, like munmap. Not a mapping call. */
static inline int rtm_os_name(void *p, size_t len, const char *name)
{
	return rtm_raw_err0(rtm_syscall5(RTM_NR_prctl, RTM_PR_SET_VMA, RTM_PR_SET_VMA_ANON_NAME,
	                                 (long)p, (long)len, (long)name));
}

#endif
