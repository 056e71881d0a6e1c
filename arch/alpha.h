/* alpha Linux system calls.
 *
 *   instruction  callsys (call_pal 0x83)
 *   number       v0 ($0)
 *   arguments    a0-a5 ($16-$21)
 *   return       v0; a3 ($19) is the error flag: when it is set, v0 holds a
 *                POSITIVE errno, turned here into -errno
 *   clobbers     $1-$8 $22-$25 $27 $28 and every argument register (the
 *                PALcode and the kernel's entry use them as scratch, as
 *                glibc's alpha sysdep.h lists), memory
 *   quirks       8 KiB pages (qemu-alpha enforces them): never assume 4096.
 *                A plain mmap with a 64-bit byte offset. getpid is getxpid
 *                (20): it answers the pid in v0 and the parent's in a4.
 *                The constants differ from the generic ones: MAP_FIXED
 *                0x100, MAP_ANONYMOUS 0x10, MAP_NORESERVE 0x10000,
 *                MAP_POPULATE 0x20000, MAP_FIXED_NOREPLACE 0x200000,
 *                MADV_DONTNEED 6, O_CLOEXEC 010000000, and the errno values
 *                past 34 (<rtmem/errno.h>: EAGAIN 35, EOPNOTSUPP 45, ENOSYS
 *                78, EOVERFLOW 112).
 *                No integer divide instruction: gcc calls libgcc's __remqu
 *                for a remainder (the arena's one is shift-and-subtract).
 *                Atomics: load-locked/store-conditional on 4 and 8 bytes,
 *                inline; the core's atomics are all words.
 *                Every function computes its $gp from $27 (its own address
 *                at the call): _start has none and makes it from its own
 *                address first (<rtmem/start.h>).
 */
#ifndef RTM_ARCH_ALPHA_H
#define RTM_ARCH_ALPHA_H

#define RTM_ARCH_NAME "alpha"

#define RTM_NR_read       3
#define RTM_NR_write      4
#define RTM_NR_close      6
#define RTM_NR_getpid     20 /* getxpid */
#define RTM_NR_kill       37
#define RTM_NR_mmap       71
#define RTM_NR_munmap     73
#define RTM_NR_mprotect   74
#define RTM_NR_madvise    75
#define RTM_NR_fcntl      92
#define RTM_NR_ftruncate  130
#define RTM_NR_msync      217
#define RTM_NR_prctl      348
#define RTM_NR_exit_group 405
#define RTM_NR_openat     450
#define RTM_NR_memfd_create 512
#define RTM_NR_membarrier 517

#define RTM_MAP_FIXED           0x100
#define RTM_MAP_ANONYMOUS       0x10
#define RTM_MAP_NORESERVE       0x10000
#define RTM_MAP_POPULATE        0x20000
#define RTM_MAP_FIXED_NOREPLACE 0x200000
#define RTM_MADV_DONTNEED       6
#define RTM_O_CLOEXEC           010000000

#define RTM_ALPHA_CLOBBERS                                                    \
	"$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$22", "$23", "$24",   \
	"$25", "$27", "$28", "memory"

static inline long rtm_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long v0 __asm__("$0") = nr;
	register long r16 __asm__("$16") = a1;
	register long r17 __asm__("$17") = a2;
	register long r18 __asm__("$18") = a3;
	register long r19 __asm__("$19") = a4;
	register long r20 __asm__("$20") = a5;
	register long r21 __asm__("$21") = a6;
	__asm__ __volatile__("callsys"
	                     : "+r"(v0), "+r"(r19), "+r"(r16), "+r"(r17), "+r"(r18),
	                       "+r"(r20), "+r"(r21)
	                     :
	                     : RTM_ALPHA_CLOBBERS);
	return r19 ? -v0 : v0;
}

#include "short_forms.h"

/* Instruction-cache maintenance (rtm_icache_flush, <rtmem/code.h>).
 *
 * Alpha's instruction cache is not coherent with stores, and the one
 * instruction for it is the unprivileged PALcode call imb (call_pal 0x86,
 * what gcc's __builtin___clear_cache emits): it makes this processor's
 * instruction stream see every store it has made, whole caches at once
 * (imb takes no range). The Alpha Architecture Reference Manual gives it
 * the issuing processor only; Linux has no system call that runs it on the
 * others (no cacheflush, and membarrier's SYNC_CORE is not there on alpha).
 * So code is safe at addresses no other processor has run (fresh memory);
 * for patched code or memory reused for code, threads that may run on
 * other processors must imb themselves before they run it, which is the
 * caller's part (as keeping threads out of code while it is patched is).
 * RTM_ARCH_ICACHE_SYNC_CORE 0: nothing more is available.
 */
#define RTM_ARCH_ICACHE_SYNC_CORE 0

#include <stddef.h>

static inline long rtm_arch_icache_flush(void *p, size_t n)
{
	(void)p;
	if (n == 0)
		return 0;
	__asm__ __volatile__("call_pal 0x86" : : : "memory"); /* imb */
	return 0;
}

#endif
