/* x86_64 Linux system calls.
 *
 *   instruction  syscall
 *   number       rax
 *   arguments    rdi rsi rdx r10 r8 r9   (the C ABI's 4th, rcx, is r10 here:
 *                                         syscall itself overwrites rcx)
 *   return       rax; -4095..-1 is -errno
 *   clobbers     rcx (return rip), r11 (saved rflags), memory
 */
#ifndef RTM_ARCH_X86_64_H
#define RTM_ARCH_X86_64_H

#define RTM_ARCH_NAME "x86_64"

#define RTM_NR_read       0
#define RTM_NR_write      1
#define RTM_NR_close      3
#define RTM_NR_memfd_create 319
#define RTM_NR_ftruncate  77
#define RTM_NR_fcntl      72
#define RTM_NR_membarrier 324
#define RTM_NR_mmap       9
#define RTM_NR_mprotect   10
#define RTM_NR_munmap     11
#define RTM_NR_msync      26
#define RTM_NR_madvise    28
#define RTM_NR_getpid     39
#define RTM_NR_kill       62
#define RTM_NR_prctl      157
#define RTM_NR_exit_group 231
#define RTM_NR_openat     257

static inline long rtm_syscall0(long nr)
{
	register long rax __asm__("rax") = nr;
	__asm__ __volatile__("syscall" : "+r"(rax) : : "rcx", "r11", "memory");
	return rax;
}

static inline long rtm_syscall1(long nr, long a1)
{
	register long rax __asm__("rax") = nr;
	register long rdi __asm__("rdi") = a1;
	__asm__ __volatile__("syscall" : "+r"(rax) : "r"(rdi) : "rcx", "r11", "memory");
	return rax;
}

static inline long rtm_syscall2(long nr, long a1, long a2)
{
	register long rax __asm__("rax") = nr;
	register long rdi __asm__("rdi") = a1;
	register long rsi __asm__("rsi") = a2;
	__asm__ __volatile__("syscall" : "+r"(rax) : "r"(rdi), "r"(rsi) : "rcx", "r11", "memory");
	return rax;
}

static inline long rtm_syscall3(long nr, long a1, long a2, long a3)
{
	register long rax __asm__("rax") = nr;
	register long rdi __asm__("rdi") = a1;
	register long rsi __asm__("rsi") = a2;
	register long rdx __asm__("rdx") = a3;
	__asm__ __volatile__("syscall" : "+r"(rax) : "r"(rdi), "r"(rsi), "r"(rdx)
	                     : "rcx", "r11", "memory");
	return rax;
}

static inline long rtm_syscall4(long nr, long a1, long a2, long a3, long a4)
{
	register long rax __asm__("rax") = nr;
	register long rdi __asm__("rdi") = a1;
	register long rsi __asm__("rsi") = a2;
	register long rdx __asm__("rdx") = a3;
	register long r10 __asm__("r10") = a4;
	__asm__ __volatile__("syscall" : "+r"(rax) : "r"(rdi), "r"(rsi), "r"(rdx), "r"(r10)
	                     : "rcx", "r11", "memory");
	return rax;
}

static inline long rtm_syscall5(long nr, long a1, long a2, long a3, long a4, long a5)
{
	register long rax __asm__("rax") = nr;
	register long rdi __asm__("rdi") = a1;
	register long rsi __asm__("rsi") = a2;
	register long rdx __asm__("rdx") = a3;
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	__asm__ __volatile__("syscall" : "+r"(rax)
	                     : "r"(rdi), "r"(rsi), "r"(rdx), "r"(r10), "r"(r8)
	                     : "rcx", "r11", "memory");
	return rax;
}

static inline long rtm_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long rax __asm__("rax") = nr;
	register long rdi __asm__("rdi") = a1;
	register long rsi __asm__("rsi") = a2;
	register long rdx __asm__("rdx") = a3;
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	__asm__ __volatile__("syscall" : "+r"(rax)
	                     : "r"(rdi), "r"(rsi), "r"(rdx), "r"(r10), "r"(r8), "r"(r9)
	                     : "rcx", "r11", "memory");
	return rax;
}

/* Instruction-cache maintenance (rtm_icache_flush, <rtmem/code.h>): none.
 *
 * x86 keeps instruction fetch coherent with stores, its own and every
 * other processor's: the processor detects a store to code it has fetched
 * or prefetched and refetches (Intel SDM vol. 3A, "Handling Self- and
 * Cross-Modifying Code"; AMD's APM vol. 2, chapter 7, for its processors).
 * A thread that runs code it wrote itself needs nothing more: its call to
 * the code is the jump the SDM asks for between the store and the run.
 * One exception, in the SDM's "Self-Modifying Code" section: the check of
 * prefetched instructions against stores goes by linear address, so code
 * written through another mapping of the same memory (a writable alias
 * of an executable view) and run by a processor that may have prefetched
 * the old bytes at the executable address needs a serializing instruction
 * first, on the writing processor too. rtm_icache_flush does not issue
 * one (CPUID, the serializing instruction every x86 has, exits to the
 * hypervisor in a virtual machine; IRET to self breaks under user shadow
 * stacks); a writer through an alias decides. rtm_code_publish is such a
 * writer in DUAL mode: its membarrier SYNC_CORE serializes the calling
 * processor too from Linux 5.10 on (before, only the other threads').
 *
 * Other threads: for code written by one processor and run by another
 * (cross-modifying code), the SDM asks the processor that runs it to
 * execute a serializing instruction (CPUID, say) after it has seen the
 * code written and before it runs it. That matters where the thread may
 * already hold the old instructions (patched code, or memory reused for
 * new code); membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE) makes
 * every running thread of the process serialize (the kernel returns to
 * them through IRET or after a CR3 write): RTM_ARCH_ICACHE_SYNC_CORE 1.
 */
#define RTM_ARCH_ICACHE_SYNC_CORE 1

#include <stddef.h>

static inline long rtm_arch_icache_flush(void *p, size_t n)
{
	(void)p;
	(void)n;
	return 0;
}

#endif
