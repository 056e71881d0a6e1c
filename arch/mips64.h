/* mips64 and mips64el Linux system calls, n64 ABI (R2 and R6).
 *
 *   instruction  syscall
 *   number       v0 ($2), n64 numbers start at 5000
 *   arguments    a0-a5 ($4-$9)
 *   return       v0 and the a3 error flag, as on every mips ABI
 *   clobbers     see mips_common.h; $8 and $9 carry arguments
 *   quirks       mips_common.h has what every mips ABI shares (the restart
 *                quirk, the error flag, the mmap flags). The byte order
 *                changes nothing here: registers carry the values.
 *                Atomics of every width rtmem uses are ll/sc or lld/scd
 *                loops inline: nothing from libatomic or libgcc.
 */
#ifndef RTM_ARCH_MIPS64_H
#define RTM_ARCH_MIPS64_H

#if defined(__MIPSEL__)
#define RTM_ARCH_NAME "mips64el"
#else
#define RTM_ARCH_NAME "mips64"
#endif

#define RTM_NR_read       5000
#define RTM_NR_write      5001
#define RTM_NR_close      5003
#define RTM_NR_memfd_create 5314
#define RTM_NR_ftruncate  5075
#define RTM_NR_fcntl      5070
#define RTM_NR_membarrier 5318
#define RTM_NR_mmap       5009
#define RTM_NR_mprotect   5010
#define RTM_NR_munmap     5011
#define RTM_NR_msync      5025
#define RTM_NR_madvise    5027
#define RTM_NR_getpid     5038
#define RTM_NR_kill       5060
#define RTM_NR_prctl      5153
#define RTM_NR_exit_group 5205
#define RTM_NR_openat     5247

#define RTM_ARCH_NR_cacheflush 5197

#include "mips_common.h"

static inline long rtm_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	RTM_MIPS_REGS(a1, a2, a3, a4);
	register long r8 __asm__("$8") = a5;
	register long r9 __asm__("$9") = a6;
	__asm__ __volatile__("daddu $2, $0, %2\n\tsyscall"
	                     : "=&r"(v0), "+r"(r7)
	                     : "r"(nr), "r"(r4), "r"(r5), "r"(r6), "r"(r8), "r"(r9)
	                     : RTM_MIPS_CLOBBERS);
	return rtm_mips_ret(v0, r7);
}

#include "short_forms.h"

#endif
