/* <rtmem/libc_hooks.h> — hooks that route through libc (Go: runtime/cgo/gcc_mmap.c).
 *
 * Hosted builds only, in its own library (librtmem_libc_hooks) so that the
 * core stays libc-free. Install it when something in the process needs to
 * see mappings through libc's symbols: AddressSanitizer, MemorySanitizer and
 * ThreadSanitizer intercept mmap/munmap and keep their shadow memory right
 * only for mappings they saw.
 *
 *     rtm_set_hooks(&rtm_libc_hooks);
 *
 * Each hook calls libc's mmap, munmap, mprotect or madvise and returns
 * errno as the value (errno itself is restored to what it was, so callers
 * see no change to it). Errors are libc's, which are the kernel's. Built
 * with MemorySanitizer, the madvise hook also marks the pages that
 * MADV_DONTNEED dropped as initialized (they read as zeros, or as the
 * file's contents), which MSan, seeing no madvise, would not.
 */
#ifndef RTMEM_LIBC_HOOKS_H
#define RTMEM_LIBC_HOOKS_H

#include "sys.h"

#ifdef __cplusplus
extern "C" {
#endif

extern const struct rtm_hooks rtm_libc_hooks;

#ifdef __cplusplus
}
#endif

#endif
