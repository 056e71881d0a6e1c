/* i386 Linux system calls.
 *
 *   instruction  int $0x80 (the vDSO's faster __kernel_vsyscall needs
 *                AT_SYSINFO from the auxv or TLS; a raw trap needs neither)
 *   number       eax
 *   arguments    ebx ecx edx esi edi ebp
 *   return       eax; -4095..-1 is -errno
 *   clobbers     memory only
 *   quirks       ebp is the frame pointer when frame pointers are on, so it
 *                can never be an asm operand, and all seven registers are
 *                taken by a 6-argument call: rtm_syscall6 puts the number,
 *                a1 and a6 in a small block whose address rides in eax,
 *                and saves ebx/ebp on the stack around the trap.
 *                ebx, the PIC register of old gcc, is an ordinary operand
 *                for gcc >= 5 and clang. There is no plain mmap: mmap2
 *                (192) takes the offset in 4096-byte units.
 */
#ifndef RTM_ARCH_I386_H
#define RTM_ARCH_I386_H

#define RTM_ARCH_NAME "i386"
#define RTM_MMAP2_SHIFT 12

#define RTM_NR_read       3
#define RTM_NR_write      4
#define RTM_NR_close      6
#define RTM_NR_memfd_create 356
#define RTM_NR_ftruncate  93
#define RTM_NR_fcntl      55
#define RTM_NR_membarrier 375
#define RTM_NR_getpid     20
#define RTM_NR_kill       37
#define RTM_NR_munmap     91
#define RTM_NR_mprotect   125
#define RTM_NR_msync      144
#define RTM_NR_prctl      172
#define RTM_NR_mmap       192 /* mmap2 */
#define RTM_NR_madvise    219
#define RTM_NR_exit_group 252
#define RTM_NR_openat     295

static inline long rtm_syscall0(long nr)
{
	long r;
	__asm__ __volatile__("int $0x80" : "=a"(r) : "a"(nr) : "memory");
	return r;
}

static inline long rtm_syscall1(long nr, long a1)
{
	long r;
	__asm__ __volatile__("int $0x80" : "=a"(r) : "a"(nr), "b"(a1) : "memory");
	return r;
}

static inline long rtm_syscall2(long nr, long a1, long a2)
{
	long r;
	__asm__ __volatile__("int $0x80" : "=a"(r) : "a"(nr), "b"(a1), "c"(a2) : "memory");
	return r;
}

static inline long rtm_syscall3(long nr, long a1, long a2, long a3)
{
	long r;
	__asm__ __volatile__("int $0x80" : "=a"(r) : "a"(nr), "b"(a1), "c"(a2), "d"(a3)
	                     : "memory");
	return r;
}

static inline long rtm_syscall4(long nr, long a1, long a2, long a3, long a4)
{
	long r;
	__asm__ __volatile__("int $0x80" : "=a"(r)
	                     : "a"(nr), "b"(a1), "c"(a2), "d"(a3), "S"(a4) : "memory");
	return r;
}

static inline long rtm_syscall5(long nr, long a1, long a2, long a3, long a4, long a5)
{
	long r;
	__asm__ __volatile__("int $0x80" : "=a"(r)
	                     : "a"(nr), "b"(a1), "c"(a2), "d"(a3), "S"(a4), "D"(a5)
	                     : "memory");
	return r;
}

static inline long rtm_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	long blk[3] = { nr, a1, a6 };
	long r = (long)blk;
	__asm__ __volatile__("push %%ebp\n\t"
	                     "push %%ebx\n\t"
	                     "mov 4(%%eax), %%ebx\n\t"
	                     "mov 8(%%eax), %%ebp\n\t"
	                     "mov (%%eax), %%eax\n\t"
	                     "int $0x80\n\t"
	                     "pop %%ebx\n\t"
	                     "pop %%ebp"
	                     : "+a"(r)
	                     : "c"(a2), "d"(a3), "S"(a4), "D"(a5), "m"(blk)
	                     : "memory");
	return r;
}

/* Instruction-cache maintenance (rtm_icache_flush, <rtmem/code.h>): none,
 * as on x86_64.
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
