/* Internal: rtm_icache_flush with the OS's answer. A code region must not
 * report a publish whose cache maintenance did not happen: where that is
 * a system call (arm, riscv64, mips) the kernel, or a seccomp filter, can
 * refuse it. Linux: sys/linux/icache.c; Windows: sys/windows/icache.c. */
#ifndef RTM_SYS_ICACHE_INTERNAL_H
#define RTM_SYS_ICACHE_INTERNAL_H

#include <stddef.h>

#pragma GCC visibility push(hidden)

/* rtm_icache_flush(p, n); 0, or the RTM_E* the OS answered. */
int rtm_icache_flush_checked(void *p, size_t n);

#pragma GCC visibility pop

#endif
