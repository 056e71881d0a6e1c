/* <rtmem/vm.h> — the region lifecycle (Go: runtime/mem.go, mem_linux.go).
 *
 * A region moves between three states, as in the Go runtime:
 *
 *   None      no mapping
 *   Reserved  address space held, no access, no commit charge, no pages
 *             (Go: sysReserve; Go's Prepared is the same state on Linux)
 *   Ready     readable and writable, commit charge taken (Go: sysMap+sysUsed)
 *
 *   rtm_reserve   None -> Reserved                (Go: sysReserve)
 *   rtm_commit    Reserved -> Ready               (Go: sysMap / sysUsed)
 *   rtm_decommit  Ready -> Reserved               (Go: sysFault, which also
 *                 gives the pages and the commit charge back)
 *   rtm_purge     Ready -> Ready, contents dropped, pages back now
 *                                                 (Go: sysUnused, MADV_DONTNEED)
 *   rtm_purge_lazy  as rtm_purge but MADV_FREE: the kernel takes the pages
 *                 only under memory pressure; contents are undefined until
 *                 written (Go: sysUnused with GODEBUG=madvdontneed=0)
 *   rtm_release   any -> None                     (Go: sysFree)
 *   rtm_hugepage  advice only                     (Go: sysHugePage / sysNoHugePage)
 *
 * Every OS call that maps, protects, advises or unmaps goes through the
 * hooked entry points of <rtmem/sys.h>, so an installed hook sees every
 * mapping. Sizes are rounded up to the page size; addresses must be page
 * aligned. Every function returns 0 or a positive errno (RTM_E*), and on
 * failure the region is left as it was.
 *
 * The calls that take an existing range (commit, decommit, purge,
 * purge_lazy, release) first ask the kernel whether all of it is mapped,
 * with msync(MS_ASYNC), which changes nothing (it leaves the advice,
 * protections and contents of every page as they were): mprotect and
 * madvise would otherwise apply themselves to the pages before a hole and
 * then fail. That check is one system call more than the operation.
 *
 * All functions are thread-safe and lock-free; the accounting uses atomics.
 *
 * Windows (x86_64 and i686, mingw-w64, no C runtime): the same functions,
 * states and RTM_E* values, over VirtualAlloc/VirtualFree (<rtmem/sys.h>
 * then declares the VirtualAlloc layer). Where a call differs there, its
 * comment says so under "Windows:". One VirtualAlloc or VirtualFree
 * cannot cross a reservation, so the calls that take a range split it by
 * VirtualQuery and make one call per reservation it spans; a commit or
 * decommit that fails part-way undoes the parts it did (up to 64 runs of
 * pages it changed; past that a failure undoes the first 64 only).
 */
#ifndef RTMEM_VM_H
#define RTMEM_VM_H

#include "sys.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The kernel's page size, found at run time: from the auxiliary vector
 * when the program handed it over with rtm_set_auxv(), else by asking the
 * kernel which addresses it accepts as page aligned (a zero-length
 * mprotect, which maps nothing). Cached after the first call. Never fails.
 * Windows: GetSystemInfo's dwPageSize. */
size_t rtm_page_size(void);

/* Hands rtmem the auxiliary vector (the AT_* pairs after envp that the
 * kernel puts on the initial stack; <rtmem/start.h> does this for you).
 * rtmem reads AT_PAGESZ from it. The vector is not kept. NULL is ignored,
 * and so is an AT_PAGESZ that is no page size (0, not a power of two,
 * below 4096): rtm_page_size() then asks the kernel. Windows has no
 * auxiliary vector: the call does nothing there. */
void rtm_set_auxv(const unsigned long *auxv);

/* The alignment of every reservation rtm_reserve makes: the page size on
 * Linux (64 KiB on Windows, where the system reserves address space in
 * those units). Never fails. */
size_t rtm_alloc_granularity(void);

