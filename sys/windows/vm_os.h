/* Internal: the Windows half of the region lifecycle (Go: mem_windows.go).
 *
 * sys/vm.c checks the arguments and keeps the totals; these make the OS
 * calls, through the hooked entry points of <rtmem/sys_windows.h>, so an
 * installed hook sees every reservation, commit, decommit and release.
 * Ranges are page aligned and page rounded, len is never 0.
 *
 * One VirtualAlloc or VirtualFree cannot cross a reservation, so the calls
 * for strangers' ranges (regions.c) split the range by VirtualQuery and
 * roll back what they did when a later part fails; the arena's own calls,
 * inside one reservation, are one call each. */
#ifndef RTM_SYS_WINDOWS_VM_OS_H
#define RTM_SYS_WINDOWS_VM_OS_H

#include <rtmem/sys.h>
#include <rtmem/vm.h>

#pragma GCC visibility push(hidden)

size_t rtm_win_granularity(void);

/* regions.c: the calls on ranges that may span reservations. */
int rtm_os_mapped(void *p, size_t len);
int rtm_os_commit(void *p, size_t len);
int rtm_os_decommit(void *p, size_t len);
int rtm_os_purge(void *p, size_t len);
/* A purge is a decommit then a commit: refused halfway, part of the
 * range is left reserved. */
#define RTM_OS_PURGE_MAY_UNCOMMIT 1
int rtm_os_purge_lazy(void *p, size_t len);
int rtm_os_release_check(void *p, size_t len);

#pragma GCC visibility pop

static inline size_t rtm_os_granularity(void)
{
	return rtm_win_granularity();
}

/* Inside one reservation: one call. */
static inline int rtm_os_commit_own(void *p, size_t len)
{
	return rtm_virtual_alloc(p, len, RTM_MEM_COMMIT, RTM_PAGE_READWRITE).err;
}

/* MEM_DECOMMIT keeps the reservation and returns pages and charge. */
static inline int rtm_os_decommit_replace(void *p, size_t len)
{
	return rtm_virtual_free(p, len, RTM_MEM_DECOMMIT);
}

/* A whole reservation (rtm_os_release_check made sure of it). */
static inline int rtm_os_release(void *p, size_t len)
{
	(void)len;
	return rtm_virtual_free(p, 0, RTM_MEM_RELEASE);
}

/* Large pages need SeLockMemoryPrivilege and must be reserved and
 * committed in one call, never decommitted: nothing advice could reach. */
static inline int rtm_os_hugepage(void *p, size_t len, int on)
{
	(void)p;
	(void)len;
	(void)on;
	return RTM_EOPNOTSUPP;
}

/* Windows keeps no names for regions. */
static inline int rtm_os_name(void *p, size_t len, const char *name)
{
	(void)p;
	(void)len;
	(void)name;
	return RTM_EOPNOTSUPP;
}

#endif
