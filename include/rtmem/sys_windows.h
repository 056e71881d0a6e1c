/* <rtmem/sys_windows.h> — the VirtualAlloc layer, errors as values
 * (Go: runtime/mem_windows.go). <rtmem/sys.h> includes it on Windows, in
 * place of the Linux mmap layer; include <rtmem/sys.h>. On other systems
 * this header declares nothing of its own.
 *
 * The same two levels as on Linux:
 *
 *   rtm_sys_virtual_*  the kernel32 calls themselves, no hooks
 *   rtm_virtual_*      hooked entry points: through the installed
 *                      struct rtm_hooks when it has the operation, else
 *                      the raw call. vm.h and arena.h reserve, commit,
 *                      decommit and release through these, so a hook sees
 *                      every one of those rtmem makes, and a hook that
 *                      fails a call is how tests inject faults.
 *
 * No C runtime: the library calls kernel32 only (VirtualAlloc2,
 * MapViewOfFile3 and DiscardVirtualMemory are looked up at run time,
 * since older Windows and Wine lack them). Nothing reads or writes GetLastError's value for the
 * caller: a failed call returns the RTM_E* value its error maps to:
 *
 *   ERROR_NOT_ENOUGH_MEMORY (8), ERROR_OUTOFMEMORY (14),
 *   ERROR_COMMITMENT_LIMIT (1455)          RTM_ENOMEM
 *   ERROR_INVALID_PARAMETER (87),
 *   ERROR_INVALID_ADDRESS (487)            RTM_EINVAL
 *   ERROR_ACCESS_DENIED (5)                RTM_EACCES
 *   ERROR_PRIVILEGE_NOT_HELD (1314)        RTM_EPERM
 *   ERROR_PROC_NOT_FOUND (127)             RTM_ENOSYS
 *   anything else                          RTM_EINVAL
 *
 * The RTM_E* numbers are rtmem's own, Linux's errno values on every
 * system (<rtmem/errno.h>); they are not mingw's <errno.h>.
 */
#ifndef RTMEM_SYS_WINDOWS_H
#define RTMEM_SYS_WINDOWS_H

/* rtm_mmap_result and the hook setters (which includes this header
 * again on Windows: the guard above makes that empty). */
#include "sys.h"

#if defined(_WIN32)

