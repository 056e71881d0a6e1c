/* What every mips Linux ABI shares (o32: arch/mips.h, n64: arch/mips64.h),
 * in either byte order: the kernel entry's contract, the mmap flags that
 * differ from asm-generic, and instruction-cache maintenance.
 *
 *   instruction  syscall, with the number in v0 ($2)
 *   return       v0; a3 ($7) is the error flag: when it is set, v0 holds a
 *                POSITIVE errno, turned here into -errno (rtm_mips_ret)
 *   clobbers     $1 $3 $10-$15 $24 $25 hi lo, memory (and $7, the flag);
 *                R6 (__mips_isa_rev >= 6) has no hi/lo registers and gcc
 *                refuses them as clobbers there. o32 also loses $8 and $9,
 *                which are argument registers only in n64
 *   quirks       old kernels restart an interrupted syscall by re-running
 *                the instruction before it, so that instruction loads v0
 *                from a register the kernel keeps. Some kernel paths (an
 *                out-of-range number's ENOSYS among them) set the flag AND
 *                leave a negative errno in v0 (musl 5db475f0): only a
 *                positive v0 is negated.
 *                MAP_ANONYMOUS is 0x800, MAP_NORESERVE 0x400 and
 *                MAP_POPULATE 0x10000 on every mips ABI (IRIX's numbering).
 *                Kernels commonly run with 16 or 64 KiB pages.
 */
#ifndef RTM_ARCH_MIPS_COMMON_H
#define RTM_ARCH_MIPS_COMMON_H

#include <stddef.h>

#define RTM_MAP_NORESERVE 0x0400
#define RTM_MAP_ANONYMOUS 0x0800
#define RTM_MAP_POPULATE  0x10000

/* As musl's arch/mips*\/syscall_arch.h and nolibc's arch-mips.h do. */
#if defined(__mips_isa_rev) && __mips_isa_rev >= 6
#define RTM_MIPS_CLOBBERS "$1", "$3", "$10", "$11", "$12", "$13", "$14", "$15", \
                          "$24", "$25", "memory"
#else
#define RTM_MIPS_CLOBBERS "$1", "$3", "$10", "$11", "$12", "$13", "$14", "$15", \
                          "$24", "$25", "hi", "lo", "memory"
#endif

/* v0 and the four argument registers that every mips ABI passes in
 * registers; a3 ($7) comes back as the error flag. */
#define RTM_MIPS_REGS(a1, a2, a3, a4)                                          \
	register long v0 __asm__("$2");                                       \
	register long r4 __asm__("$4") = (a1);                                \
	register long r5 __asm__("$5") = (a2);                                \
	register long r6 __asm__("$6") = (a3);                                \
	register long r7 __asm__("$7") = (a4)

/* The kernel's (v0, a3) as rtmem's one value: -errno on failure. */
static inline long rtm_mips_ret(long v0, long a3)
{
	return a3 && v0 > 0 ? -v0 : v0;
}

/* Defined by the ABI's header, after this one. */
static inline long rtm_syscall3(long nr, long a1, long a2, long a3);

/* Instruction-cache maintenance (rtm_icache_flush, <rtmem/code.h>).
 *
 * Instruction fetch is not coherent with data stores here. Release 2 and
 * later give user code synci (per SYNCI_Step bytes, read with rdhwr $1)
 * followed by sync and an instruction hazard barrier (jr.hb); release 1
 * has nothing a user program can issue. rtmem asks the kernel instead:
 * cacheflush(addr, nbytes, cache) (o32 4147, n64 5197; cache BCACHE 3,
 * which the kernel ignores: it always does both caches). Why not synci:
 *  - how far synci reaches is the core's business. Cavium Octeon (mips64
 *    R2, multi-core) invalidates the calling core's instruction cache
 *    only; its kernel sends every other core an IPI to do the same
 *    (octeon_flush_icache_all_cores). A core with a Coherence Manager
 *    broadcasts the operation; Loongson 3 fills its instruction cache from
 *    the data cache and needs nothing. The kernel knows which machine it
 *    runs on and does what that one needs (r4k_on_each_cpu sends IPIs
 *    where the hit operations are not global), a user program does not;
 *  - one path for R1, R2 and R6, 32-bit and 64-bit (the hazard-barrier
 *    encodings differ: jr.hb is jalr.hb $zero on R6; a MIPS32 R1 core
 *    such as the 4Kc has no synci at all);
 *  - the return from the system call is an eret, which clears the
 *    instruction hazards of this core: no jr.hb needed after it.
 * The cost: a system call per flush, where synci would cost a loop.
 * The flush goes by the address the code runs at. A writable alias of it
 * must have the same cache colour on cores whose data cache is indexed by
 * more address bits than a page has (the two addresses equal modulo
 * SHMLBA, 0x40000), or the dirty lines written through the alias would
 * sit where this flush does not look; Linux refuses a MAP_FIXED shared
 * mapping at another colour there (EINVAL). RTM_ARCH_SHMLBA:
 * sys/linux/code_os.c places both views on that boundary.
 * A page written only through such an alias may have no page-table entry
 * at the executable address yet, and a kernel that flushes with
 * preemption disabled (CONFIG_PREEMPT) skips a cache operation that would
 * fault there instead of faulting the page in (arch/mips/mm/c-r4k.c, the
 * protected_blast_* loops): the dirty lines would stay. So each page of
 * the range is read at that address first (4 KiB steps: no mips page is
 * smaller, and the executable view is readable).
 * The inline answers the kernel's 0 or -errno (EFAULT for a range it
 * cannot access; a seccomp filter's refusal), which rtm_code_publish
 * reports.
 *
 * Other threads: the kernel's flush reaches every core's cache (IPIs
 * where needed, and an IPI ends in an eret on the core it interrupted).
 * Linux has no MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE on mips (EINVAL)
 * and a user program has no other way to make a core that is running the
 * old instructions (patched code) drop them: that is the caller's part
 * (keep threads out of code while it is patched). RTM_ARCH_ICACHE_SYNC_CORE
 * 0: not available, and the kernel's flush is what there is.
 */
#define RTM_ARCH_SHMLBA 0x40000
#define RTM_ARCH_ICACHE_SYNC_CORE 0
#define RTM_ARCH_BCACHE           3

static inline long rtm_arch_icache_flush(void *p, size_t n)
{
	const volatile char *q = (const volatile char *)((unsigned long)p & ~4095UL);

	if (n == 0)
		return 0;
	for (; q < (const char *)p + n; q += 4096)
		(void)*q;
	return rtm_syscall3(RTM_ARCH_NR_cacheflush, (long)p, (long)n, RTM_ARCH_BCACHE);
}

#endif
