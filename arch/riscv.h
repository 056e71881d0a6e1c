/* riscv64 and riscv32 Linux system calls (the asm-generic syscall table).
 *
 *   instruction  ecall
 *   number       a7
 *   arguments    a0 a1 a2 a3 a4 a5
 *   return       a0; -4095..-1 is -errno
 *   clobbers     memory only
 *   quirks       riscv32 is a 32-bit asm-generic kernel with 64-bit time
 *                and offsets only: the table's number 222 is mmap2 there
 *                (its offset in 4096-byte units: RTM_MMAP2_SHIFT), 46 is
 *                ftruncate64 and 25 fcntl64. ftruncate64's length is a
 *                register pair, low half first (the psABI puts a 64-bit
 *                argument in the next two registers, unaligned):
 *                RTM_ARCH_FTRUNCATE_PAIR. Registers are long, as wide as
 *                the machine, so the stubs are the same for both.
 *   atomics      the core's are word-sized only (size_t, pointers): the
 *                A extension's lr.w/sc.w and amo*.w on riscv32, .d on
 *                riscv64, inline; no libatomic call.
 */
#ifndef RTM_ARCH_RISCV_H
#define RTM_ARCH_RISCV_H

#if __riscv_xlen == 64
#define RTM_ARCH_NAME "riscv64"
#else
#define RTM_ARCH_NAME "riscv32"
#define RTM_MMAP2_SHIFT 12
#define RTM_ARCH_FTRUNCATE_PAIR 1
#endif

#include "generic_nr.h"

static inline long rtm_syscall0(long nr)
{
	register long a7 __asm__("a7") = nr;
	register long a0 __asm__("a0");
	__asm__ __volatile__("ecall" : "=r"(a0) : "r"(a7) : "memory");
	return a0;
}

static inline long rtm_syscall1(long nr, long x1)
{
	register long a7 __asm__("a7") = nr;
	register long a0 __asm__("a0") = x1;
	__asm__ __volatile__("ecall" : "+r"(a0) : "r"(a7) : "memory");
	return a0;
}

static inline long rtm_syscall2(long nr, long x1, long x2)
{
	register long a7 __asm__("a7") = nr;
	register long a0 __asm__("a0") = x1;
	register long a1 __asm__("a1") = x2;
	__asm__ __volatile__("ecall" : "+r"(a0) : "r"(a7), "r"(a1) : "memory");
	return a0;
}

static inline long rtm_syscall3(long nr, long x1, long x2, long x3)
{
	register long a7 __asm__("a7") = nr;
	register long a0 __asm__("a0") = x1;
	register long a1 __asm__("a1") = x2;
	register long a2 __asm__("a2") = x3;
	__asm__ __volatile__("ecall" : "+r"(a0) : "r"(a7), "r"(a1), "r"(a2) : "memory");
	return a0;
}

static inline long rtm_syscall4(long nr, long x1, long x2, long x3, long x4)
{
	register long a7 __asm__("a7") = nr;
	register long a0 __asm__("a0") = x1;
	register long a1 __asm__("a1") = x2;
	register long a2 __asm__("a2") = x3;
	register long a3 __asm__("a3") = x4;
	__asm__ __volatile__("ecall" : "+r"(a0) : "r"(a7), "r"(a1), "r"(a2), "r"(a3) : "memory");
	return a0;
}

static inline long rtm_syscall5(long nr, long x1, long x2, long x3, long x4, long x5)
{
	register long a7 __asm__("a7") = nr;
	register long a0 __asm__("a0") = x1;
	register long a1 __asm__("a1") = x2;
	register long a2 __asm__("a2") = x3;
	register long a3 __asm__("a3") = x4;
	register long a4 __asm__("a4") = x5;
	__asm__ __volatile__("ecall" : "+r"(a0) : "r"(a7), "r"(a1), "r"(a2), "r"(a3), "r"(a4)
	                     : "memory");
	return a0;
}

static inline long rtm_syscall6(long nr, long x1, long x2, long x3, long x4, long x5, long x6)
{
	register long a7 __asm__("a7") = nr;
	register long a0 __asm__("a0") = x1;
	register long a1 __asm__("a1") = x2;
	register long a2 __asm__("a2") = x3;
	register long a3 __asm__("a3") = x4;
	register long a4 __asm__("a4") = x5;
	register long a5 __asm__("a5") = x6;
	__asm__ __volatile__("ecall" : "+r"(a0)
	                     : "r"(a7), "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5)
	                     : "memory");
	return a0;
}

/* Instruction-cache maintenance (rtm_icache_flush, <rtmem/code.h>).
 *
 * Instruction fetch is not coherent with stores here: the unprivileged ISA
 * has fence.i (Zifencei), which makes this hart's own stores visible to
 * this hart's instruction fetch and nothing more. No instruction reaches
 * other harts, and the scheduler may move a thread to another hart at any
 * time, so the kernel is asked: riscv_flush_icache(start, end, flags)
 * (__NR_arch_specific_syscall 244 + 15 = 259). With flags 0 the kernel
 * runs fence.i on every hart now running this process (an IPI or an SBI
 * remote fence) and marks every other hart to run one before it next runs
 * the process (the range is not used: every hart's whole instruction
 * cache). The one flag there is, SYS_RISCV_FLUSH_ICACHE_LOCAL (1), does
 * the calling hart alone: a trap, since a thread moved to another hart
 * after the call runs stale code (unless it asked the kernel to follow it
 * with prctl PR_RISCV_SET_ICACHE_FLUSH_CTX, Linux 6.10).
 * The fence.i after the call is this hart's own, for when the call is
 * refused (a seccomp filter that does not know it answers ENOSYS or
 * EPERM): then it is all a program can do, and enough for this hart.
 * When the call succeeded it repeats what the kernel did here, for a few
 * cycles. It is spelled as
 * its encoding because a -march without Zifencei (rv64gc under ISA spec
 * 20191213, gcc 12 and later) makes the assembler refuse the mnemonic.
 * The inline answers the kernel's 0 or -errno, which rtm_code_publish
 * reports.
 *
 * Other threads: covered by the call itself, on every hart:
 * RTM_ARCH_ICACHE_SYNC_CORE 0 (membarrier's SYNC_CORE exists on riscv only
 * from Linux 6.9, and would fence the same harts again).
 */
#define RTM_ARCH_ICACHE_SYNC_CORE      0
#define RTM_ARCH_NR_riscv_flush_icache 259

#include <stddef.h>

static inline long rtm_arch_icache_flush(void *p, size_t n)
{
	long r;

	if (n == 0)
		return 0;
	r = rtm_syscall3(RTM_ARCH_NR_riscv_flush_icache, (long)p, (long)((char *)p + n), 0);

	__asm__ __volatile__(".insn i 0x0f, 1, x0, x0, 0" : : : "memory"); /* fence.i */
	return r;
}

#endif
