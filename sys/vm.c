/* The region lifecycle (Go: runtime/mem.go): None -> Reserved -> Ready
 * and back. What is the same on every system lives here: the argument
 * checks, the state machine and the process-wide totals. The OS calls are
 * the backend's (vm_os.h: linux/vm_os.h, windows/vm_os.h), which makes
 * them through the hooked entry points so hooks see it all. */
#include <stdatomic.h>

#include <rtmem/vm.h>

#include "vm_internal.h"
#include "vm_os.h"

_Atomic size_t rtm_vm_reserved_bytes;
_Atomic size_t rtm_vm_committed_bytes;

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

/* 0 if every page of a measured range is mapped (the backend asks the OS
 * without changing anything), else RTM_ENOMEM; RTM_EINVAL for a refused
 * range (len 0), so that callers need not test len first. */
static int rtm_mapped(void *p, size_t len)
{
	return len ? rtm_os_mapped(p, len) : RTM_EINVAL;
}

size_t rtm_alloc_granularity(void)
{
	return rtm_os_granularity();
}

int rtm_commit(void *p, size_t n)
{
	size_t len = rtm_range(p, n);
	int err = rtm_mapped(p, len);

	if (!err)
		err = rtm_os_commit(p, len);
	if (!err)
		rtm_vm_count_give(&rtm_vm_committed_bytes, len);
	return err;
}

int rtm_vm_commit_mapped(void *p, size_t len)
{
	int err = rtm_os_commit_own(p, len);

	if (!err)
		rtm_vm_count_give(&rtm_vm_committed_bytes, len);
	return err;
}

/* Decommitting Reserved pages is allowed (Go's sysFault takes any range),
 * so both decommits take back at most what is counted. */
int rtm_decommit(void *p, size_t n)
{
	size_t len = rtm_range(p, n);
	int err = rtm_mapped(p, len);

	if (!err)
		err = rtm_os_decommit(p, len);
	if (!err)
		rtm_vm_count_take_upto(&rtm_vm_committed_bytes, len);
	return err;
}

int rtm_vm_decommit_mapped(void *p, size_t len)
{
	int err = rtm_os_decommit_replace(p, len);

	if (!err)
		rtm_vm_count_take_upto(&rtm_vm_committed_bytes, len);
	return err;
}

int rtm_purge(void *p, size_t n)
{
	size_t len = rtm_range(p, n);
	int err = rtm_mapped(p, len);

	return err ? err : rtm_os_purge(p, len);
}

int rtm_purge_lazy(void *p, size_t n)
{
	size_t len = rtm_range(p, n);
	int err = rtm_mapped(p, len);

	return err ? err : rtm_os_purge_lazy(p, len);
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
	 * miss a double release while other regions keep them high. The
	 * backend refuses what its OS cannot release as asked (Windows:
	 * anything but a whole reservation). */
	err = rtm_mapped(p, len);
	if (!err)
		err = rtm_os_release_check(p, len);
	if (err)
		return err == RTM_ENOMEM ? RTM_EINVAL : err;
	/* More than rtmem has reserved in all cannot all be rtmem's. */
	if (!rtm_vm_count_take(&rtm_vm_reserved_bytes, len))
		return RTM_EINVAL;
	err = rtm_os_release(p, len);
	if (err) {
		rtm_vm_count_give(&rtm_vm_reserved_bytes, len);
		return err;
	}
	/* The committed total is process-wide and per call (vm.h): an
	 * allowed decommit of another region's never-committed pages can
	 * leave it below what this region really holds, and that must not
	 * keep mapped memory from going back. So, as for the arena, at most
	 * what is counted. The ready part lies inside the checked range, so
	 * rtm_range measures it too: rounded like len, 0 for ready == 0. */
	rtm_vm_count_take_upto(&rtm_vm_committed_bytes, rtm_range(p, ready));
	return 0;
}

int rtm_vm_release_mapped(void *p, size_t len, size_t ready)
{
	int err = rtm_os_release(p, len);

	/* The caller's own reservation, counted when it was reserved and
	 * committed: taken from the totals once the OS has released it. Up
	 * to zero rather than refused: a stranger's rtm_decommit of
	 * never-committed pages can leave the committed total below what the
	 * caller holds, and that must not keep its memory mapped. */
	if (!err) {
		rtm_vm_count_take_upto(&rtm_vm_reserved_bytes, len);
		rtm_vm_count_take_upto(&rtm_vm_committed_bytes, ready);
	}
	return err;
}

int rtm_release(void *p, size_t n)
{
	return rtm_release_ready(p, n, 0);
}

int rtm_hugepage(void *p, size_t n, int on)
{
	size_t len = rtm_range(p, n);

	return len ? rtm_os_hugepage(p, len, on) : RTM_EINVAL;
}

int rtm_name(void *p, size_t n, const char *name)
{
	size_t len = rtm_range(p, n);

	return len ? rtm_vm_name_mapped(p, len, name) : RTM_EINVAL;
}

int rtm_vm_name_mapped(void *p, size_t len, const char *name)
{
	return rtm_os_name(p, len, name);
}

struct rtm_vm_stats rtm_vm_stats(void)
{
	struct rtm_vm_stats s;

	s.reserved = atomic_load_explicit(&rtm_vm_reserved_bytes, memory_order_relaxed);
	s.committed = atomic_load_explicit(&rtm_vm_committed_bytes, memory_order_relaxed);
	return s;
}
