/* What a code region needs from Windows (sys/code_os.h): a pagefile
 * section mapped twice for DUAL, VirtualProtect for FLIP, and the calls
 * that make other threads refetch. Every mapping goes through the hooked
 * entry points of <rtmem/sys_windows.h>.
 *
 * DUAL's section is created with PAGE_EXECUTE_READWRITE as the most any
 * view may have (an executable view needs it) and SEC_COMMIT: every page
 * is charged to the commit limit at create, none is touched until code is
 * written. The writable view is mapped read-write, the executable one
 * read-execute with no write access: the system then refuses to make it
 * writable (VirtualProtect to PAGE_READWRITE or PAGE_EXECUTE_READWRITE
 * fails: Wine 8 answers ERROR_INVALID_PARAMETER; win_code checks it). The section's handle is closed once
 * both views are mapped, so that nothing else can map it. Windows has no
 * fork, and a process it creates inherits no mappings: MADV_DONTFORK has
 * nothing to guard against here. */
#include "../code_os.h"
#include "../vm_internal.h"
#include "win.h"

/* Gives one view back, with one more try when a hook refuses. */
static int rtm_win_code_unmap_view(void *v)
{
	int err = rtm_unmap_view(v);

	return err ? rtm_unmap_view(v) : 0;
}

/* Gives a placeholder back, the same way. */
static void rtm_win_code_free_placeholder(void *p)
{
	if (rtm_virtual_free(p, 0, RTM_MEM_RELEASE))
		(void)rtm_virtual_free(p, 0, RTM_MEM_RELEASE);
}

/* Both views in one reservation, side by side: a placeholder of 2n bytes
 * (VirtualAlloc2), split in two (VirtualFree with
 * MEM_PRESERVE_PLACEHOLDER), each half replaced by a view
 * (MapViewOfFile3). RTM_ENOSYS when the placeholder cannot be had (a
 * system without VirtualAlloc2 or without placeholders: Windows before 10
 * 1803, Wine 8, which answers ERROR_INVALID_PARAMETER), so that the views
 * are mapped apart; else 0 or the first error, nothing left mapped. */
static int rtm_win_code_views_together(void *s, size_t n, uintptr_t *write, uintptr_t *exec)
{
	rtm_mmap_result r, w, x;
	char *p;
	int err;

	r = rtm_virtual_alloc_aligned(n * 2, rtm_win_granularity(),
	                              RTM_MEM_RESERVE | RTM_MEM_RESERVE_PLACEHOLDER,
	                              RTM_PAGE_NOACCESS);
	if (r.err)
		return RTM_ENOSYS;
	p = r.addr;
	err = rtm_virtual_free(p, n, RTM_MEM_RELEASE | RTM_MEM_PRESERVE_PLACEHOLDER);
	if (err) {
		rtm_win_code_free_placeholder(p);
		return err;
	}
	w = rtm_map_view(s, p, n, RTM_MEM_REPLACE_PLACEHOLDER, RTM_PAGE_READWRITE);
	if (w.err) {
		rtm_win_code_free_placeholder(p);
		rtm_win_code_free_placeholder(p + n);
		return w.err;
	}
	x = rtm_map_view(s, p + n, n, RTM_MEM_REPLACE_PLACEHOLDER, RTM_PAGE_EXECUTE_READ);
	if (x.err) {
		(void)rtm_win_code_unmap_view(p);
		rtm_win_code_free_placeholder(p + n);
		return x.err;
	}
	*write = (uintptr_t)p;
	*exec = (uintptr_t)p + n;
	return 0;
}

/* Both views where the system puts them (MapViewOfFileEx): each is one
 * range, so code in the executable view reaches other code in it with
 * direct branches all the same. */
static int rtm_win_code_views_apart(void *s, size_t n, uintptr_t *write, uintptr_t *exec)
{
	rtm_mmap_result w, x;

	w = rtm_map_view(s, 0, n, 0, RTM_PAGE_READWRITE);
	if (w.err)
		return w.err;
	x = rtm_map_view(s, 0, n, 0, RTM_PAGE_EXECUTE_READ);
	if (x.err) {
		(void)rtm_win_code_unmap_view(w.addr);
		return x.err;
	}
	*write = (uintptr_t)w.addr;
	*exec = (uintptr_t)x.addr;
	return 0;
}

int rtm_os_code_dual_map(const char *name, size_t n, uintptr_t *write, uintptr_t *exec)
{
	size_t len;
	void *s;
	int err;

	/* Windows keeps no names for regions, and a named section would be
	 * a kernel object others could open. */
	(void)name;
	if (__builtin_mul_overflow(n, (size_t)2, &len))
		return RTM_ENOMEM;
	err = rtm_section_create(n, RTM_PAGE_EXECUTE_READWRITE | RTM_SEC_COMMIT, &s);
	if (err)
		return err;
	err = rtm_win_code_views_together(s, n, write, exec);
	if (err == RTM_ENOSYS)
		err = rtm_win_code_views_apart(s, n, write, exec);
	/* The views keep the section; no handle stays open. */
	(void)rtm_sys_section_close(s);
	if (!err)
		rtm_vm_count_give(&rtm_vm_reserved_bytes, len);
	return err;
}

/* 1 while v is still the start of a view (a second try after a refusal
 * must not give a view back twice). */
static int rtm_win_code_mapped(uintptr_t v)
{
	struct rtm_win_region r;

	return rtm_sys_virtual_query((const void *)v, &r) == 0 && r.state != RTM_MEM_FREE &&
	       (uintptr_t)r.allocation_base == v;
}

int rtm_os_code_dual_unmap(uintptr_t write, uintptr_t exec, size_t n)
{
	int err;

	if (rtm_win_code_mapped(write) && (err = rtm_unmap_view((void *)write)))
		return err;
	if (rtm_win_code_mapped(exec) && (err = rtm_unmap_view((void *)exec)))
		return err;
	rtm_vm_count_take_upto(&rtm_vm_reserved_bytes, n * 2);
	return 0;
}

/* A commit as executable, decommitted at once: the arbitrary code guard
 * (PROCESS_MITIGATION_DYNAMIC_CODE_POLICY) refuses it, as it would every
 * publish. Never counted as committed. */
int rtm_os_code_exec_probe(void *p, size_t page)
{
	rtm_mmap_result r = rtm_virtual_alloc(p, page, RTM_MEM_COMMIT, RTM_PAGE_EXECUTE_READ);

	return r.err ? r.err : rtm_virtual_free(p, page, RTM_MEM_DECOMMIT);
}

int rtm_os_code_protect(void *p, size_t n, int how)
{
	return rtm_virtual_protect(p, n,
	                           how == RTM_OS_CODE_RX ? RTM_PAGE_EXECUTE_READ : RTM_PAGE_READWRITE,
	                           0);
}

int rtm_os_code_sync_register(void)
{
	return 0;
}

/* FlushInstructionCache (rtm_icache_flush) is what Windows documents for
 * new code, and all x86 needs for code no thread has run yet. A thread
 * that already ran the old bytes of patched code may still hold them
 * fetched: FlushProcessWriteBuffers interrupts every processor that runs
 * a thread of the process, and the return from that interrupt serializes
 * it (x86's iret; arm64's exception return is a context synchronization),
 * as Linux's membarrier SYNC_CORE does. */
void rtm_os_code_sync(void)
{
	FlushProcessWriteBuffers();
}
