/* One round of everything the sys and vm layers do, written to be called
 * from a signal handler: rtm calls, plain loads and stores, nothing from
 * libc. The mmap layer and the region lifecycle promise exactly that much:
 * no locks, no errno, no TLS. */
#ifndef TEST_SIGNALS_CHURN_H
#define TEST_SIGNALS_CHURN_H

#include <stdint.h>

#include <rtmem/sys.h>
#include <rtmem/vm.h>

#include "../vm/proc.h"

/* mmaps through the hooked entry points per round: rtm_mmap, the
 * reserve, and under strict overcommit the decommit's new mapping (vm.h).
 * A hook table counts exactly this many. Not for the handler: it reads
 * /proc through libc. */
#define CHURN_HOOKED_MMAPS (2 + overcommit_strict())

/* NULL when every call did what it should, else the first that did not.
 * mark tells the caller's pages from anyone else's. align_pages (a power
 * of two) shapes the region reserved: callers pass different ones so that
 * the trims before and after it both happen, whatever holes the kernel
 * picks. */
static inline const char *churn(size_t pg, unsigned char mark, size_t align_pages)
{
	/* Not a multiple of the alignment: the span left after trimming
	 * shifts from round to round, so the kernel's next hole does too. */
	const size_t region = 3 * align_pages + 1;
	volatile unsigned char *p;
	rtm_mmap_result r;

	r = rtm_mmap(NULL, 2 * pg, RTM_PROT_READ | RTM_PROT_WRITE,
	             RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS, -1, 0);
	if (r.err)
		return "rtm_mmap";
	p = r.addr;
	p[0] = mark;
	p[pg] = mark;
	if (rtm_mprotect(r.addr, pg, RTM_PROT_READ))
		return "rtm_mprotect";
	/* Private anonymous memory reads zero after DONTNEED. */
	if (rtm_madvise((char *)r.addr + pg, pg, RTM_MADV_DONTNEED) || p[pg] != 0)
		return "rtm_madvise";
	if (p[0] != mark)
		return "contents of a read-only page";
	if (rtm_munmap(r.addr, 2 * pg))
		return "rtm_munmap";

	r = rtm_sys_mmap(NULL, pg, RTM_PROT_READ | RTM_PROT_WRITE,
	                 RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS, -1, 0);
	if (r.err)
		return "rtm_sys_mmap";
	p = r.addr;
	p[pg - 1] = mark;
	if (rtm_sys_mprotect(r.addr, pg, RTM_PROT_NONE) || rtm_sys_munmap(r.addr, pg))
		return "rtm_sys_mprotect or rtm_sys_munmap";

	/* The region lifecycle: an aligned reserve trims with munmap, and
	 * the counters it keeps are atomics. */
	r = rtm_reserve(NULL, region * pg, align_pages * pg);
	if (r.err || (uintptr_t)r.addr % (align_pages * pg))
		return "rtm_reserve";
	p = r.addr;
	if (rtm_commit(r.addr, 4 * pg))
		return "rtm_commit";
	p[0] = mark;
	p[4 * pg - 1] = mark;
	if (rtm_purge(r.addr, pg) || p[0] != 0 || p[4 * pg - 1] != mark)
		return "rtm_purge";
	if (rtm_decommit(r.addr, 4 * pg))
		return "rtm_decommit";
	if (rtm_release(r.addr, region * pg))
		return "rtm_release";
	return NULL;
}

#endif
