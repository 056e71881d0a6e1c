/* Internal: what a code region (mem/code*.c) needs from the OS besides
 * mappings, which go through the hooked calls of <rtmem/sys.h>: a memory
 * object to map twice, and a way to make other threads refetch
 * instructions. Linux: sys/linux/code_os.c. */
#ifndef RTM_SYS_CODE_OS_H
#define RTM_SYS_CODE_OS_H

#include <stddef.h>

#pragma GCC visibility push(hidden)

/* A memfd of n bytes named name, close-on-exec, allowed to be mapped
 * executable where the kernel asks that to be said (MFD_EXEC, Linux
 * 6.3+ with vm.memfd_noexec = 1): its descriptor in *fd, or an RTM_E*
 * (nothing left open). */
int rtm_os_code_memfd(const char *name, size_t n, int *fd);

/* Seals the memfd against growing, shrinking and new writable mappings
 * (F_SEAL_FUTURE_WRITE, Linux 5.1): mappings made afterwards can never
 * become writable. 0, or RTM_EINVAL where the kernel has no such seal. */
int rtm_os_code_seal(int fd);

void rtm_os_code_close(int fd);

/* Registers the process for membarrier's SYNC_CORE command, once, where
 * the architecture needs other threads made to refetch
 * (RTM_ARCH_ICACHE_SYNC_CORE); 0 when registered or not needed. */
int rtm_os_code_sync_register(void);

/* Every other thread of the process refetches its instructions before it
 * runs user code again (where registered; else nothing). */
void rtm_os_code_sync(void);

#pragma GCC visibility pop

#endif
