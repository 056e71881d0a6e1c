/* The hook table (Go: _cgo_mmap and friends): installed with one atomic
 * exchange, the same on every system; each system's hooks.c routes its
 * entry points through it. */
#include "hooks_internal.h"

const struct rtm_hooks *_Atomic rtm_hooks_now;

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
