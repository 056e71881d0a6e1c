/* Internal: what a code region (mem/code*.c) needs from the OS, one
 * backend per system (sys/linux/code_os.c, sys/windows/code_os.c): the
 * DUAL views of one memory object, FLIP's protections, and a way to make
 * other threads refetch instructions. Reservations, commits and releases
 * go through the region lifecycle of sys/vm_internal.h; every mapping,
 * here too, through the hooked entry points. */
#ifndef RTM_SYS_CODE_OS_H
#define RTM_SYS_CODE_OS_H

#include <stddef.h>
#include <stdint.h>

#pragma GCC visibility push(hidden)

/* DUAL: a memory object of n bytes (page rounded) mapped twice, writable
 * at *write and executable at *exec, the executable view mapped so that
 * it can never be made writable, and nothing left open but the views.
 * n * 2 bytes are counted as reserved (rtm_vm_stats) until
 * rtm_os_code_dual_unmap. name: best effort (Linux: the memfd's name;
 * Windows: none). 0, or the first error with nothing left mapped or open
 * (but what a refusing hook would not give back). Linux: the views lie
 * side by side in one reservation, exec == write + n. */
int rtm_os_code_dual_map(const char *name, size_t n, uintptr_t *write, uintptr_t *exec);

/* Gives both views back (n as mapped); 0, or the OS's error with what
 * was not given back still mapped: a second call takes the rest. */
int rtm_os_code_dual_unmap(uintptr_t write, uintptr_t exec, size_t n);

/* FLIP: whether pages of a fresh reservation may become executable at
 * all (PR_SET_MDWE, SELinux execmem; Windows: arbitrary code guard),
 * asked of its first page p, reserved and not committed: 0 with p as it
 * was, or the error (p then possibly committed, not writable: the caller
 * gives the reservation back). */
int rtm_os_code_exec_probe(void *p, size_t page);

/* FLIP: committed pages of the region readable and writable, or
 * readable and executable; 0 or the OS's error, nothing changed. */
#define RTM_OS_CODE_RW 1
#define RTM_OS_CODE_RX 2
int rtm_os_code_protect(void *p, size_t n, int how);

/* Prepares the process for rtm_os_code_sync, once (Linux: membarrier's
 * SYNC_CORE registration, where the architecture needs other threads made
 * to refetch: RTM_ARCH_ICACHE_SYNC_CORE); 0 when ready or not needed. */
int rtm_os_code_sync_register(void);

/* Every other thread of the process refetches its instructions before it
 * runs user code again (where registered; else nothing). */
void rtm_os_code_sync(void);

#pragma GCC visibility pop

#endif
