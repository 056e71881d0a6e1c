/* s390x Linux system calls.
 *
 *   instruction  svc 0
 *   number       r1  (svc with an immediate only reaches numbers below 256)
 *   arguments    r2 r3 r4 r5 r6 r7
 *   return       r2; -4095..-1 is -errno
 *   clobbers     memory only
 *   quirks       mmap (90) is the old_mmap calling convention: one argument,
 *                a pointer to a block of six longs {addr, len, prot, flags,
 *                fd, offset}. sys/ builds that block (RTM_MMAP_ARG_BLOCK).
 */
#ifndef RTM_ARCH_S390X_H
#define RTM_ARCH_S390X_H

#define RTM_ARCH_NAME "s390x"
#define RTM_MMAP_ARG_BLOCK 1

#define RTM_NR_read       3
#define RTM_NR_write      4
#define RTM_NR_close      6
#define RTM_NR_getpid     20
#define RTM_NR_kill       37
#define RTM_NR_mmap       90
#define RTM_NR_munmap     91
#define RTM_NR_mprotect   125
#define RTM_NR_msync      144
#define RTM_NR_prctl      172
#define RTM_NR_madvise    219
#define RTM_NR_exit_group 248
#define RTM_NR_openat     288

static inline long rtm_syscall0(long nr)
{
	register long r1 __asm__("r1") = nr;
	register long r2 __asm__("r2");
	__asm__ __volatile__("svc 0" : "=r"(r2) : "r"(r1) : "memory");
	return r2;
}

static inline long rtm_syscall1(long nr, long a1)
{
	register long r1 __asm__("r1") = nr;
	register long r2 __asm__("r2") = a1;
	__asm__ __volatile__("svc 0" : "+r"(r2) : "r"(r1) : "memory");
	return r2;
}

static inline long rtm_syscall2(long nr, long a1, long a2)
{
	register long r1 __asm__("r1") = nr;
	register long r2 __asm__("r2") = a1;
	register long r3 __asm__("r3") = a2;
	__asm__ __volatile__("svc 0" : "+r"(r2) : "r"(r1), "r"(r3) : "memory");
	return r2;
}

static inline long rtm_syscall3(long nr, long a1, long a2, long a3)
{
	register long r1 __asm__("r1") = nr;
	register long r2 __asm__("r2") = a1;
	register long r3 __asm__("r3") = a2;
	register long r4 __asm__("r4") = a3;
	__asm__ __volatile__("svc 0" : "+r"(r2) : "r"(r1), "r"(r3), "r"(r4) : "memory");
	return r2;
}

static inline long rtm_syscall4(long nr, long a1, long a2, long a3, long a4)
{
	register long r1 __asm__("r1") = nr;
	register long r2 __asm__("r2") = a1;
	register long r3 __asm__("r3") = a2;
	register long r4 __asm__("r4") = a3;
	register long r5 __asm__("r5") = a4;
	__asm__ __volatile__("svc 0" : "+r"(r2) : "r"(r1), "r"(r3), "r"(r4), "r"(r5) : "memory");
	return r2;
}

static inline long rtm_syscall5(long nr, long a1, long a2, long a3, long a4, long a5)
{
	register long r1 __asm__("r1") = nr;
	register long r2 __asm__("r2") = a1;
	register long r3 __asm__("r3") = a2;
	register long r4 __asm__("r4") = a3;
	register long r5 __asm__("r5") = a4;
	register long r6 __asm__("r6") = a5;
	__asm__ __volatile__("svc 0" : "+r"(r2) : "r"(r1), "r"(r3), "r"(r4), "r"(r5), "r"(r6)
	                     : "memory");
	return r2;
}

static inline long rtm_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r1 __asm__("r1") = nr;
	register long r2 __asm__("r2") = a1;
	register long r3 __asm__("r3") = a2;
	register long r4 __asm__("r4") = a3;
	register long r5 __asm__("r5") = a4;
	register long r6 __asm__("r6") = a5;
	register long r7 __asm__("r7") = a6;
	__asm__ __volatile__("svc 0" : "+r"(r2)
	                     : "r"(r1), "r"(r3), "r"(r4), "r"(r5), "r"(r6), "r"(r7)
	                     : "memory");
	return r2;
}

#endif
