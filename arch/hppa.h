/* hppa (32-bit PA-RISC) Linux system calls.
 *
 *   instruction  ble 0x100(%sr2, %r0): a branch into the kernel's gateway
 *                page (space register 2 holds its space), which raises the
 *                privilege level; the return address lands in r31. The
 *                number is loaded in the branch's delay slot.
 *   number       r20
 *   arguments    r26 r25 r24 r23 r22 r21
 *   return       r28; -4095..-1 is -errno
 *   clobbers     r1 r2 r20 r29 r31, memory. The kernel saves and restores
 *                the argument registers and r19 (the PIC register), but
 *                glibc has seen fork and clone come back with r19 and r21
 *                changed: the arguments are in-out operands here, which
 *                costs nothing, and nothing here forks.
 *   quirks       the stack grows UP (the only Linux architecture where it
 *                does): the stack pool puts each guard above its stack,
 *                <rtmem/start.h>'s _start finds argc and argv in r25 and
 *                r24, not at the stack pointer, and a frame's marker (the
 *                return pointer at -20, the previous sp at -4) lies BELOW
 *                the stack pointer, in the caller's frame.
 *                Constants that differ from the generic ones: MAP_FIXED
 *                0x04, MAP_ANONYMOUS 0x10, MAP_POPULATE 0x10000; MADV_
 *                HUGEPAGE 67, NOHUGEPAGE 68, COLLAPSE 73 (Linux 6.2 moved
 *                them to the generic 14, 15, 25 and translates these in
 *                parisc_madvise, marked for removal "in 2025 or later";
 *                older kernels know only these, and they are what the
 *                target's headers say, which test/arch holds them to);
 *                MS_ASYNC 2; O_CLOEXEC 010000000;
 *                ENOSYS 251, EOVERFLOW 72, EOPNOTSUPP 223. No plain mmap
 *                for rtmem: mmap2 (89) takes the offset in 4096-byte units.
 *                Kernels run with 4 KiB pages (16 and 64 KiB are options).
 *
 * Atomics. PA-RISC has no compare-and-swap: its one atomic instruction,
 * ldcw, loads a word and clears it. Linux gives user space a compare-and-
 * swap in the gateway page instead (the light-weight system call, LWS, at
 * 0xb0): the kernel takes a lock hashed from the address, compares and
 * stores with interrupts off, and answers in r28 (the word it found) and
 * r21 (0, -EAGAIN: lock busy, try again, or -EFAULT). Since the store
 * happens under the kernel's lock, a plain store racing with it could be
 * lost: every atomic store must go through the same LWS too.
 * gcc compiles each C11 read-modify-write and atomic store of 4 bytes
 * into a call of a libgcc helper built on the LWS (__sync_val_compare_
 * and_swap_4, __sync_fetch_and_add_4, _sub_4, _or_4 and __sync_lock_test_
 * and_set_4 for exchanges and stores); loads are plain ldw. The core keeps
 * writing C11 atomics, and librtmem.a defines those five helpers itself
 * (sys/linux/hppa_libgcc.c) over rtm_arch_lws_cas32 below: weak, so that a
 * program whose own code pulls in libgcc's copy (all of them in one
 * object) links and uses it, and hidden, so none is exported from a
 * shared librtmem. No libgcc and no libatomic then: test/arch's archive
 * check fails if gcc ever calls one helper more. The core uses no 8-byte
 * atomics (size_t and uintptr_t are 4 bytes here).
 */
#ifndef RTM_ARCH_HPPA_H
#define RTM_ARCH_HPPA_H

#define RTM_ARCH_NAME "hppa"
#define RTM_MMAP2_SHIFT 12

#define RTM_NR_read       3
#define RTM_NR_write      4
#define RTM_NR_close      6
#define RTM_NR_getpid     20
#define RTM_NR_kill       37
#define RTM_NR_fcntl      55
#define RTM_NR_mmap       89 /* mmap2 */
#define RTM_NR_munmap     91
#define RTM_NR_ftruncate  93
#define RTM_NR_madvise    119
#define RTM_NR_mprotect   125
#define RTM_NR_msync      144
#define RTM_NR_prctl      172
#define RTM_NR_exit_group 222
#define RTM_NR_openat     275
#define RTM_NR_memfd_create 340
#define RTM_NR_membarrier 343

#define RTM_MAP_FIXED     0x04
#define RTM_MAP_ANONYMOUS 0x10
#define RTM_MAP_POPULATE  0x10000
#define RTM_MADV_HUGEPAGE   67
#define RTM_MADV_NOHUGEPAGE 68
#define RTM_MADV_COLLAPSE   73
#define RTM_MS_ASYNC      2
#define RTM_O_CLOEXEC     010000000

/* One asm statement for every count (short_forms.h): the unused argument
 * registers cost a zero load each. */
static inline long rtm_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r26 __asm__("r26") = a1;
	register long r25 __asm__("r25") = a2;
	register long r24 __asm__("r24") = a3;
	register long r23 __asm__("r23") = a4;
	register long r22 __asm__("r22") = a5;
	register long r21 __asm__("r21") = a6;
	register long r28 __asm__("r28");

	__asm__ __volatile__("ble 0x100(%%sr2, %%r0)\n\t"
	                     "copy %7, %%r20"
	                     : "=r"(r28), "+r"(r26), "+r"(r25), "+r"(r24), "+r"(r23), "+r"(r22),
	                       "+r"(r21)
	                     : "r"(nr)
	                     : "r1", "r2", "r20", "r29", "r31", "memory");
	return r28;
}

