/* m68k Linux system calls (68020 and later: what Debian's m68k port and
 * qemu-m68k run; ColdFire is another ABI and not this header's).
 *
 *   instruction  trap #0
 *   number       d0
 *   arguments    d1 d2 d3 d4 d5 a0
 *   return       d0; -4095..-1 is -errno
 *   clobbers     memory only (the kernel saves every other register)
 *   quirks       d2-d5 are callee-saved in the C ABI: gcc saves the ones a
 *                call uses around it, which the asm operands tell it.
 *                There is no plain mmap for 64-bit offsets: mmap2 (192)
 *                takes the offset in 4096-byte units, also on the Sun 3
 *                with its 8 KiB pages (the kernel's own comment on
 *                sys_mmap2 says so).
 *                The C ABI aligns int, long and pointers to 2 bytes only,
 *                in structures and as globals.
 *   atomics      gcc inlines cas.l for every atomic of 8, 16 and 32 bits
 *                (68020 and later have cas; no libatomic, no libgcc
 *                helper, no kernel helper: test/arch checks the archive).
 *                There is no 64-bit compare-and-swap (cas2 is two separate
 *                words, not one 64-bit operand), and rtmem needs none: its
 *                atomics are size_t, uintptr_t and pointers, 32 bits here.
 *                cas.l accepts an operand at any even address, so the
 *                ABI's 2-byte alignment is no problem: the 68020 and 68030
 *                run it as locked bus cycles, the 68060 traps to the
 *                kernel's integer support package, which emulates it.
 *                m68k Linux is uniprocessor only: the memory orders need
 *                no fence instruction.
 */
#ifndef RTM_ARCH_M68K_H
#define RTM_ARCH_M68K_H

#define RTM_ARCH_NAME "m68k"
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
#define RTM_NR_madvise    238
#define RTM_NR_exit_group 247
#define RTM_NR_openat     288
#define RTM_NR_memfd_create 353
#define RTM_NR_membarrier 374

static inline long rtm_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long d0 __asm__("d0") = nr;
	register long d1 __asm__("d1") = a1;
	register long d2 __asm__("d2") = a2;
	register long d3 __asm__("d3") = a3;
	register long d4 __asm__("d4") = a4;
	register long d5 __asm__("d5") = a5;
	register long a0 __asm__("a0") = a6;
	__asm__ __volatile__("trap #0"
	                     : "+r"(d0)
	                     : "r"(d1), "r"(d2), "r"(d3), "r"(d4), "r"(d5), "r"(a0)
	                     : "memory");
	return d0;
}

/* The shorter forms load fewer registers: d2-d5 are callee-saved, so an
 * unused argument would cost a save and a restore besides the load. */
static inline long rtm_syscall0(long nr)
{
	register long d0 __asm__("d0") = nr;
	__asm__ __volatile__("trap #0" : "+r"(d0) : : "memory");
	return d0;
}

static inline long rtm_syscall1(long nr, long a1)
{
	register long d0 __asm__("d0") = nr;
	register long d1 __asm__("d1") = a1;
	__asm__ __volatile__("trap #0" : "+r"(d0) : "r"(d1) : "memory");
	return d0;
}

static inline long rtm_syscall2(long nr, long a1, long a2)
{
	register long d0 __asm__("d0") = nr;
	register long d1 __asm__("d1") = a1;
	register long d2 __asm__("d2") = a2;
	__asm__ __volatile__("trap #0" : "+r"(d0) : "r"(d1), "r"(d2) : "memory");
	return d0;
}

static inline long rtm_syscall3(long nr, long a1, long a2, long a3)
{
	register long d0 __asm__("d0") = nr;
	register long d1 __asm__("d1") = a1;
	register long d2 __asm__("d2") = a2;
	register long d3 __asm__("d3") = a3;
	__asm__ __volatile__("trap #0" : "+r"(d0) : "r"(d1), "r"(d2), "r"(d3) : "memory");
	return d0;
}

static inline long rtm_syscall4(long nr, long a1, long a2, long a3, long a4)
{
	register long d0 __asm__("d0") = nr;
	register long d1 __asm__("d1") = a1;
	register long d2 __asm__("d2") = a2;
	register long d3 __asm__("d3") = a3;
	register long d4 __asm__("d4") = a4;
	__asm__ __volatile__("trap #0" : "+r"(d0) : "r"(d1), "r"(d2), "r"(d3), "r"(d4)
	                     : "memory");
	return d0;
}

