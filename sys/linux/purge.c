/* Lazy purges (Go: sysUnused with GODEBUG=madvdontneed=0): MADV_FREE,
 * and MADV_DONTNEED where the kernel has no MADV_FREE (before 4.5) or the
 * memory is of a kind MADV_FREE does not take. */
#include <stdatomic.h>

#include "vm_os.h"

/* Set once the kernel has said it has no MADV_FREE. */
static _Atomic int rtm_no_madv_free;

int rtm_os_purge_lazy(void *p, size_t len)
{
	if (!atomic_load_explicit(&rtm_no_madv_free, memory_order_relaxed)) {
		int err = rtm_madvise(p, len, RTM_MADV_FREE);

		if (err != RTM_EINVAL)
			return err;
		/* The range is mapped (the caller checked), so EINVAL means
		 * either a kernel with no MADV_FREE or memory MADV_FREE does
		 * not take (shared, file-backed, locked). The kernel
		 * validates the advice before it looks at the range, so a
		 * zero-length call tells which, and only the kernel's answer
		 * is remembered: one purge of shared memory must not switch
		 * the whole process to eager purges. */
		if (rtm_madvise(p, 0, RTM_MADV_FREE) == RTM_EINVAL)
			atomic_store_explicit(&rtm_no_madv_free, 1, memory_order_relaxed);
	}
	return rtm_madvise(p, len, RTM_MADV_DONTNEED);
}
