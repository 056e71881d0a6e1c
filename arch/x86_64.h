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

#endif
