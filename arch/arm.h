/* 32-bit arm Linux system calls, EABI.
 *
 *   instruction  svc #0
 *   number       r7
 *   arguments    r0 r1 r2 r3 r4 r5
 *   return       r0; -4095..-1 is -errno
 *   clobbers     memory only
 *   quirks       in Thumb code r7 is the frame pointer, and gcc refuses it
 *                as an asm operand when frame pointers are on (-O0), so the
 *                Thumb stub saves r7, loads the number itself and restores
 *                it around the svc. ARM-mode code uses r7 directly (its
 *                frame pointer is r11).
 *                There is no plain mmap: mmap2 (192) takes the offset in
 *                4096-byte units whatever the page size (RTM_MMAP2_SHIFT).
 */
#ifndef RTM_ARCH_ARM_H
#define RTM_ARCH_ARM_H

#define RTM_ARCH_NAME "arm"
#define RTM_MMAP2_SHIFT 12

#define RTM_NR_read       3
#define RTM_NR_write      4
#define RTM_NR_close      6
#define RTM_NR_memfd_create 385
#define RTM_NR_ftruncate  93
#define RTM_NR_fcntl      55
#define RTM_NR_membarrier 389
#define RTM_NR_getpid     20
#define RTM_NR_kill       37
#define RTM_NR_munmap     91
#define RTM_NR_mprotect   125
#define RTM_NR_msync      144
#define RTM_NR_prctl      172
#define RTM_NR_mmap       192 /* mmap2 */
#define RTM_NR_madvise    220
#define RTM_NR_exit_group 248
#define RTM_NR_openat     322

/* The operand list arrives with its leading comma (", \"r\"(r1)") so that
 * the zero-operand form needs no comma-swallowing extension. */
#ifdef __thumb__
/* nr goes in any low register; r7 is parked in another across the call. */
#define RTM_ARM_SVC(...)                                                      \
	do {                                                                  \
		long rtm_saved_;                                              \
		__asm__ __volatile__("mov %1, r7\n\tmov r7, %2\n\tsvc #0\n\tmov r7, %1" \
		                     : "+r"(r0), "=&r"(rtm_saved_)             \
		                     : "r"(nr) __VA_ARGS__ : "memory");     \
	} while (0)
#else
#define RTM_ARM_SVC(...)                                                      \
	do {                                                                  \
		register long r7 __asm__("r7") = nr;                          \
		__asm__ __volatile__("svc #0" : "+r"(r0) : "r"(r7) __VA_ARGS__ \
		                     : "memory");                              \
	} while (0)
#endif

static inline long rtm_syscall0(long nr)
{
	register long r0 __asm__("r0") = 0;
	RTM_ARM_SVC();
	return r0;
}

static inline long rtm_syscall1(long nr, long a1)
{
	register long r0 __asm__("r0") = a1;
	RTM_ARM_SVC();
	return r0;
}

static inline long rtm_syscall2(long nr, long a1, long a2)
{
	register long r0 __asm__("r0") = a1;
	register long r1 __asm__("r1") = a2;
	RTM_ARM_SVC(, "r"(r1));
	return r0;
}

static inline long rtm_syscall3(long nr, long a1, long a2, long a3)
{
	register long r0 __asm__("r0") = a1;
	register long r1 __asm__("r1") = a2;
	register long r2 __asm__("r2") = a3;
	RTM_ARM_SVC(, "r"(r1), "r"(r2));
	return r0;
}

static inline long rtm_syscall4(long nr, long a1, long a2, long a3, long a4)
{
	register long r0 __asm__("r0") = a1;
	register long r1 __asm__("r1") = a2;
	register long r2 __asm__("r2") = a3;
	register long r3 __asm__("r3") = a4;
	RTM_ARM_SVC(, "r"(r1), "r"(r2), "r"(r3));
	return r0;
}

static inline long rtm_syscall5(long nr, long a1, long a2, long a3, long a4, long a5)
{
	register long r0 __asm__("r0") = a1;
	register long r1 __asm__("r1") = a2;
	register long r2 __asm__("r2") = a3;
	register long r3 __asm__("r3") = a4;
	register long r4 __asm__("r4") = a5;
	RTM_ARM_SVC(, "r"(r1), "r"(r2), "r"(r3), "r"(r4));
	return r0;
}

static inline long rtm_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r0 __asm__("r0") = a1;
	register long r1 __asm__("r1") = a2;
	register long r2 __asm__("r2") = a3;
	register long r3 __asm__("r3") = a4;
	register long r4 __asm__("r4") = a5;
	register long r5 __asm__("r5") = a6;
	RTM_ARM_SVC(, "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5));
	return r0;
}

/* Instruction-cache maintenance (rtm_icache_flush, <rtmem/code.h>).
 *
 * Instruction fetch is not coherent with data stores here, and the cache
 * maintenance by address that ARMv7 has for it (DCCMVAU, ICIMVAU, BPIALL:
 * CP15 c7 operations) is privileged: a PL0 program cannot issue it, unlike
 * aarch64's EL0 dc/ic. So the kernel is asked: the ARM-private system call
 * cacheflush(start, end, flags) (__ARM_NR_cacheflush, __ARM_NR_BASE
 * 0x0f0000 + 2; flags must be 0, end is an address, not a length). The
 * kernel cleans the data cache and invalidates the instruction cache and
 * branch predictor over the range, a page at a time (v7_coherent_user_range
 * on ARMv7; a 64-bit kernel runs its compat cacheflush for a 32-bit
 * process), and returns to this thread by an exception return, which
 * discards what this core had fetched. The inline answers the kernel's
 * 0 or -errno (EINVAL for end < start, EFAULT for a range that is not
 * mapped: neither can happen for code that was just written; a seccomp
 * filter's refusal can), which rtm_code_publish reports.
 * ARMv6 cores with an aliasing VIPT data cache take a shared mapping only
 * at the colour of its file offset (SHMLBA, four pages; arch/arm/mm/
 * mmap.c refuses MAP_FIXED elsewhere): RTM_ARCH_SHMLBA, on whose boundary
 * sys/linux/code_os.c places both views of a DUAL region.
 *
 * Other threads: on an SMP ARMv7 the maintenance reaches every core, but a
 * core that has already fetched the old instructions (patched code,
 * memory reused for new code) may run them until it takes a context
 * synchronization event. The kernel's own comment on arm membarrier says
 * it: after cacheflush, MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE. Where the kernel lacks SYNC_CORE, the plain
 * MEMBARRIER_CMD_PRIVATE_EXPEDITED does: its IPI returns to each thread
 * through the same exception return (the kernel's membarrier-sync-core
 * arch-support notes): RTM_ARCH_ICACHE_SYNC_CORE 2, SYNC_CORE else that.
 */
#define RTM_ARCH_SHMLBA 0x4000
#define RTM_ARCH_ICACHE_SYNC_CORE 2
#define RTM_ARCH_NR_cacheflush    0x0f0002

#include <stddef.h>

static inline long rtm_arch_icache_flush(void *p, size_t n)
{
	if (n == 0)
		return 0;
	return rtm_syscall3(RTM_ARCH_NR_cacheflush, (long)p, (long)((char *)p + n), 0);
}

#endif