#include "short_forms.h"

/* The LWS compare-and-swap of a 32-bit word (LWS 0, the one every kernel
 * since 2.6 has): if *p is old it becomes new. Answers the kernel's r21
 * (0, -EAGAIN or -EFAULT) and, when that is 0, the word it found in
 * *seen: the swap happened exactly when *seen == old. The kernel's
 * critical section orders it with every access before and after (its
 * ldcw is a full barrier), and "memory" keeps the compiler from moving
 * accesses across it. Clobbers as the kernel's LWS ABI lists them. */
static inline long rtm_arch_lws_cas32(volatile void *p, unsigned old, unsigned new_,
                                      unsigned *seen)
{
	register unsigned long r26 __asm__("r26") = (unsigned long)p;
	register unsigned long r25 __asm__("r25") = old;
	register unsigned long r24 __asm__("r24") = new_;
	register unsigned long r28 __asm__("r28");
	register long r21 __asm__("r21");

	__asm__ __volatile__("ble 0xb0(%%sr2, %%r0)\n\t"
	                     "ldi 0, %%r20"
	                     : "=r"(r28), "=r"(r21), "+r"(r26), "+r"(r25), "+r"(r24)
	                     :
	                     : "r1", "r2", "r20", "r22", "r23", "r29", "r31", "memory");
	*seen = (unsigned)r28;
	return r21;
}

/* Instruction-cache maintenance (rtm_icache_flush, <rtmem/code.h>).
 *
 * PA-RISC's instruction cache is not kept coherent with data stores, and
 * both caches are virtually indexed. Writing back the data cache (fdc)
 * and invalidating the instruction cache (fic) by address are not
 * privileged, and the architecture broadcasts both to every processor of
 * a coherent system (Linux's own flush_icache_range sends no IPI). So the
 * flush is done here: fdc over the range, sync, fic over it (through
 * %sr4, which Linux points at the process's space), sync, then seven
 * instructions before any of the new code may run, as the architecture
 * asks for the pipeline after a sync that ends an fic. Both loops go in
 * 16-byte steps: the smallest cache line any PA-RISC processor has (the
 * real line size is in the firmware's cache information, which only the
 * kernel reads); a processor with longer lines flushes each one several
 * times.
 * Why not the kernel's cacheflush system call (356): it came with Linux
 * 6.5, its first version ran the two loops swapped (fic for the data
 * cache), older kernels and qemu answer ENOSYS, and it would do exactly
 * this loop, with the machine's own stride.
 * The flush goes by the address the code runs at. A writable alias (a
 * code region's DUAL view) must be equivalent to it modulo SHMLBA (4 MiB
 * here), or the lines written through it sit where this flush does not
 * look; Linux refuses a MAP_FIXED shared mapping at any other offset
 * (EINVAL). RTM_ARCH_SHMLBA: sys/linux/code_os.c places both views on
 * that boundary.
 * An fdc or fic on a page with no translation at that address takes a
 * non-access TLB miss, and Linux answers it by skipping the instruction
 * (handle_nadtlb_fault nullifies cache flushes), which a page written
 * only through such an alias can be: so each page of the range is read at
 * the address first (4 KiB steps: no parisc page is smaller, and code is
 * readable where it runs).
 * Answers 0: nothing here can fail.
 *
 * Other threads: the flush reaches every processor, but one that has
 * already fetched the old instructions may still run them until it takes
 * a branch past them; Linux has no membarrier SYNC_CORE on parisc (EINVAL)
 * to make it. Keeping threads out of code while it is patched is the
 * caller's part: RTM_ARCH_ICACHE_SYNC_CORE 0.
 */
#define RTM_ARCH_SHMLBA 0x400000
#define RTM_ARCH_ICACHE_SYNC_CORE 0
#define RTM_ARCH_ICACHE_STEP      16

#include <stddef.h>

static inline long rtm_arch_icache_flush(void *p, size_t n)
{
	const volatile char *q = (const volatile char *)((unsigned long)p & ~4095UL);
	unsigned long a, end;

	if (n == 0)
		return 0;
	end = (unsigned long)p + n;
	for (; (unsigned long)q < end; q += 4096)
		(void)*q;
	for (a = (unsigned long)p & ~(unsigned long)(RTM_ARCH_ICACHE_STEP - 1); a < end;
	     a += RTM_ARCH_ICACHE_STEP)
		__asm__ __volatile__("fdc %%r0(%0)" : : "r"(a) : "memory");
	__asm__ __volatile__("sync" : : : "memory");
	for (a = (unsigned long)p & ~(unsigned long)(RTM_ARCH_ICACHE_STEP - 1); a < end;
	     a += RTM_ARCH_ICACHE_STEP)
		__asm__ __volatile__("fic %%r0(%%sr4, %0)" : : "r"(a) : "memory");
	__asm__ __volatile__("sync\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop"
	                     : : : "memory");
	return 0;
}

#endif
