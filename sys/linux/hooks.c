/* The hooked entry points of Linux (Go: mmap/munmap in runtime/cgo_mmap.go):
 * through the installed hook table when it has the operation, else the
 * raw call. */
#include "../hooks_internal.h"
#include "raw.h"

#if RTM_HOOKS
__attribute__((noinline, cold)) static rtm_mmap_result
rtm_mmap_hooked(void *addr, size_t n, int prot, int flags, int fd, uint64_t off)
{
	const struct rtm_hooks *h = rtm_hooks_acquire();

	if (h && h->mmap)
		return h->mmap(h->ctx, addr, n, prot, flags, fd, off);
	return rtm_raw_mmap(addr, n, prot, flags, fd, off);
}

__attribute__((noinline, cold)) static int rtm_munmap_hooked(void *addr, size_t n)
{
	const struct rtm_hooks *h = rtm_hooks_acquire();

	if (h && h->munmap)
		return h->munmap(h->ctx, addr, n);
	return rtm_raw_munmap(addr, n);
}

/* The mprotect and madvise hooks have the same type, so one out-of-line
 * path serves both (one copy of the reload and the call, not two);
 * protect picks the operation. */
__attribute__((noinline, cold)) static int rtm_page_op_hooked(void *addr, size_t n, int arg,
                                                               int protect)
{
	const struct rtm_hooks *h = rtm_hooks_acquire();
	int (*op)(void *ctx, void *addr, size_t n, int arg) = 0;

	if (h)
		op = protect ? h->mprotect : h->madvise;
	if (op)
		return op(h->ctx, addr, n, arg);
	return protect ? rtm_raw_mprotect(addr, n, arg) : rtm_raw_madvise(addr, n, arg);
}
#endif

rtm_mmap_result rtm_mmap(void *addr, size_t n, int prot, int flags, int fd, uint64_t off)
{
	RTM_HOOKED(rtm_mmap_hooked(addr, n, prot, flags, fd, off));
	return rtm_raw_mmap(addr, n, prot, flags, fd, off);
}

int rtm_munmap(void *addr, size_t n)
{
	RTM_HOOKED(rtm_munmap_hooked(addr, n));
	return rtm_raw_munmap(addr, n);
}

int rtm_mprotect(void *addr, size_t n, int prot)
{
	RTM_HOOKED(rtm_page_op_hooked(addr, n, prot, 1));
	return rtm_raw_mprotect(addr, n, prot);
}

int rtm_madvise(void *addr, size_t n, int advice)
{
	RTM_HOOKED(rtm_page_op_hooked(addr, n, advice, 0));
	return rtm_raw_madvise(addr, n, advice);
}
