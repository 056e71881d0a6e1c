/* Hooks through libc's mmap family (Go: runtime/cgo/gcc_mmap.c). Built
 * into its own library: the only rtmem code that links against libc.
 * Sanitizers intercept these libc symbols, which is the point. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>

#include <rtmem/libc_hooks.h>
#include <rtmem/vm.h>

#if defined(__has_feature)
#if __has_feature(memory_sanitizer)
#include <sanitizer/msan_interface.h>
#define RTM_MSAN 1
#endif
#endif

static rtm_mmap_result libc_mmap(void *ctx, void *addr, size_t n, int prot, int flags, int fd,
                                 uint64_t off)
{
	rtm_mmap_result res = { 0, 0 };
	int saved = errno;
	void *p;

	(void)ctx;
	/* sys.h: a length of PTRDIFF_MAX or more is ENOMEM, whatever else is
	 * wrong. 32-bit glibc would map it (musl refuses it, as rtmem does). */
	if (n >= (size_t)PTRDIFF_MAX) {
		res.err = ENOMEM;
		return res;
	}
	/* An offset off_t cannot carry must fail, not wrap (the kernel
	 * ignores the offset of an anonymous mapping, so there it passes). */
	if (!(flags & MAP_ANONYMOUS) && ((uint64_t)(off_t)off != off || (off_t)off < 0)) {
		res.err = EOVERFLOW;
		return res;
	}
	p = mmap(addr, n, prot, flags, fd, (off_t)off);
	if (p == MAP_FAILED)
		res.err = errno;
	else
		res.addr = p;
	errno = saved;
	return res;
}

/* 0 or errno for an int-returning libc call, errno left as it was. */
static int libc_result(int r, int saved)
{
	int err = r == 0 ? 0 : errno;
	errno = saved;
	return err;
}

static int libc_munmap(void *ctx, void *addr, size_t n)
{
	int saved = errno;
	(void)ctx;
	return libc_result(munmap(addr, n), saved);
}

static int libc_mprotect(void *ctx, void *addr, size_t n, int prot)
{
	int saved = errno;
	(void)ctx;
	/* musl's mprotect rounds addr down to its page, changing memory the
	 * caller did not name; the kernel (and rtm_sys_mprotect) refuses an
	 * unaligned address, and so must the hook. */
	if ((uintptr_t)addr & (rtm_page_size() - 1))
		return EINVAL;
	/* It also rounds the end up with a wrap: a length within a page of
	 * SIZE_MAX becomes 0 there and succeeds. The kernel's page-rounded
	 * length wraps to 0 as well, and it refuses that with ENOMEM. So does
	 * a 32-bit kernel for any range whose rounded end wraps, where a
	 * 64-bit kernel running a 32-bit process changes every mapping above
	 * addr up to the first hole (raw.h): refused here for both. */
	if (n != 0 && n > UINTPTR_MAX - (uintptr_t)addr - (rtm_page_size() - 1))
		return ENOMEM;
	return libc_result(mprotect(addr, n, prot), saved);
}

static int libc_madvise(void *ctx, void *addr, size_t n, int advice)
{
	int saved = errno;
	uintptr_t a = (uintptr_t)addr, mask = rtm_page_size() - 1;
	(void)ctx;
	/* A range whose rounded end wraps, as in libc_mprotect: EINVAL from
	 * the kernel of the same word size. */
	if (n != 0 && (a & mask) == 0 && n > UINTPTR_MAX - a - mask)
		return EINVAL;
	if (madvise(addr, n, advice) != 0)
		return libc_result(-1, saved);
#ifdef RTM_MSAN
	/* MemorySanitizer does not intercept madvise, so it would keep the
	 * old shadow of pages MADV_DONTNEED has just dropped: the zero pages
	 * (or the file's contents) that come back on the next read are
	 * initialized. (rtm_decommit keeps the mapping and drops its pages
	 * this way.) */
	if (advice == MADV_DONTNEED)
		__msan_unpoison(addr, (n + mask) & ~mask);
#endif
	return 0;
}

const struct rtm_hooks rtm_libc_hooks = {
	.mmap = libc_mmap,
	.munmap = libc_munmap,
	.mprotect = libc_mprotect,
	.madvise = libc_madvise,
	.ctx = 0,
};
