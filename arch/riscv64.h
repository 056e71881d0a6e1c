/* riscv64 Linux system calls (the asm-generic syscall table).
 *
 *   instruction  ecall
 *   number       a7
 *   arguments    a0 a1 a2 a3 a4 a5
 *   return       a0; -4095..-1 is -errno
 *   clobbers     memory only
 */
#ifndef RTM_ARCH_RISCV64_H
#define RTM_ARCH_RISCV64_H

#define RTM_ARCH_NAME "riscv64"

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

#endif
