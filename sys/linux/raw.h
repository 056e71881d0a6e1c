/* Internal: the raw mmap family as inline functions, so that both the
 * exported rtm_sys_* and the hooked rtm_* compile to a straight trap with
 * no extra call. */
#ifndef RTM_SYS_RAW_H
#define RTM_SYS_RAW_H

#include <rtmem/sys.h>
#include <rtmem/vm.h> /* rtm_page_size */

static inline rtm_mmap_result rtm_raw_mmap(void *addr, size_t n, int prot, int flags, int fd,
                                           uint64_t off)
{
	long r;

#if UINTPTR_MAX <= 0xffffffffu
	/* A 32-bit kernel would map a length past PTRDIFF_MAX, but no C
	 * object can be that large (pointer differences overflow): musl
	 * refuses it too, before the syscall. */
	if (__builtin_expect(n >= (size_t)PTRDIFF_MAX, 0))
		return (rtm_mmap_result){ 0, RTM_ENOMEM };
#endif
#if defined(RTM_MMAP2_SHIFT)
	/* mmap2 takes the offset in 4096-byte units in a 32-bit register:
	 * anything finer or larger cannot be expressed, and silently
	 * truncating it would map the wrong part of the file. */
	if ((off & ((1u << RTM_MMAP2_SHIFT) - 1)) || off >= ((uint64_t)1 << (32 + RTM_MMAP2_SHIFT)))
		return (rtm_mmap_result){ 0, RTM_EINVAL };
	r = rtm_syscall6(RTM_NR_mmap, (long)addr, (long)n, prot, flags, fd,
	                 (long)(off >> RTM_MMAP2_SHIFT));
#elif defined(RTM_MMAP_ARG_BLOCK)
	{
		long blk[6] = { (long)addr, (long)n, prot, flags, fd, (long)off };
		r = rtm_syscall1(RTM_NR_mmap, (long)blk);
	}
#else
	r = rtm_syscall6(RTM_NR_mmap, (long)addr, (long)n, prot, flags, fd, (long)off);
#endif
	if (__builtin_expect(RTM_SYSCALL_FAILED(r), 0)) {
#if UINTPTR_MAX > 0xffffffffu
		/* No 64-bit kernel maps a length past PTRDIFF_MAX (it is past
		 * every TASK_SIZE), but it may name another fault first: EBADF
		 * for the fd, EINVAL when MAP_HUGETLB rounds SIZE_MAX to 0.
		 * Report the length, as the 32-bit pre-check does; checked
		 * here, the success path pays nothing for it. The test is
		 * n >= PTRDIFF_MAX, written as the sign of n + 1 (SIZE_MAX
		 * wraps to 0). */
		if ((ptrdiff_t)(n + 1) <= 0)
			return (rtm_mmap_result){ 0, RTM_ENOMEM };
#endif
		return (rtm_mmap_result){ 0, (int)-r };
	}
	return (rtm_mmap_result){ (void *)r, 0 };
}

/* Kernel answer -> positive errno, for the calls whose only success value
 * is 0 (munmap, mprotect, madvise): the answer is 0 or -errno, so the
 * negation is the errno, with no test. */
static inline int rtm_raw_err0(long r)
{
	return (int)-r;
}

static inline int rtm_raw_munmap(void *addr, size_t n)
{
	return rtm_raw_err0(rtm_syscall2(RTM_NR_munmap, (long)addr, (long)n));
}

/* Whether a page-aligned [addr, addr + n), n > 0, rounded out to whole
 * pages runs past the top of a 32-bit address space. A 32-bit kernel
 * refuses such a range (mprotect ENOMEM, madvise EINVAL) and changes
 * nothing; a 64-bit kernel running a 32-bit process sees no wrap in its
 * own arithmetic and applies the call to every mapping above addr (the
 * stack among them) up to the first hole, before it reports the hole.
 * The rounding is the kernel's: with the process's page size, not 4 KiB
 * (32-bit mips, powerpc, hppa and sh4 kernels may use 8 to 64 KiB). */
static inline int rtm_raw_wraps32(void *addr, size_t n)
{
#if UINTPTR_MAX <= 0xffffffffu
	uintptr_t a = (uintptr_t)addr, mask;

	if (n == 0)
		return 0;
	mask = rtm_page_size() - 1;
	return (a & mask) == 0 && n > UINTPTR_MAX - a - mask;
#else
	(void)addr;
	(void)n;
	return 0;
#endif
}

static inline int rtm_raw_mprotect(void *addr, size_t n, int prot)
{
	if (__builtin_expect(rtm_raw_wraps32(addr, n), 0))
		return RTM_ENOMEM;
	return rtm_raw_err0(rtm_syscall3(RTM_NR_mprotect, (long)addr, (long)n, prot));
}

static inline int rtm_raw_madvise(void *addr, size_t n, int advice)
{
	if (__builtin_expect(rtm_raw_wraps32(addr, n), 0))
		return RTM_EINVAL;
	return rtm_raw_err0(rtm_syscall3(RTM_NR_madvise, (long)addr, (long)n, advice));
}

#endif
