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
#define RTM_HOOKED(op, ...)                                                           \
	do {                                                                          \
		if (__builtin_expect(atomic_load_explicit(&rtm_hooks_now,             \
		                                          memory_order_relaxed) != 0, \
		                     0))                                              \
			return rtm_##op##_hooked(__VA_ARGS__);                        \
	} while (0)
#define RTM_HOOKED_PATH(ret, op, params, args, raw)                                   \
	__attribute__((noinline, cold)) static ret rtm_##op##_hooked params          \
	{                                                                             \
		const struct rtm_hooks *h =                                           \
		        atomic_load_explicit(&rtm_hooks_now, memory_order_acquire);   \
		if (h && h->op)                                                       \
			return h->op args;                                            \
		return raw;                                                           \
	}

RTM_HOOKED_PATH(rtm_mmap_result, mmap,
                (void *addr, size_t n, int prot, int flags, int fd, uint64_t off),
                (h->ctx, addr, n, prot, flags, fd, off),
                rtm_raw_mmap(addr, n, prot, flags, fd, off))
RTM_HOOKED_PATH(int, munmap, (void *addr, size_t n), (h->ctx, addr, n),
                rtm_raw_munmap(addr, n))
RTM_HOOKED_PATH(int, mprotect, (void *addr, size_t n, int prot), (h->ctx, addr, n, prot),
                rtm_raw_mprotect(addr, n, prot))
RTM_HOOKED_PATH(int, madvise, (void *addr, size_t n, int advice), (h->ctx, addr, n, advice),
                rtm_raw_madvise(addr, n, advice))
#else
#define RTM_HOOKED(op, ...) ((void)0)
#endif

rtm_mmap_result rtm_mmap(void *addr, size_t n, int prot, int flags, int fd, uint64_t off)
{
	RTM_HOOKED(mmap, addr, n, prot, flags, fd, off);
	return rtm_raw_mmap(addr, n, prot, flags, fd, off);
}

int rtm_munmap(void *addr, size_t n)
{
	RTM_HOOKED(munmap, addr, n);
	return rtm_raw_munmap(addr, n);
}

int rtm_mprotect(void *addr, size_t n, int prot)
{
	RTM_HOOKED(mprotect, addr, n, prot);
	return rtm_raw_mprotect(addr, n, prot);
}

int rtm_madvise(void *addr, size_t n, int advice)
{
	RTM_HOOKED(madvise, addr, n, advice);
	return rtm_raw_madvise(addr, n, advice);
}