/* None -> Reserved. Maps n bytes (rounded up to the page size) of
 * inaccessible, uncharged address space, aligned to align (0: the
 * allocation granularity; an align below it gets it). hint is only a hint:
 * no MAP_FIXED, and if the kernel answers elsewhere that address is used.
 * Errors:
 *   RTM_EINVAL  n == 0; align not 0 and not a power of two, or smaller than
 *               the page size.
 *   RTM_ENOMEM  n rounded up, or n plus the alignment slack, overflows or
 *               reaches PTRDIFF_MAX; no address space (RLIMIT_AS, 32-bit).
 *   and any error of rtm_mmap (a hook may fail it).
 * Windows: VirtualAlloc(MEM_RESERVE). hint is an address VirtualAlloc
 * takes exactly (rounded down to 64 KiB) or refuses; when it refuses, the
 * system picks. An align above 64 KiB comes from VirtualAlloc2's
 * MEM_ADDRESS_REQUIREMENTS where KernelBase or kernel32 exports it, else
 * (or when it fails) by reserving n plus the slack, releasing it and
 * reserving again at the aligned address inside, up to 16 times when
 * other threads take that address first (then RTM_ENOMEM). Errors of
 * rtm_virtual_alloc and rtm_virtual_alloc_aligned instead of rtm_mmap's.
 */
rtm_mmap_result rtm_reserve(void *hint, size_t n, size_t align);

/* Reserved -> Ready: readable and writable, commit charge taken.
 * Errors:
 *   RTM_EINVAL  p not page aligned; n == 0; p + n wraps.
 *   RTM_ENOMEM  the kernel refused the commit charge (strict overcommit;
 *               Windows: ERROR_COMMITMENT_LIMIT); part of the range is
 *               not mapped.
 */
int rtm_commit(void *p, size_t n);

/* Ready -> Reserved: the pages and the commit charge go back, the range
 * is inaccessible again. Reading it afterwards faults; committing it again
 * gives zero pages. The range keeps its mapping, and with it its huge
 * page advice (rtm_hugepage) and its name (rtm_name): mprotect(PROT_NONE)
 * and MADV_DONTNEED. Two cases need a new PROT_NONE mapping in its place
 * instead (Go's sysFault), which drops the advice and the name (the
 * caller gives them again after rtm_commit if it wants them):
 *   - strict overcommit (vm.overcommit_memory = 2, read once per process
 *     from /proc; no /proc counts as strict): only a new mapping gives
 *     the commit charge back;
 *   - locked pages (mlock, mlockall), which MADV_DONTNEED refuses.
 * Errors:
 *   RTM_EINVAL  p not page aligned; n == 0; p + n wraps.
 *   RTM_ENOMEM  part of the range is not mapped (checked first: nothing is
 *               changed); the kernel is out of memory for the new mapping
 *               or for splitting the old one (vm.max_map_count). After a
 *               refused new mapping (locked pages only) the range is left
 *               inaccessible with its pages.
 * Windows: MEM_DECOMMIT, which keeps the reservation and returns pages and
 * charge (there is no advice or name to keep). A decommit that fails in a
 * later reservation commits the earlier parts again: Ready, as they were,
 * but their contents are gone.
 */
int rtm_decommit(void *p, size_t n);

/* Ready stays Ready: contents dropped, pages freed now, reads give zeros.
 * Errors:
 *   RTM_EINVAL  p not page aligned; n == 0; p + n wraps; locked pages.
 *   RTM_ENOMEM  part of the range is not mapped.
 * Windows: MEM_RESET does not zero, so each committed run is decommitted
 * and committed again (Reserved runs are left alone). The two calls cannot
 * be one: when the commit is refused (RTM_ENOMEM, the commit limit) that
 * run is left Reserved, its contents gone as they were to be, and the
 * runs after it are not purged.
 */
int rtm_purge(void *p, size_t n);

