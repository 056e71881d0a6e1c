/* Internal: the OS backend of the region lifecycle, one per system, each
 * with the same static inline functions (Go: mem_linux.go, mem_windows.go
 * beside mem.go). sys/vm.c checks and counts; these make the OS calls.
 * rtm_reserve is each backend's own (reserve.c), after the shared checks
 * of vm_internal.h, since the systems find an aligned range so
 * differently.
 *
 *   rtm_os_granularity()             the alignment of every reservation
 *   rtm_os_mapped(p, len)            0 if all of it is Reserved or Ready,
 *                                    else RTM_ENOMEM; changes nothing
 *   rtm_os_commit(p, len)            Reserved or Ready -> Ready
 *   rtm_os_commit_own(p, len)        the same inside one reservation, in
 *                                    one call (the arena's)
 *   rtm_os_decommit(p, len)          -> Reserved, charge back, keeping the
 *                                    region's advice and name where it can
 *   rtm_os_decommit_replace(p, len)  -> Reserved in one call (the arena's)
 *   rtm_os_purge(p, len)             Ready, contents now zero
 *   rtm_os_purge_lazy(p, len)        Ready, contents undefined
 *   rtm_os_release_check(p, len)     0 if the OS can release [p, p + len)
 *                                    as one call, else RTM_EINVAL
 *   rtm_os_release(p, len)           -> None
 *   rtm_os_hugepage(p, len, on)      advice
 *   rtm_os_name(p, len, name)        a label in the OS's own listing
 *
 * p is page aligned and len page rounded and never 0; each answers 0 or a
 * positive errno and, where it fails, leaves the range as it was unless
 * its backend says otherwise. */
#ifndef RTM_SYS_VM_OS_H
#define RTM_SYS_VM_OS_H

#if defined(_WIN32)
#include "windows/vm_os.h"
#else
#include "linux/vm_os.h"
#endif

#endif
