/* ppc64le Linux system calls (ELFv2).
 *
 *   instruction  sc
 *   number       r0
 *   arguments    r3 r4 r5 r6 r7 r8
 *   return       r3; on failure the kernel sets CR0.SO and r3 holds a
 *                POSITIVE errno. "bns+ 1f; neg" below turns that into the
 *                -errno every other architecture returns.
 *   clobbers     r0 r4-r12, ctr, xer, cr0 cr1 cr5-cr7, memory
 *                (Documentation/powerpc/syscall64-abi.rst)
 *   quirks       64 KiB pages are the usual kernel configuration
 */
#ifndef RTM_ARCH_PPC64LE_H
#define RTM_ARCH_PPC64LE_H

#define RTM_ARCH_NAME "ppc64le"

#define RTM_NR_read       3
#define RTM_NR_write      4
#define RTM_NR_close      6
#define RTM_NR_getpid     20
#define RTM_NR_kill       37
#define RTM_NR_mmap       90
#define RTM_NR_munmap     91
#define RTM_NR_mprotect   125
#define RTM_NR_msync      144
#define RTM_NR_prctl      171
#define RTM_NR_madvise    205
#define RTM_NR_exit_group 234
#define RTM_NR_openat     286

#define RTM_MAP_NORESERVE 0x40

#define RTM_PPC_SC "sc\n\tbns+ 1f\n\tneg %1, %1\n1:"
#define RTM_PPC_CLOBBERS "memory", "cr0", "cr1", "cr5", "cr6", "cr7", "ctr", "xer", \
	"r9", "r10", "r11", "r12"

static inline long rtm_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r0 __asm__("r0") = nr;
	register long r3 __asm__("r3") = a1;
	register long r4 __asm__("r4") = a2;
	register long r5 __asm__("r5") = a3;
	register long r6 __asm__("r6") = a4;
	register long r7 __asm__("r7") = a5;
	register long r8 __asm__("r8") = a6;
	__asm__ __volatile__(RTM_PPC_SC
	                     : "+r"(r0), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7), "+r"(r8)
	                     : : RTM_PPC_CLOBBERS);
	return r3;
}

#include "short_forms.h"

#endif
