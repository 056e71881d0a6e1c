/* Internal: region calls for callers that already know their range is a
 * page-aligned, page-rounded part of their own reservation (the arena).
 * They skip the checks the public calls make for strangers' ranges. */
#ifndef RTM_SYS_VM_INTERNAL_H
#define RTM_SYS_VM_INTERNAL_H

#include <rtmem/vm.h>

#pragma GCC visibility push(hidden)

/* rtm_commit without the argument checks and without the hole check (one
 * madvise): a range inside a live reservation has no hole, so the commit
 * is the one mprotect. Same errors from the kernel, same accounting. */
int rtm_vm_commit_mapped(void *p, size_t len);

/* rtm_decommit, rtm_release_ready and rtm_name past their checks: the
 * operation and its accounting alone, for the caller's own reservation.
 * len and ready are page-rounded, ready <= len. Same errors from the
 * kernel. release_mapped takes len and ready from the totals (down to
 * zero at most) only once the kernel has unmapped the range.
 * decommit_mapped maps a new PROT_NONE range in place, one system call
 * that returns the pages and the commit charge under every overcommit
 * policy; the range loses its huge page advice and name, which the
 * caller (the arena) gives again. */
int rtm_vm_decommit_mapped(void *p, size_t len);
int rtm_vm_release_mapped(void *p, size_t len, size_t ready);
int rtm_vm_name_mapped(void *p, size_t len, const char *name);

/* Whether the kernel's overcommit policy is strict (vm.overcommit_memory
 * = 2, or unknown: no /proc), read once per process (overcommit.c). */
int rtm_vm_strict_overcommit(void);

#pragma GCC visibility pop

#endif
