/* Internal: the installed hook table, shared by each system's hooked
 * entry points (linux/hooks.c, windows/hooks.c).
 *
 * The table pointer is the only shared state. Readers take it with one
 * acquire load (a plain load on x86, ldar on arm64), so a hook table
 * written before rtm_set_hooks() is fully visible to whoever sees the
 * pointer. With no table installed the cost over the raw call is that load
 * and one branch the predictor always gets right. */
#ifndef RTM_SYS_HOOKS_INTERNAL_H
#define RTM_SYS_HOOKS_INTERNAL_H

#include <stdatomic.h>

#include <rtmem/sys.h>

#ifndef RTM_HOOKS
#define RTM_HOOKS 1
#endif

#pragma GCC visibility push(hidden)
extern const struct rtm_hooks *_Atomic rtm_hooks_now;
#pragma GCC visibility pop

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

static inline const struct rtm_hooks *rtm_hooks_acquire(void)
{
	return atomic_load_explicit(&rtm_hooks_now, memory_order_acquire);
}
#else
#define RTM_HOOKED(call) ((void)0)
#endif

#endif
