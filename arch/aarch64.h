/* aarch64 and aarch64_be Linux system calls (the asm-generic syscall table).
 *
 *   instruction  svc #0
 *   number       x8
 *   arguments    x0 x1 x2 x3 x4 x5
 *   return       x0; -4095..-1 is -errno
 *   clobbers     memory only: the kernel preserves every other register
 *   quirks       the kernel may run with 4, 16 or 64 KiB pages: never assume 4096
 *                aarch64_be: data is big-endian, instructions stay
 *                little-endian (what writes machine code must know); the
 *                system calls, their numbers and this header's code are
 *                the same for both.
 */
#ifndef RTM_ARCH_AARCH64_H
#define RTM_ARCH_AARCH64_H

#if defined(__AARCH64EB__)
#define RTM_ARCH_NAME "aarch64_be"
#else
#define RTM_ARCH_NAME "aarch64"
#endif

#include "generic_nr.h"

static inline long rtm_syscall0(long nr)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0");
	__asm__ __volatile__("svc #0" : "=r"(x0) : "r"(x8) : "memory");
	return x0;
}

static inline long rtm_syscall1(long nr, long a1)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a1;
	__asm__ __volatile__("svc #0" : "+r"(x0) : "r"(x8) : "memory");
	return x0;
}

static inline long rtm_syscall2(long nr, long a1, long a2)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a1;
	register long x1 __asm__("x1") = a2;
	__asm__ __volatile__("svc #0" : "+r"(x0) : "r"(x8), "r"(x1) : "memory");
	return x0;
}

static inline long rtm_syscall3(long nr, long a1, long a2, long a3)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a1;
	register long x1 __asm__("x1") = a2;
	register long x2 __asm__("x2") = a3;
	__asm__ __volatile__("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}

static inline long rtm_syscall4(long nr, long a1, long a2, long a3, long a4)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a1;
	register long x1 __asm__("x1") = a2;
	register long x2 __asm__("x2") = a3;
	register long x3 __asm__("x3") = a4;
	__asm__ __volatile__("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3)
	                     : "memory");
	return x0;
}

static inline long rtm_syscall5(long nr, long a1, long a2, long a3, long a4, long a5)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a1;
	register long x1 __asm__("x1") = a2;
	register long x2 __asm__("x2") = a3;
	register long x3 __asm__("x3") = a4;
	register long x4 __asm__("x4") = a5;
	__asm__ __volatile__("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4)
	                     : "memory");
	return x0;
}

static inline long rtm_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a1;
	register long x1 __asm__("x1") = a2;
	register long x2 __asm__("x2") = a3;
	register long x3 __asm__("x3") = a4;
	register long x4 __asm__("x4") = a5;
	register long x5 __asm__("x5") = a6;
	__asm__ __volatile__("svc #0" : "+r"(x0)
	                     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
	                     : "memory");
	return x0;
}

/* Instruction-cache maintenance (rtm_icache_flush, <rtmem/code.h>).
 *
 * Instruction fetch is not coherent with data stores here. The Arm ARM
 * (DDI 0487, "Synchronization and coherency issues between data and
 * instruction accesses") gives the sequence for new code, by address, to
 * the point of unification (where the data and instruction sides meet):
 *   dc cvau   each data-cache line: clean the stores out of the data cache
 *   dsb ish   wait for the cleans
 *   ic ivau   each instruction-cache line: drop the stale instructions
 *   dsb ish   wait for the invalidations
 *   isb       drop what this core has already fetched
 * CTR_EL0 says how much of it this machine needs, and the line sizes:
 *   IminLine [3:0], DminLine [19:16]: log2 of the smallest instruction /
 *            data cache line, in 4-byte words (the loops step by it);
 *   IDC [28] set: the data cache need not be cleaned for coherence: no
 *            dc cvau (the first dsb ish stays: the stores must be complete
 *            before the instruction side is synchronized);
 *   DIC [29] set: the instruction cache need not be invalidated: no ic
 *            ivau, nor the dsb that waits for it.
 * EL0 may read CTR_EL0 and issue dc cvau / ic ivau because Linux sets
 * SCTLR_EL1.UCT and UCI; where its cores disagree on line sizes, or an
 * erratum needs it, the kernel traps the read and answers the safe value.
 * The loops run over whole lines from the one holding p to the one holding
 * p + n - 1, so a range that starts or ends mid-line is covered.
 *
 * Other threads: dc cvau and ic ivau reach every core of the inner
 * shareable domain, but a core that has already fetched the old
 * instructions (patched code, memory reused for new code) may run them
 * until it takes a context synchronization event (an isb, an exception
 * return). membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE) gives
 * every running thread of the process one. Where the kernel lacks SYNC_CORE, the plain
 * MEMBARRIER_CMD_PRIVATE_EXPEDITED does: its IPI returns to each thread
 * through the same exception return (the kernel's membarrier-sync-core
 * arch-support notes): RTM_ARCH_ICACHE_SYNC_CORE 2, SYNC_CORE else that.
 */
#define RTM_ARCH_ICACHE_SYNC_CORE 2

#include <stddef.h>

static inline long rtm_arch_icache_flush(void *p, size_t n)
{
	unsigned long ctr, first, last, line;
	unsigned shift;

	if (n == 0)
		return 0;
	first = (unsigned long)p;
	last = first + n - 1;
	__asm__ __volatile__("mrs %0, ctr_el0" : "=r"(ctr));
	if (!(ctr & (1UL << 28))) {
		shift = (unsigned)((ctr >> 16) & 15) + 2;
		for (line = first >> shift; line <= last >> shift; line++)
			__asm__ __volatile__("dc cvau, %0" : : "r"(line << shift) : "memory");
	}
	__asm__ __volatile__("dsb ish" : : : "memory");
	if (!(ctr & (1UL << 29))) {
		shift = (unsigned)(ctr & 15) + 2;
		for (line = first >> shift; line <= last >> shift; line++)
			__asm__ __volatile__("ic ivau, %0" : : "r"(line << shift) : "memory");
		__asm__ __volatile__("dsb ish" : : : "memory");
	}
	__asm__ __volatile__("isb" : : : "memory");
	return 0;
}

#endif
