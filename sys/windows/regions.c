/* The region calls on ranges that may span reservations: one VirtualAlloc
 * or VirtualFree cannot cross one, so each walks the range by VirtualQuery
 * and makes one call per reservation. A commit or decommit that fails
 * part-way undoes the parts it did, so that a failed call leaves the
 * states as they were (a decommit cannot bring contents back: the parts it
 * recommits read zero). */
#include <stdatomic.h>

#include "../vm_internal.h"
#include "win.h"

/* Runs of pages a call changed and would undo on failure. A range with
 * more such runs than this is still served, but a failure then undoes
 * only the first ones (vm.h says so). */
#define RTM_WIN_UNDO_RUNS 64

struct rtm_win_undo {
	uintptr_t lo[RTM_WIN_UNDO_RUNS], hi[RTM_WIN_UNDO_RUNS];
	unsigned n;
};

static void rtm_win_undo_note(struct rtm_win_undo *u, uintptr_t lo, uintptr_t hi)
{
	if (u->n < RTM_WIN_UNDO_RUNS) {
		u->lo[u->n] = lo;
		u->hi[u->n] = hi;
		u->n++;
	}
}

/* The run of one state that holds a, clipped to end: its state and
 * reservation, and where it ends. */
struct rtm_win_run {
	uintptr_t hi;
	void *reservation;
	unsigned long state;
};

static int rtm_win_run_at(uintptr_t a, uintptr_t end, struct rtm_win_run *run)
{
	struct rtm_win_region r;
	int err = rtm_sys_virtual_query((const void *)a, &r);
	uintptr_t hi;

	if (err)
		return err;
	hi = (uintptr_t)r.base + r.size;
	run->hi = hi < end ? hi : end;
	run->reservation = r.allocation_base;
	run->state = r.state;
	return 0;
}

int rtm_os_mapped(void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p, end = a + len;
	struct rtm_win_run run;

	while (a < end) {
		if (rtm_win_run_at(a, end, &run) || run.state == RTM_MEM_FREE)
			return RTM_ENOMEM;
		a = run.hi;
	}
	return 0;
}

/* Where the part of [a, end) that lies in a's reservation ends; the runs
 * in it in state `note` go to u. */
static int rtm_win_part(uintptr_t a, uintptr_t end, unsigned long note, struct rtm_win_undo *u,
                        uintptr_t *part_end)
{
	struct rtm_win_run run;
	void *reservation = 0;

	while (a < end) {
		int err = rtm_win_run_at(a, end, &run);

		if (err)
			return err;
		if (reservation && run.reservation != reservation)
			break;
		reservation = run.reservation;
		if (run.state == note)
			rtm_win_undo_note(u, a, run.hi);
		a = run.hi;
	}
	*part_end = a;
	return 0;
}

int rtm_os_commit(void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p, end = a + len, part_end;
	struct rtm_win_undo u;

	u.n = 0;
	while (a < end) {
		unsigned before = u.n;
		int err = rtm_win_part(a, end, RTM_MEM_RESERVE, &u, &part_end);

		if (!err)
			err = rtm_os_commit_own((void *)a, part_end - a);
		if (err) {
			/* This part's commit failed as a whole; the parts
			 * before it go back to Reserved where they were. */
			for (unsigned k = 0; k < before; k++)
				(void)rtm_virtual_free((void *)u.lo[k], u.hi[k] - u.lo[k],
				                       RTM_MEM_DECOMMIT);
			return err;
		}
		a = part_end;
	}
	return 0;
}

int rtm_os_decommit(void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p, end = a + len, part_end;
	struct rtm_win_undo u;

	u.n = 0;
	while (a < end) {
		unsigned before = u.n;
		int err = rtm_win_part(a, end, RTM_MEM_COMMIT, &u, &part_end);

		if (!err)
			err = rtm_virtual_free((void *)a, part_end - a, RTM_MEM_DECOMMIT);
		if (err) {
			/* Ready again where it was, its contents gone. */
			for (unsigned k = 0; k < before; k++)
				(void)rtm_os_commit_own((void *)u.lo[k], u.hi[k] - u.lo[k]);
			return err;
		}
		a = part_end;
	}
	return 0;
}

/* Each committed run of the range, in order, to fn; the Reserved ones
 * are left alone (a purge keeps the states). Stops at the first error. */
static int rtm_win_each_committed(void *p, size_t len, int (*fn)(uintptr_t lo, uintptr_t hi))
{
	uintptr_t a = (uintptr_t)p, end = a + len;
	struct rtm_win_run run;

	while (a < end) {
		int err = rtm_win_run_at(a, end, &run);

		if (!err && run.state == RTM_MEM_COMMIT)
			err = fn(a, run.hi);
		if (err)
			return err;
		a = run.hi;
	}
	return 0;
}

/* MEM_RESET does not zero, so a purge that must read zero afterwards
 * decommits and commits again. */
static int rtm_win_purge_run(uintptr_t lo, uintptr_t hi)
{
	int err = rtm_virtual_free((void *)lo, hi - lo, RTM_MEM_DECOMMIT);

	return err ? err : rtm_os_commit_own((void *)lo, hi - lo);
}

int rtm_os_purge(void *p, size_t len)
{
	return rtm_win_each_committed(p, len, rtm_win_purge_run);
}

typedef DWORD(WINAPI *rtm_discard_fn)(void *, SIZE_T);

/* DiscardVirtualMemory (Windows 8.1 and later; Wine 8 has none), looked
 * up once. */
static rtm_discard_fn rtm_win_discard(void)
{
	static _Atomic int looked;
	static rtm_discard_fn _Atomic fn;

	if (!atomic_load_explicit(&looked, memory_order_acquire)) {
		HMODULE m = GetModuleHandleA("kernel32.dll");
		rtm_discard_fn f = 0;

		if (m)
			f = (rtm_discard_fn)(void (*)(void))GetProcAddress(m, "DiscardVirtualMemory");
		atomic_store_explicit(&fn, f, memory_order_relaxed);
		atomic_store_explicit(&looked, 1, memory_order_release);
	}
	return atomic_load_explicit(&fn, memory_order_relaxed);
}

/* Contents undefined afterwards: DiscardVirtualMemory where there is one,
 * else MEM_RESET (which must go through the hooks: it is a VirtualAlloc). */
static int rtm_win_purge_lazy_run(uintptr_t lo, uintptr_t hi)
{
	rtm_discard_fn discard = rtm_win_discard();

	if (discard)
		return discard((void *)lo, hi - lo) ? rtm_win_error(GetLastError()) : 0;
	return rtm_virtual_alloc((void *)lo, hi - lo, RTM_MEM_RESET, RTM_PAGE_NOACCESS).err;
}

int rtm_os_purge_lazy(void *p, size_t len)
{
	return rtm_win_each_committed(p, len, rtm_win_purge_lazy_run);
}

/* VirtualFree(MEM_RELEASE) frees whole reservations only: p must be one's
 * base and len its whole size. */
int rtm_os_release_check(void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p, end;
	struct rtm_win_region r;

	if (rtm_sys_virtual_query(p, &r) || r.allocation_base != p)
		return RTM_EINVAL;
	/* Walk to where the reservation ends. */
	do {
		end = (uintptr_t)r.base + r.size;
		if (rtm_sys_virtual_query((const void *)end, &r))
			break;
	} while (r.allocation_base == p);
	return end - a == len ? 0 : RTM_EINVAL;
}
