/* The hooked entry points (Go: mmap/munmap in runtime/cgo_mmap.go): through
 * the installed hook table when it has the operation, else the raw call.
 *
 * The table pointer is the only shared state. Readers take it with one
 * acquire load (a plain load on x86, ldar on arm64), so a hook table
 * written before rtm_set_hooks() is fully visible to whoever sees the
 * pointer. With no table installed the cost over the raw call is that load
 * and one branch the predictor always gets right. */
#include <stdatomic.h>

#include "raw.h"

#ifndef RTM_HOOKS
#define RTM_HOOKS 1
#endif

static const struct rtm_hooks *_Atomic rtm_hooks_now;

const struct rtm_hooks *rtm_set_hooks(const struct rtm_hooks *hooks)
{
	return atomic_exchange_explicit(&rtm_hooks_now, hooks, memory_order_acq_rel);
}

const struct rtm_hooks *rtm_get_hooks(void)
{
	return atomic_load_explicit(&rtm_hooks_now, memory_order_acquire);
}

int rtm_hooks_enabled(void)
{
	return RTM_HOOKS;
}

#if RTM_HOOKS
/* The fast path tests the pointer (a relaxed load: nothing is read through
 * it) and jumps out of line when a table is installed; the out-of-line path
 * loads it again with acquire and may find it gone. Kept out of line so
 * that neither compiler sets up the hook's arguments on the fast path. */
#define RTM_HOOKED(call)                                                              \
	do {                                                                          \
		if (__builtin_expect(atomic_load_explicit(&rtm_hooks_now,             \
		                                          memory_order_relaxed) != 0, \
		                     0))                                              \
			return call;                                                  \
	} while (0)

static const struct rtm_hooks *rtm_hooks_acquire(void)
{
	return atomic_load_explicit(&rtm_hooks_now, memory_order_acquire);
}

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
#else
#define RTM_HOOKED(call) ((void)0)
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
