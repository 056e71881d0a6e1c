/* sh4 (SuperH, little-endian) Linux system calls.
 *
 *   instruction  trapa #31
 *   number       r3
 *   arguments    r4 r5 r6 r7 r0 r1
 *   return       r0; -4095..-1 is -errno
 *   clobbers     memory and the T bit; the kernel restores every other register
 *   quirks       the trap number is no argument count: on SH-3/4 the
 *                kernel takes every trapa below #32 as a system call
 *                (entry-common.S compares TRA with 0x20 << 2 and reads no
 *                other bit), so "#0x10 + number of arguments" was a
 *                convention only; #31 is what musl uses for every SH model.
 *                The five no-ops musl puts after it work around an SH-2
 *                erratum (Renesas TN-SH7-456), not an SH-4 one.
 *                The 5th and 6th arguments go in r0 and r1, so r0 is both
 *                an argument and the answer.
 *                There is no plain mmap to use: mmap2 (192) takes the
 *                offset in 4096-byte units whatever the page size (4 to 64
 *                KiB on SH-4 kernels: never assume 4096).
 *                Atomics: SH-4 has no compare-and-swap instruction. gcc's
 *                Linux default, -matomic-model=soft-gusa, inlines the
 *                kernel's gUSA restartable sequences for 1, 2 and 4 bytes;
 *                the core uses no wider atomic (every _Atomic is a word),
 *                so no libatomic call appears (test/arch checks).
 */
#ifndef RTM_ARCH_SH4_H
#define RTM_ARCH_SH4_H

#define RTM_ARCH_NAME "sh4"
#define RTM_MMAP2_SHIFT 12

#define RTM_NR_read       3
#define RTM_NR_write      4
#define RTM_NR_close      6
#define RTM_NR_getpid     20
#define RTM_NR_kill       37
#define RTM_NR_fcntl      55
#define RTM_NR_munmap     91
#define RTM_NR_ftruncate  93
#define RTM_NR_mprotect   125
#define RTM_NR_msync      144
#define RTM_NR_prctl      172
#define RTM_NR_mmap       192 /* mmap2 */
#define RTM_NR_madvise    219
#define RTM_NR_exit_group 252
#define RTM_NR_openat     295
#define RTM_NR_memfd_create 374
#define RTM_NR_membarrier 378

static inline long rtm_syscall0(long nr)
{
	register long r3 __asm__("r3") = nr;
	register long r0 __asm__("r0");
	__asm__ __volatile__("trapa #31" : "=r"(r0) : "r"(r3) : "memory", "t");
	return r0;
}

static inline long rtm_syscall1(long nr, long a1)
{
	register long r3 __asm__("r3") = nr;
	register long r4 __asm__("r4") = a1;
	register long r0 __asm__("r0");
	__asm__ __volatile__("trapa #31" : "=r"(r0) : "r"(r3), "r"(r4) : "memory", "t");
	return r0;
}

static inline long rtm_syscall2(long nr, long a1, long a2)
{
	register long r3 __asm__("r3") = nr;
	register long r4 __asm__("r4") = a1;
	register long r5 __asm__("r5") = a2;
	register long r0 __asm__("r0");
	__asm__ __volatile__("trapa #31" : "=r"(r0) : "r"(r3), "r"(r4), "r"(r5)
	                     : "memory", "t");
	return r0;
}

static inline long rtm_syscall3(long nr, long a1, long a2, long a3)
{
	register long r3 __asm__("r3") = nr;
	register long r4 __asm__("r4") = a1;
	register long r5 __asm__("r5") = a2;
	register long r6 __asm__("r6") = a3;
	register long r0 __asm__("r0");
	__asm__ __volatile__("trapa #31" : "=r"(r0) : "r"(r3), "r"(r4), "r"(r5), "r"(r6)
	                     : "memory", "t");
	return r0;
}