static inline long rtm_syscall5(long nr, long a1, long a2, long a3, long a4, long a5)
{
	register long d0 __asm__("d0") = nr;
	register long d1 __asm__("d1") = a1;
	register long d2 __asm__("d2") = a2;
	register long d3 __asm__("d3") = a3;
	register long d4 __asm__("d4") = a4;
	register long d5 __asm__("d5") = a5;
	__asm__ __volatile__("trap #0" : "+r"(d0) : "r"(d1), "r"(d2), "r"(d3), "r"(d4), "r"(d5)
	                     : "memory");
	return d0;
}

/* Instruction-cache maintenance (rtm_icache_flush, <rtmem/code.h>).
 *
 * The 68020 and 68030 have a small instruction cache, the 68040 and 68060
 * split instruction and data caches (copy-back data cache), and none of
 * them keeps instruction fetch coherent with stores; the cache control
 * instructions (movec to CACR, cpush, cinv) are privileged. So the kernel
 * is asked: cacheflush(addr, scope, cache, len) (123), with scope
 * FLUSH_SCOPE_LINE (1: the lines of the range; the 68020/030 path clears
 * the whole instruction cache) and cache FLUSH_CACHE_BOTH (3: the data
 * cache is pushed to memory first, then the instruction cache is
 * invalidated). FLUSH_SCOPE_ALL would need CAP_SYS_ADMIN.
 *
 * The kernel takes a range only within one mapping (the vma holding addr
 * must hold addr + len; else EINVAL). Code regions flush ranges of one
 * mapping, but rtm_icache_flush promises any range of code: when the whole
 * range is refused with EINVAL, it is flushed again in pieces that never
 * cross a 4096-byte boundary, each within one page (no Linux page is
 * smaller) and so within one mapping. The return from the system call is
 * an rte, which discards what this core had prefetched.
 * On the 68040 and 68060 the kernel finds each page's physical address by
 * a table walk (ptestr) and skips a page that has no entry at that address
 * yet, rather than faulting it in (cache_flush_040 and _060 in
 * arch/m68k/kernel/sys_m68k.c): a page written only through a DUAL
 * region's writable view can be one, and its dirty lines would stay in
 * the copy-back data cache. So each page of the range is read at that
 * address first (4096-byte steps: no m68k page is smaller; the executable
 * view is readable). A DUAL alias has no cache colour to keep: the 68040's
 * and 68060's caches (4 ways of 1 and 2 KiB) are indexed within a page,
 * and Linux keeps m68k's SHMLBA at the page size: no RTM_ARCH_SHMLBA.
 * The inline answers the kernel's 0 or -errno (EINVAL for a range that is
 * not mapped; a seccomp filter's refusal), which rtm_code_publish
 * reports.
 *
 * Other threads: m68k Linux runs on one core, and a thread switch goes
 * through the kernel and its rte: nothing more to do. Linux has no
 * membarrier SYNC_CORE for m68k: RTM_ARCH_ICACHE_SYNC_CORE 0.
 */
#define RTM_ARCH_ICACHE_SYNC_CORE 0
#define RTM_ARCH_NR_cacheflush    123
#define RTM_ARCH_FLUSH_SCOPE_LINE 1
#define RTM_ARCH_FLUSH_CACHE_BOTH 3

#include <stddef.h>

static inline long rtm_arch_icache_flush(void *p, size_t n)
{
	const volatile char *q = (const volatile char *)((unsigned long)p & ~4095UL);
	unsigned long a = (unsigned long)p, piece;
	long r;

	if (n == 0)
		return 0;
	for (; q < (const char *)p + n; q += 4096)
		(void)*q;
	r = rtm_syscall4(RTM_ARCH_NR_cacheflush, (long)a, RTM_ARCH_FLUSH_SCOPE_LINE,
	                 RTM_ARCH_FLUSH_CACHE_BOTH, (long)n);
	if (r != -22 /* EINVAL */)
		return r;
	for (; n > 0; a += piece, n -= piece) {
		piece = 4096 - (a & 4095);
		if (piece > n)
			piece = n;
		r = rtm_syscall4(RTM_ARCH_NR_cacheflush, (long)a, RTM_ARCH_FLUSH_SCOPE_LINE,
		                 RTM_ARCH_FLUSH_CACHE_BOTH, (long)piece);
		if (r != 0)
			return r;
	}
	return 0;
}

#endif
