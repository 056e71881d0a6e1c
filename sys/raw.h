/* Internal: the raw mmap family as inline functions, so that both the
 * exported rtm_sys_* and the hooked rtm_* compile to a straight trap with
 * no extra call. */
#ifndef RTM_SYS_RAW_H
#define RTM_SYS_RAW_H

#include <rtmem/sys.h>

/* Kernel answer -> positive errno (0 on success). */
static inline int rtm_raw_err(long r)
{
	return RTM_SYSCALL_FAILED(r) ? (int)-r : 0;
}

static inline rtm_mmap_result rtm_raw_mmap(void *addr, size_t n, int prot, int flags, int fd,
                                           uint64_t off)
{
	rtm_mmap_result res = { 0, 0 };
	long r;

	/* The kernel would take a length past PTRDIFF_MAX, but no C object
	 * can be that large (pointer differences overflow): musl refuses it
	 * too. */
	if (n >= (size_t)PTRDIFF_MAX) {
		res.err = RTM_ENOMEM;
		return res;
	}
#if defined(RTM_MMAP2_SHIFT)
	/* mmap2 takes the offset in 4096-byte units in a 32-bit register:
	 * anything finer or larger cannot be expressed, and silently
	 * truncating it would map the wrong part of the file. */
	if ((off & ((1u << RTM_MMAP2_SHIFT) - 1)) || off >= ((uint64_t)1 << (32 + RTM_MMAP2_SHIFT))) {
		res.err = RTM_EINVAL;
		return res;
	}
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
	if (RTM_SYSCALL_FAILED(r))
		res.err = (int)-r;
	else
		res.addr = (void *)r;
	return res;
}

static inline int rtm_raw_munmap(void *addr, size_t n)
{
	return rtm_raw_err(rtm_syscall2(RTM_NR_munmap, (long)addr, (long)n));
}

static inline int rtm_raw_mprotect(void *addr, size_t n, int prot)
{
	return rtm_raw_err(rtm_syscall3(RTM_NR_mprotect, (long)addr, (long)n, prot));
}

static inline int rtm_raw_madvise(void *addr, size_t n, int advice)
{
	return rtm_raw_err(rtm_syscall3(RTM_NR_madvise, (long)addr, (long)n, advice));
}

#endif
