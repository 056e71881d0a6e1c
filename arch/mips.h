/* mips and mipsel Linux system calls, o32 ABI.
 *
 *   instruction  syscall
 *   number       v0 ($2), o32 numbers start at 4000
 *   arguments    a0-a3 ($4-$7); the 5th to 8th are read by the kernel
 *                from the caller's stack, at 16($sp) to 28($sp), where an
 *                o32 call puts its outgoing arguments. rtm_syscall6 opens
 *                a 32-byte area below sp (sp stays 8-byte aligned), stores
 *                a5 and a6 at 16 and 20, traps and closes it again
 *   return       v0 and the a3 error flag, as on every mips ABI; a3 is
 *                also the 4th argument, so it is an input and an output
 *   clobbers     see mips_common.h, and $8 $9 (temporaries in o32, not
 *                argument registers)
 *   quirks       mips_common.h has what every mips ABI shares (the restart
 *                quirk, the error flag, the mmap flags). The 0 to 3
 *                argument calls go through rtm_syscall4 (a3 is loaded
 *                whatever the count: the flag comes back in it), only the
 *                5 and 6 argument ones touch the stack. There is no
 *                usable plain mmap: mmap2 (4210) takes the offset in
 *                4096-byte units whatever the page size (RTM_MMAP2_SHIFT).
 *                No 64-bit atomics (ll/sc are 32-bit here): rtmem's
 *                atomics are all one word wide, so none needs libatomic.
 */
#ifndef RTM_ARCH_MIPS_H
#define RTM_ARCH_MIPS_H

#if defined(__MIPSEL__)
#define RTM_ARCH_NAME "mipsel"
#else
#define RTM_ARCH_NAME "mips"
#endif
#define RTM_MMAP2_SHIFT 12

#define RTM_NR_read       4003
#define RTM_NR_write      4004
#define RTM_NR_close      4006
#define RTM_NR_getpid     4020
#define RTM_NR_kill       4037
#define RTM_NR_fcntl      4055
#define RTM_NR_munmap     4091
#define RTM_NR_ftruncate  4093
#define RTM_NR_mprotect   4125
#define RTM_NR_msync      4144
#define RTM_NR_prctl      4192
#define RTM_NR_mmap       4210 /* mmap2 */
#define RTM_NR_madvise    4218
#define RTM_NR_exit_group 4246
#define RTM_NR_openat     4288
#define RTM_NR_memfd_create 4354
#define RTM_NR_membarrier 4358

#define RTM_ARCH_NR_cacheflush 4147

#include "mips_common.h"

#define RTM_ARCH_SYSCALL4 1
static inline long rtm_syscall4(long nr, long a1, long a2, long a3, long a4)
{
	RTM_MIPS_REGS(a1, a2, a3, a4);
	__asm__ __volatile__("addu $2, $0, %2\n\tsyscall"
	                     : "=&r"(v0), "+r"(r7)
	                     : "r"(nr), "r"(r4), "r"(r5), "r"(r6)
	                     : "$8", "$9", RTM_MIPS_CLOBBERS);
	return rtm_mips_ret(v0, r7);
}

static inline long rtm_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	RTM_MIPS_REGS(a1, a2, a3, a4);
	__asm__ __volatile__("addiu $sp, $sp, -32\n\t"
	                     "sw %3, 16($sp)\n\t"
	                     "sw %4, 20($sp)\n\t"
	                     "addu $2, $0, %2\n\t"
	                     "syscall\n\t"
	                     "addiu $sp, $sp, 32"
	                     : "=&r"(v0), "+r"(r7)
	                     : "r"(nr), "r"(a5), "r"(a6), "r"(r4), "r"(r5), "r"(r6)
	                     : "$8", "$9", RTM_MIPS_CLOBBERS);
	return rtm_mips_ret(v0, r7);
}

#include "short_forms.h"

#endif