/* Like rtm_purge, but lazy (MADV_FREE): pages are reclaimed only under
 * memory pressure, and until the range is written again each page reads
 * either its old contents or zeros. Memory MADV_FREE does not take
 * (shared or file-backed mappings) gets MADV_DONTNEED instead. On kernels
 * without MADV_FREE (before 4.5) it falls back to rtm_purge, and
 * remembers that (one atomic), as Go's adviseUnused does; only the
 * kernel's answer to the advice itself sets that switch, never a range's.
 * Errors: as rtm_purge.
 * Windows: DiscardVirtualMemory where kernel32 exports it (8.1 and later),
 * else MEM_RESET, on each committed run.
 */
int rtm_purge_lazy(void *p, size_t n);

/* any -> None, for a range reserved with rtm_reserve of which none is
 * counted as committed (see rtm_release_ready).
 *
 * Portable rule: release takes back a whole region exactly as rtm_reserve
 * returned it (p its address, n the size it was asked for). On Windows
 * anything else is RTM_EINVAL with nothing changed: the system frees only
 * whole reservations. Linux-only: any page-aligned part of a region may
 * be released on its own, and the rest stays.
 * Errors:
 *   RTM_EINVAL  p not page aligned; n == 0; p + n wraps; part of the
 *               range is not mapped (a double release); n is more than
 *               rtmem has reserved in all (releasing what was never
 *               reserved); Windows: p is not a reservation's base or n
 *               not its whole size. Nothing is unmapped.
 */
int rtm_release(void *p, size_t n);

/* any -> None for a range of which `ready` bytes are committed: keeps
 * rtm_vm_stats exact without a separate rtm_decommit. The committed total
 * goes down by ready, to zero at most (the totals are kept per call: see
 * rtm_vm_stats), so memory that is really mapped and reserved always goes
 * back.
 * Errors: as rtm_release; RTM_EINVAL also when ready > n (rounded).
 */
int rtm_release_ready(void *p, size_t n, size_t ready);

/* Transparent huge page advice (on: MADV_HUGEPAGE, off: MADV_NOHUGEPAGE).
 * Best effort: callers may ignore the result.
 * Errors:
 *   RTM_EINVAL  p not page aligned; n == 0; p + n wraps; the kernel has
 *               no THP.
 *   RTM_ENOMEM  part of the range is not mapped.
 * Windows: RTM_EOPNOTSUPP for every valid range. Large pages need
 * SeLockMemoryPrivilege, must be reserved and committed in one call and
 * can never be decommitted, so no region of rtmem's can get them
 * (RTM_ARENA_HUGEPAGES still gives 2 MiB-aligned blocks there).
 */
int rtm_hugepage(void *p, size_t n, int on);

/* Names an anonymous range in /proc/self/maps as "[anon:name]"
 * (prctl PR_SET_VMA_ANON_NAME, Linux 5.17+ with CONFIG_ANON_VMA_NAME).
 * Best effort: callers may ignore the result. NULL name clears it. Not a
 * mapping call, so hooks do not see it.
 * Errors:
 *   RTM_EINVAL  the kernel lacks the feature; p not page aligned; n == 0;
 *               p + n wraps; name longer than 79 bytes or with characters
 *               the kernel refuses ([ ] \ $ ` and non-printable ones).
 *   RTM_ENOMEM  part of the range is not mapped.
 *   RTM_EBADF   the range is not anonymous memory.
 * Windows: RTM_EOPNOTSUPP for every valid range: the system keeps no names.
 */
int rtm_name(void *p, size_t n, const char *name);

/* Process-wide totals of what rtm_reserve / rtm_commit hold now (bytes,
 * page-rounded): reserved counts Reserved and Ready address space;
 * committed counts Ready bytes. A snapshot; each field is exact on its own.
 * The totals are kept per call, not per page: they are exact when a page
 * is committed once before it is decommitted or released with it counted
 * (rtm_release_ready), which is how the arena uses them. Committing a
 * Ready page again counts it twice; decommitting a Reserved page takes
 * back at most what is counted. */
struct rtm_vm_stats {
	size_t reserved, committed;
};
struct rtm_vm_stats rtm_vm_stats(void);

#ifdef __cplusplus
}
#endif

#endif
