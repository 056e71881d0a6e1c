/* sparc64 Linux system calls (SPARC V9, 64-bit ABI).
 *
 *   instruction  ta 0x6d (0x10 is the 32-bit ABI's trap)
 *   number       g1
 *   arguments    o0 o1 o2 o3 o4 o5
 *   return       o0; the carry flag of %xcc is the error flag: when it is
 *                set, o0 holds a POSITIVE errno, turned here into -errno
 *                (an annulled branch runs the negation only then)
 *   clobbers     the condition codes, memory (the kernel gives back every
 *                other register as it was)
 *   quirks       pages are 8 KiB (qemu-sparc64 enforces them too): every
 *                size and address rounding is by rtm_page_size().
 *                Every stack pointer is biased: %sp + 2047 is the real
 *                address (start.h's _start, and anyone switching stacks,
 *                must add it).
 *                MAP_NORESERVE is 0x40, O_CLOEXEC 0x400000, and errno
 *                numbers past 34 follow SunOS (<rtmem/errno.h>).
 *                mmap takes a byte offset in a 64-bit register: no mmap2.
 *   atomics      gcc emits cas (32 bits) and casx (64 bits) inline, and
 *                the membars the memory orders need: no libatomic, no
 *                libgcc helper (test/arch checks the archive).
 */
#ifndef RTM_ARCH_SPARC64_H
#define RTM_ARCH_SPARC64_H

#define RTM_ARCH_NAME "sparc64"

#define RTM_NR_read       3
#define RTM_NR_write      4
#define RTM_NR_close      6
#define RTM_NR_getpid     20
#define RTM_NR_kill       37
#define RTM_NR_msync      65
#define RTM_NR_mmap       71
#define RTM_NR_munmap     73
#define RTM_NR_mprotect   74
#define RTM_NR_madvise    75
#define RTM_NR_fcntl      92
#define RTM_NR_ftruncate  130
#define RTM_NR_prctl      147
#define RTM_NR_exit_group 188
#define RTM_NR_openat     284
#define RTM_NR_memfd_create 348
#define RTM_NR_membarrier 351

#define RTM_MAP_NORESERVE 0x0040
#define RTM_O_CLOEXEC     0x400000

static inline long rtm_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long g1 __asm__("g1") = nr;
	register long o0 __asm__("o0") = a1;
	register long o1 __asm__("o1") = a2;
	register long o2 __asm__("o2") = a3;
	register long o3 __asm__("o3") = a4;
	register long o4 __asm__("o4") = a5;
	register long o5 __asm__("o5") = a6;
	__asm__ __volatile__("ta 0x6d\n\t"
	                     "bcs,a,pn %%xcc, 1f\n\t"
	                     " sub %%g0, %%o0, %%o0\n"
	                     "1:"
	                     : "+r"(o0)
	                     : "r"(g1), "r"(o1), "r"(o2), "r"(o3), "r"(o4), "r"(o5)
	                     : "cc", "memory");
	return o0;
}

/* The out registers are the caller's scratch registers anyway: a zero
 * loaded into an unused one costs one instruction. */
#include "short_forms.h"

/* Instruction-cache maintenance (rtm_icache_flush, <rtmem/code.h>).
 *
 * SPARC V9 does not keep instruction fetch coherent with stores: its
 * FLUSH instruction, unprivileged, makes the doubleword at its address
 * (8 bytes; an implementation may do a whole line) consistent between
 * stores and instruction fetch, for this processor and, eventually, for
 * every other one. UltraSPARC orders a FLUSH like a store, waits for the
 * stores before it, and throws away the instructions fetched after it:
 * the thread that flushed runs the new code from the next instruction on.
 * So a flush every 8 bytes over the range, from its aligned start; no
 * system call (Linux has no cacheflush call on sparc, and its own
 * flush_icache_range does the same loop where the cache needs it).
 * The flush goes by the address the code runs at: it is the I-cache's
 * view that must learn of the stores. The writable alias of a DUAL region
 * must have the same cache colour as the executable view: Linux refuses,
 * on every sparc64, a MAP_FIXED shared mapping whose address and file
 * offset differ modulo SHMLBA (16 KiB, fixed for UltraSPARC I and II,
 * whose data cache is indexed by more bits than a page has) with EINVAL.
 * RTM_ARCH_SHMLBA: sys/linux/code_os.c places both views on that boundary.
 * The inline answers 0: there is no kernel to answer, and FLUSH reports
 * nothing.
 *
 * Other threads: a FLUSH reaches every processor's instruction cache, but
 * a processor that has already fetched the old instructions may run them
 * until it next synchronizes its pipeline. Linux has no membarrier
 * SYNC_CORE on sparc (EINVAL; the kernel's arch-support list marks it
 * TODO), and nothing documents that the trap return ending a plain
 * expedited membarrier's interrupt synchronizes a core here, as arm's and
 * aarch64's exception returns do: RTM_ARCH_ICACHE_SYNC_CORE 0, and keeping
 * threads out of code while it is patched is the caller's part.
 */
#define RTM_ARCH_SHMLBA 0x4000
#define RTM_ARCH_ICACHE_SYNC_CORE 0

#include <stddef.h>

static inline long rtm_arch_icache_flush(void *p, size_t n)
{
	unsigned long a, end;

	if (n == 0)
		return 0;
	end = (unsigned long)p + n;
	for (a = (unsigned long)p & ~7UL; a < end; a += 8)
		__asm__ __volatile__("flush %0" : : "r"(a) : "memory");
	return 0;
}

#endif