#ifdef __cplusplus
extern "C" {
#endif

/* The flags and protections of <windows.h> that rtmem uses, so that a
 * caller need not include it. */
#define RTM_MEM_COMMIT     0x00001000u
#define RTM_MEM_RESERVE    0x00002000u
#define RTM_MEM_DECOMMIT   0x00004000u
#define RTM_MEM_RELEASE    0x00008000u
#define RTM_MEM_FREE       0x00010000u
#define RTM_MEM_RESET      0x00080000u
#define RTM_PAGE_NOACCESS  0x01u
#define RTM_PAGE_READWRITE 0x04u
/* The code region's (<rtmem/code.h>): its views and its section. */
#define RTM_PAGE_EXECUTE_READ       0x20u
#define RTM_PAGE_EXECUTE_READWRITE  0x40u
#define RTM_MEM_PRESERVE_PLACEHOLDER 0x00000002u
#define RTM_MEM_REPLACE_PLACEHOLDER 0x00004000u
#define RTM_MEM_RESERVE_PLACEHOLDER 0x00040000u
#define RTM_SEC_COMMIT              0x08000000u

/* What VirtualQuery tells of the run of pages that holds an address. */
struct rtm_win_region {
	void *base;            /* the run: [base, base + size), one state */
	size_t size;
	void *allocation_base; /* the reservation it belongs to; NULL if free */
	unsigned long state;   /* RTM_MEM_FREE, RTM_MEM_RESERVE or RTM_MEM_COMMIT */
	unsigned long protect; /* of committed pages; 0 otherwise */
};

/* VirtualAlloc. Errors: as the table above (RTM_ENOMEM: no address space,
 * or the commit limit; RTM_EINVAL: bad flags, a range that is not all
 * reserved for MEM_COMMIT, an address that cannot be reserved). */
rtm_mmap_result rtm_sys_virtual_alloc(void *addr, size_t n, unsigned long type,
                                      unsigned long protect);

/* VirtualAlloc2 with one MEM_ADDRESS_REQUIREMENTS parameter: n bytes
 * reserved (type RTM_MEM_RESERVE, maybe | RTM_MEM_COMMIT, or
 * RTM_MEM_RESERVE | RTM_MEM_RESERVE_PLACEHOLDER for a placeholder) at an
 * address aligned to align (a power of two, the allocation granularity or
 * above).
 * Errors: RTM_ENOSYS when neither KernelBase nor kernel32 exports
 * VirtualAlloc2 (Windows before 10 1803); otherwise as the table above. */
rtm_mmap_result rtm_sys_virtual_alloc_aligned(size_t n, size_t align, unsigned long type,
                                              unsigned long protect);

/* VirtualFree: type RTM_MEM_DECOMMIT (n bytes from addr) or
 * RTM_MEM_RELEASE (addr a reservation's base, n 0). Errors: RTM_EINVAL
 * (ERROR_INVALID_ADDRESS, ERROR_INVALID_PARAMETER: not a reservation's
 * base, a range across reservations, n not 0 with RTM_MEM_RELEASE). */
int rtm_sys_virtual_free(void *addr, size_t n, unsigned long type);

/* VirtualProtect; *old gets the old protection of the first page (old may
 * be NULL). Errors: RTM_EINVAL (pages not committed, a range across
 * reservations), RTM_ENOMEM. */
int rtm_sys_virtual_protect(void *addr, size_t n, unsigned long protect, unsigned long *old);

/* CreateFileMappingW of a pagefile-backed section of n bytes, unnamed and
 * not inheritable: its handle in *section. protect: the most any view may
 * have, and how the section holds its pages (RTM_PAGE_EXECUTE_READWRITE |
 * RTM_SEC_COMMIT for the code region: all of them charged to the commit
 * limit now). Errors: RTM_ENOMEM (the commit limit), RTM_EINVAL. */
int rtm_sys_section_create(size_t n, unsigned long protect, void **section);

/* CloseHandle of a section: its views keep it. Not a mapping call, so
 * never hooked. Errors: RTM_EINVAL (not a handle). */
int rtm_sys_section_close(void *section);

/* A view of n bytes of a section from its start, protected protect
 * (RTM_PAGE_READWRITE or RTM_PAGE_EXECUTE_READ, within the section's
 * most). type 0: MapViewOfFileEx at addr, or where the system chooses for
 * addr NULL (kernel32, everywhere); RTM_MEM_REPLACE_PLACEHOLDER:
 * MapViewOfFile3 over the placeholder [addr, addr + n), looked up at run
 * time (Windows 10 1803). Errors: RTM_ENOSYS (no MapViewOfFile3 for a
 * type other than 0), RTM_EINVAL (a protection other than those two for
 * type 0; what the system refuses), RTM_ENOMEM. */
rtm_mmap_result rtm_sys_map_view(void *section, void *addr, size_t n, unsigned long type,
                                 unsigned long protect);

/* UnmapViewOfFile: the whole view that holds addr; its range becomes
 * free (a view that replaced a placeholder too). Errors: RTM_EINVAL (no
 * view there). */
int rtm_sys_unmap_view(void *addr);

/* VirtualQuery of the run of pages that holds addr. Not a mapping call,
 * so never hooked. Errors: RTM_EINVAL for an address above the user
 * address space. */
int rtm_sys_virtual_query(const void *addr, struct rtm_win_region *out);

/* The hooked entry points: same arguments and errors as rtm_sys_* above
 * (a hook may add its own). With no hooks installed they cost one load
 * and one predictable branch over the raw call; built with -Dhooks=false
 * they are the raw call. */
rtm_mmap_result rtm_virtual_alloc(void *addr, size_t n, unsigned long type, unsigned long protect);
rtm_mmap_result rtm_virtual_alloc_aligned(size_t n, size_t align, unsigned long type,
                                          unsigned long protect);
int rtm_virtual_free(void *addr, size_t n, unsigned long type);
int rtm_virtual_protect(void *addr, size_t n, unsigned long protect, unsigned long *old);
int rtm_section_create(size_t n, unsigned long protect, void **section);
rtm_mmap_result rtm_map_view(void *section, void *addr, size_t n, unsigned long type,
                             unsigned long protect);
int rtm_unmap_view(void *addr);

/* A hook table, as on Linux: any member may be NULL (that operation stays
 * the raw call); a hook returns what the rtm_sys_* function would, and
 * may call rtm_sys_* to delegate. A hook that fails virtual_alloc_aligned
 * (any error) makes rtm_reserve take the fallback of reserving more and
 * trimming by a second reservation (Go's sysReserveAligned), as on a
 * system without VirtualAlloc2. */
struct rtm_hooks {
	rtm_mmap_result (*virtual_alloc)(void *ctx, void *addr, size_t n, unsigned long type,
	                                 unsigned long protect);
	rtm_mmap_result (*virtual_alloc_aligned)(void *ctx, size_t n, size_t align,
	                                         unsigned long type, unsigned long protect);
	int (*virtual_free)(void *ctx, void *addr, size_t n, unsigned long type);
	int (*virtual_protect)(void *ctx, void *addr, size_t n, unsigned long protect,
	                       unsigned long *old);
	/* The code region's sections and views (<rtmem/code.h>, DUAL). */
	int (*section_create)(void *ctx, size_t n, unsigned long protect, void **section);
	rtm_mmap_result (*map_view)(void *ctx, void *section, void *addr, size_t n,
	                            unsigned long type, unsigned long protect);
	int (*unmap_view)(void *ctx, void *addr);
	void *ctx; /* passed as the first argument of every hook */
};

#ifdef __cplusplus
}
#endif

#endif /* _WIN32 */

#endif
