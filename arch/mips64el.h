/* mips64el Linux system calls, n64 ABI.
 *
 *   instruction  syscall
 *   number       v0 ($2), n64 numbers start at 5000
 *   arguments    a0-a5 ($4-$9)
 *   return       v0; a3 ($7) is the error flag: when it is set, v0 holds a
 *                POSITIVE errno, turned here into -errno
 *   clobbers     $1 $3 $10-$15 $24 $25 hi lo, memory (and $7, the flag);
 *                R6 (__mips_isa_rev >= 6: mips64r6, mipsisa64r6el) has no
 *                hi/lo registers and gcc refuses them as clobbers there
 *   quirks       old kernels restart an interrupted syscall by re-running
 *                the instruction before it, so that instruction loads v0.
 *                MAP_ANONYMOUS is 0x800 and MAP_NORESERVE 0x400 here.
 *                Kernels commonly run with 16 or 64 KiB pages.
 */
#ifndef RTM_ARCH_MIPS64EL_H
#define RTM_ARCH_MIPS64EL_H

#define RTM_ARCH_NAME "mips64el"

#define RTM_NR_read       5000
#define RTM_NR_write      5001
#define RTM_NR_close      5003
#define RTM_NR_memfd_create 5314
#define RTM_NR_ftruncate  5075
#define RTM_NR_fcntl      5070
#define RTM_NR_membarrier 5318
#define RTM_NR_mmap       5009
#define RTM_NR_mprotect   5010
#define RTM_NR_munmap     5011
#define RTM_NR_msync      5025
#define RTM_NR_madvise    5027
#define RTM_NR_getpid     5038
#define RTM_NR_kill       5060
#define RTM_NR_prctl      5153
#define RTM_NR_exit_group 5205
#define RTM_NR_openat     5247

#define RTM_MAP_NORESERVE 0x0400
#define RTM_MAP_ANONYMOUS 0x0800
#define RTM_MAP_POPULATE  0x10000

/* As musl's arch/mips64/syscall_arch.h and nolibc's arch-mips.h do. */
#if defined(__mips_isa_rev) && __mips_isa_rev >= 6
#define RTM_MIPS_CLOBBERS "$1", "$3", "$10", "$11", "$12", "$13", "$14", "$15", \
                          "$24", "$25", "memory"
#else
#define RTM_MIPS_CLOBBERS "$1", "$3", "$10", "$11", "$12", "$13", "$14", "$15", \
                          "$24", "$25", "hi", "lo", "memory"
#endif

static inline long rtm_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long v0 __asm__("$2");
	register long r4 __asm__("$4") = a1;
	register long r5 __asm__("$5") = a2;
	register long r6 __asm__("$6") = a3;
	register long r7 __asm__("$7") = a4;
	register long r8 __asm__("$8") = a5;
	register long r9 __asm__("$9") = a6;
	__asm__ __volatile__("daddu $2, $0, %2\n\tsyscall"
	                     : "=&r"(v0), "+r"(r7)
	                     : "r"(nr), "r"(r4), "r"(r5), "r"(r6), "r"(r8), "r"(r9)
	                     : RTM_MIPS_CLOBBERS);
	return r7 ? -v0 : v0;
}

#include "short_forms.h"

/* Instruction-cache maintenance (rtm_icache_flush, <rtmem/code.h>).
 *
 * Instruction fetch is not coherent with data stores here. Release 2 and
 * later give user code synci (per SYNCI_Step bytes, read with rdhwr $1)
 * followed by sync and an instruction hazard barrier (jr.hb); release 1
 * has nothing a user program can issue. rtmem asks the kernel instead:
 * cacheflush(addr, nbytes, cache) (n64 5197; cache BCACHE 3, which the
 * kernel ignores: it always does both caches). Why not synci:
 *  - how far synci reaches is the core's business. Cavium Octeon (mips64
 *    R2, multi-core) invalidates the calling core's instruction cache
 *    only; its kernel sends every other core an IPI to do the same
 *    (octeon_flush_icache_all_cores). A core with a Coherence Manager
 *    broadcasts the operation; Loongson 3 fills its instruction cache from
 *    the data cache and needs nothing. The kernel knows which machine it
 *    runs on and does what that one needs (r4k_on_each_cpu sends IPIs
 *    where the hit operations are not global), a user program does not;
 *  - one path for R1, R2 and R6 (the hazard-barrier encodings differ:
 *    jr.hb is jalr.hb $zero on R6);
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
#define RTM_ARCH_NR_cacheflush    5197
#define RTM_ARCH_BCACHE           3

#include <stddef.h>

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
