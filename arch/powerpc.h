/* powerpc Linux system calls: 32-bit powerpc, ppc64 (big-endian, ELFv1)
 * and ppc64le (ELFv2) share the kernel's one system call table and entry.
 *
 *   instruction  sc
 *   number       r0
 *   arguments    r3 r4 r5 r6 r7 r8
 *   return       r3; on failure the kernel sets CR0.SO and r3 holds a
 *                POSITIVE errno. "bns+ 1f; neg" below turns that into the
 *                -errno every other architecture returns.
 *   clobbers     r0 r4-r12, ctr, xer, cr0 cr1 cr5-cr7, memory
 *                (Documentation/powerpc/syscall64-abi.rst; glibc's and
 *                musl's 32-bit stubs clobber a subset, r9-r12 and cr0, so
 *                the 64-bit list covers both)
 *   quirks       pages of 4 KiB to 256 KiB by kernel configuration (64 KiB
 *                is the usual ppc64 one; 16 KiB and 256 KiB exist on
 *                32-bit embedded cores), so the page size is only ever
 *                learned. 32-bit: a register holds one argument, and no
 *                call here takes a 64-bit one (ftruncate's length is a
 *                long); mmap2 (192) takes the offset in 4096-byte units
 *                whatever the page size. The ELFv1/ELFv2 difference
 *                (function descriptors) is start.h's and the caller's,
 *                not the system call's.
 *   atomics      lwarx/stwcx. (ldarx/stdcx. on 64-bit) for what the core
 *                keeps atomic, none wider than a pointer (size_t and
 *                uintptr_t counters and masks): 32-bit powerpc has no
 *                64-bit atomics, and none is asked of it, so nothing calls
 *                libatomic (test/arch's archive check holds it to that).
 *                At -Os gcc calls out-of-line register save/restore
 *                routines on 32-bit: sys/linux/ppc32_savres.c has them.
 */
#ifndef RTM_ARCH_POWERPC_H
#define RTM_ARCH_POWERPC_H

#if defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
#define RTM_ARCH_NAME "ppc64le"
#elif defined(__powerpc64__)
#define RTM_ARCH_NAME "ppc64"
#else
#define RTM_ARCH_NAME "powerpc"
#define RTM_MMAP2_SHIFT 12
#endif

#define RTM_NR_read       3
#define RTM_NR_write      4
#define RTM_NR_close      6
#define RTM_NR_memfd_create 360
#define RTM_NR_ftruncate  93
#define RTM_NR_fcntl      55
#define RTM_NR_membarrier 365
#define RTM_NR_getpid     20
#define RTM_NR_kill       37
#ifdef RTM_MMAP2_SHIFT
#define RTM_NR_mmap       192 /* mmap2 */
#else
#define RTM_NR_mmap       90
#endif
#define RTM_NR_munmap     91
#define RTM_NR_mprotect   125
#define RTM_NR_msync      144
#define RTM_NR_prctl      171
#define RTM_NR_madvise    205
#define RTM_NR_exit_group 234
#define RTM_NR_openat     286

#define RTM_MAP_NORESERVE 0x40

#define RTM_PPC_SC "sc\n\tbns+ 1f\n\tneg %1, %1\n1:"
#define RTM_PPC_CLOBBERS "memory", "cr0", "cr1", "cr5", "cr6", "cr7", "ctr", "xer", \
	"r9", "r10", "r11", "r12"

static inline long rtm_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r0 __asm__("r0") = nr;
	register long r3 __asm__("r3") = a1;
	register long r4 __asm__("r4") = a2;
	register long r5 __asm__("r5") = a3;
	register long r6 __asm__("r6") = a4;
	register long r7 __asm__("r7") = a5;
	register long r8 __asm__("r8") = a6;
	__asm__ __volatile__(RTM_PPC_SC
	                     : "+r"(r0), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7), "+r"(r8)
	                     : : RTM_PPC_CLOBBERS);
	return r3;
}

#include "short_forms.h"

/* Instruction-cache maintenance (rtm_icache_flush, <rtmem/code.h>).
 *
 * Instruction fetch is not coherent with data stores here. The Power ISA
 * (Book II, "Instruction Storage") gives the sequence for modified
 * instructions, by cache block, which the kernel's own flush_icache_range
 * follows:
 *   dcbst  each block: write the modified data-cache block to storage
 *   sync   wait for the writes
 *   icbi   each block: invalidate the instruction-cache block
 *   sync   wait for the invalidations
 *   isync  discard the instructions this processor has already fetched
 * The block size: there is no register a problem-state program can read
 * for it. The kernel tells it in the auxiliary vector (AT_DCACHEBSIZE 19,
 * AT_ICACHEBSIZE 20), which rtmem does not keep (rtm_set_auxv reads
 * AT_PAGESZ alone, and a hosted program never hands it the vector). So
 * the loops step by the smallest block Linux knows for the word size
 * (asm/cache.h's L1_CACHE_SHIFT): 64-bit, 32 bytes, no more than the
 * block of any 64-bit Power processor (POWER8, 9 and 10: 128; Microwatt
 * and the A2: 64); 32-bit, 16 bytes, the MPC8xx's line (603, 7xx, 74xx,
 * e300 and e500: 32; e500mc: 64; 47x: 128). Stepping finer than the
 * block only repeats a block's operation, which is harmless; stepping
 * coarser would skip blocks. On a 128-byte machine that is four (eight)
 * times the instructions needed. (Many POWER processors
 * even snoop stores into the instruction cache, and the kernel then does
 * a single icbi; a program cannot tell without the auxv's AT_HWCAP,
 * PPC_FEATURE_ICACHE_SNOOP.)
 *
 * Other threads: dcbst and icbi act on every processor's caches for
 * coherence-required storage (all of a process's memory), but a processor
 * that has already fetched the old instructions (patched code, memory
 * reused for new code) may run them until it executes isync or another
 * context-synchronizing event. membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_
 * SYNC_CORE) gives every running thread of the process one (the kernel
 * returns to it by rfid, rfi on 32-bit; powerpc has it from Linux 5.9).
 * Where the kernel lacks SYNC_CORE, the plain
 * MEMBARRIER_CMD_PRIVATE_EXPEDITED does: its IPI returns to each thread
 * through the same exception return (the kernel's membarrier-sync-core
 * arch-support notes): RTM_ARCH_ICACHE_SYNC_CORE 2, SYNC_CORE else that.
 */
#define RTM_ARCH_ICACHE_SYNC_CORE 2
#ifdef __powerpc64__
#define RTM_PPC_ICACHE_BLOCK_SHIFT 5
#else
#define RTM_PPC_ICACHE_BLOCK_SHIFT 4
#endif

#include <stddef.h>

static inline long rtm_arch_icache_flush(void *p, size_t n)
{
	unsigned long first, last, block;

	if (n == 0)
		return 0;
	first = (unsigned long)p >> RTM_PPC_ICACHE_BLOCK_SHIFT;
	last = ((unsigned long)p + n - 1) >> RTM_PPC_ICACHE_BLOCK_SHIFT;
	for (block = first; block <= last; block++)
		__asm__ __volatile__("dcbst 0, %0"
		                     : : "r"(block << RTM_PPC_ICACHE_BLOCK_SHIFT) : "memory");
	__asm__ __volatile__("sync" : : : "memory");
	for (block = first; block <= last; block++)
		__asm__ __volatile__("icbi 0, %0"
		                     : : "r"(block << RTM_PPC_ICACHE_BLOCK_SHIFT) : "memory");
	__asm__ __volatile__("sync\n\tisync" : : : "memory");
	return 0;
}

#endif