static inline long rtm_syscall4(long nr, long a1, long a2, long a3, long a4)
{
	register long r3 __asm__("r3") = nr;
	register long r4 __asm__("r4") = a1;
	register long r5 __asm__("r5") = a2;
	register long r6 __asm__("r6") = a3;
	register long r7 __asm__("r7") = a4;
	register long r0 __asm__("r0");
	__asm__ __volatile__("trapa #31"
	                     : "=r"(r0)
	                     : "r"(r3), "r"(r4), "r"(r5), "r"(r6), "r"(r7)
	                     : "memory", "t");
	return r0;
}

static inline long rtm_syscall5(long nr, long a1, long a2, long a3, long a4, long a5)
{
	register long r3 __asm__("r3") = nr;
	register long r4 __asm__("r4") = a1;
	register long r5 __asm__("r5") = a2;
	register long r6 __asm__("r6") = a3;
	register long r7 __asm__("r7") = a4;
	register long r0 __asm__("r0") = a5;
	__asm__ __volatile__("trapa #31"
	                     : "+r"(r0)
	                     : "r"(r3), "r"(r4), "r"(r5), "r"(r6), "r"(r7)
	                     : "memory", "t");
	return r0;
}

static inline long rtm_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r3 __asm__("r3") = nr;
	register long r4 __asm__("r4") = a1;
	register long r5 __asm__("r5") = a2;
	register long r6 __asm__("r6") = a3;
	register long r7 __asm__("r7") = a4;
	register long r0 __asm__("r0") = a5;
	register long r1 __asm__("r1") = a6;
	__asm__ __volatile__("trapa #31"
	                     : "+r"(r0)
	                     : "r"(r3), "r"(r4), "r"(r5), "r"(r6), "r"(r7), "r"(r1)
	                     : "memory", "t");
	return r0;
}

/* Instruction-cache maintenance (rtm_icache_flush, <rtmem/code.h>).
 *
 * SH-4's instruction cache does not snoop its operand (data) cache, and
 * the instructions that invalidate it by address are privileged (a write
 * to the memory-mapped cache array), so the kernel is asked:
 * cacheflush(addr, len, op) (123, arch/sh/kernel/sys_sh.c), op
 * CACHEFLUSH_D_WB | CACHEFLUSH_I: write the range's dirty data-cache lines
 * back, then invalidate its instruction-cache lines, on every CPU
 * (flush_icache_range runs on each). The kernel refuses a range that is
 * not inside one mapping (EFAULT), and mappings meet at page boundaries,
 * which are 4 KiB boundaries whatever the page size: so the range goes
 * in 4 KiB pieces, one call each (one call for a function that does not
 * cross one). The inline answers the first refusal's -errno, or 0, which
 * rtm_code_publish reports.
 * The data cache is indexed by virtual address bits above the page (16
 * KiB ways on SH7750), so a line written through a writable alias is
 * where this flush, by the executable address, looks only when the two
 * addresses have the same colour; Linux refuses a MAP_FIXED shared
 * mapping at another colour (arch/sh/mm/mmap.c, shm_align_mask: EINVAL).
 * RTM_ARCH_SHMLBA: sys/linux/code_os.c places both views on that
 * boundary, so they never alias.
 *
 * Other threads: covered by the call, on every CPU:
 * RTM_ARCH_ICACHE_SYNC_CORE 0 (sh has no membarrier SYNC_CORE).
 */
#define RTM_ARCH_SHMLBA 0x4000
#define RTM_ARCH_ICACHE_SYNC_CORE  0
#define RTM_ARCH_NR_cacheflush     123
#define RTM_ARCH_CACHEFLUSH_D_WB   0x2
#define RTM_ARCH_CACHEFLUSH_I      0x4

#include <stddef.h>

static inline long rtm_arch_icache_flush(void *p, size_t n)
{
	unsigned long a = (unsigned long)p, end = a + n, piece;
	long r;

	while (a < end) {
		piece = ((a | 4095) + 1) - a; /* to the next 4 KiB boundary */
		if (piece > end - a)
			piece = end - a;
		r = rtm_syscall3(RTM_ARCH_NR_cacheflush, (long)a, (long)piece,
		                 RTM_ARCH_CACHEFLUSH_D_WB | RTM_ARCH_CACHEFLUSH_I);
		if (r != 0)
			return r;
		a += piece;
	}
	return 0;
}

#endif
