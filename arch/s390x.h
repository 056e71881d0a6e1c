/* s390x Linux system calls.
 *
 *   instruction  svc 0
 *   number       r1  (svc with an immediate only reaches numbers below 256)
 *   arguments    r2 r3 r4 r5 r6 r7
 *   return       r2; -4095..-1 is -errno
 *   clobbers     memory only
 *   quirks       mmap (90) is the old_mmap calling convention: one argument,
 *                a pointer to a block of six longs {addr, len, prot, flags,
 *                fd, offset}. sys/ builds that block (RTM_MMAP_ARG_BLOCK).
 */
#ifndef RTM_ARCH_S390X_H
#define RTM_ARCH_S390X_H

#define RTM_ARCH_NAME "s390x"
#define RTM_MMAP_ARG_BLOCK 1

#define RTM_NR_read       3
#define RTM_NR_write      4
#define RTM_NR_close      6
#define RTM_NR_memfd_create 350
#define RTM_NR_ftruncate  93
#define RTM_NR_fcntl      55
#define RTM_NR_membarrier 356
#define RTM_NR_getpid     20
#define RTM_NR_kill       37
#define RTM_NR_mmap       90
#define RTM_NR_munmap     91
#define RTM_NR_mprotect   125
#define RTM_NR_msync      144
#define RTM_NR_prctl      172
#define RTM_NR_madvise    219
#define RTM_NR_exit_group 248
#define RTM_NR_openat     288

static inline long rtm_syscall0(long nr)
{
	register long r1 __asm__("r1") = nr;
	register long r2 __asm__("r2");
	__asm__ __volatile__("svc 0" : "=r"(r2) : "r"(r1) : "memory");
	return r2;
}

static inline long rtm_syscall1(long nr, long a1)
{
	register long r1 __asm__("r1") = nr;
	register long r2 __asm__("r2") = a1;
	__asm__ __volatile__("svc 0" : "+r"(r2) : "r"(r1) : "memory");
	return r2;
}

static inline long rtm_syscall2(long nr, long a1, long a2)
{
	register long r1 __asm__("r1") = nr;
	register long r2 __asm__("r2") = a1;
	register long r3 __asm__("r3") = a2;
	__asm__ __volatile__("svc 0" : "+r"(r2) : "r"(r1), "r"(r3) : "memory");
	return r2;
}

static inline long rtm_syscall3(long nr, long a1, long a2, long a3)
{
	register long r1 __asm__("r1") = nr;
	register long r2 __asm__("r2") = a1;
	register long r3 __asm__("r3") = a2;
	register long r4 __asm__("r4") = a3;
	__asm__ __volatile__("svc 0" : "+r"(r2) : "r"(r1), "r"(r3), "r"(r4) : "memory");
	return r2;
}

static inline long rtm_syscall4(long nr, long a1, long a2, long a3, long a4)
{
	register long r1 __asm__("r1") = nr;
	register long r2 __asm__("r2") = a1;
	register long r3 __asm__("r3") = a2;
	register long r4 __asm__("r4") = a3;
	register long r5 __asm__("r5") = a4;
	__asm__ __volatile__("svc 0" : "+r"(r2) : "r"(r1), "r"(r3), "r"(r4), "r"(r5) : "memory");
	return r2;
}

static inline long rtm_syscall5(long nr, long a1, long a2, long a3, long a4, long a5)
{
	register long r1 __asm__("r1") = nr;
	register long r2 __asm__("r2") = a1;
	register long r3 __asm__("r3") = a2;
	register long r4 __asm__("r4") = a3;
	register long r5 __asm__("r5") = a4;
	register long r6 __asm__("r6") = a5;
	__asm__ __volatile__("svc 0" : "+r"(r2) : "r"(r1), "r"(r3), "r"(r4), "r"(r5), "r"(r6)
	                     : "memory");
	return r2;
}

static inline long rtm_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r1 __asm__("r1") = nr;
	register long r2 __asm__("r2") = a1;
	register long r3 __asm__("r3") = a2;
	register long r4 __asm__("r4") = a3;
	register long r5 __asm__("r5") = a4;
	register long r6 __asm__("r6") = a5;
	register long r7 __asm__("r7") = a6;
	__asm__ __volatile__("svc 0" : "+r"(r2)
	                     : "r"(r1), "r"(r3), "r"(r4), "r"(r5), "r"(r6), "r"(r7)
	                     : "memory");
	return r2;
}

/* Instruction-cache maintenance (rtm_icache_flush, <rtmem/code.h>): none.
 *
 * z/Architecture keeps the caches transparent to the program, and a CPU
 * that stores into its own instruction stream sees the store in what it
 * fetches next: the Principles of Operation (SA22-7832, "Instruction
 * Fetching") guarantee that a store the same CPU made earlier, through the
 * same address, is what it fetches, prefetched copies included. So a
 * thread that runs code it wrote itself, at the address it wrote it,
 * needs nothing. Through another address (a writable alias of an
 * executable view) is the one exception the chapter names (more than one
 * logical address for a real page): a CPU that may have prefetched the
 * old bytes at the executable address needs a serialization first (bcr
 * 15,0, say), which rtm_icache_flush does not issue; a writer through an
 * alias decides.
 *
 * Other threads: the same chapter says that stores by other CPUs do not
 * necessarily change instructions a CPU has already prefetched (and that a
 * CPU may see a changed instruction in part); prefetched copies are
 * discarded by a serializing operation. For code another thread may
 * already have fetched (patched code, memory reused for new code) that is
 * membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE), which s390
 * supports (the kernel returns to each thread through a serializing
 * exception return). Where the kernel lacks SYNC_CORE, the plain
 * MEMBARRIER_CMD_PRIVATE_EXPEDITED does: its IPI returns to each thread
 * through the same exception return (the kernel's membarrier-sync-core
 * arch-support notes): RTM_ARCH_ICACHE_SYNC_CORE 2, SYNC_CORE else that.
 */
#define RTM_ARCH_ICACHE_SYNC_CORE 2

#include <stddef.h>

static inline long rtm_arch_icache_flush(void *p, size_t n)
{
	(void)p;
	(void)n;
	return 0;
}

#endif
