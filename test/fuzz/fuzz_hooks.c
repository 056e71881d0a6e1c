#include <rtmem/errno.h>
#include <rtmem/libc_hooks.h>

#include "fuzz_hooks.h"

static struct {
	uint32_t mask;
	unsigned calls, refused;
	const struct rtm_hooks *before; /* what the process had installed */
} plan;

static int refuse_now(void)
{
	if (!(plan.mask >> (plan.calls++ % 32) & 1))
		return 0;
	plan.refused++;
	return 1;
}

static rtm_mmap_result r_mmap(void *ctx, void *addr, size_t n, int prot, int flags, int fd,
                              uint64_t off)
{
	rtm_mmap_result r = { 0, RTM_ENOMEM };

	(void)ctx;
	return refuse_now() ? r : rtm_sys_mmap(addr, n, prot, flags, fd, off);
}

static int r_mprotect(void *ctx, void *addr, size_t n, int prot)
{
	(void)ctx;
	return refuse_now() ? RTM_ENOMEM : rtm_sys_mprotect(addr, n, prot);
}

static int r_madvise(void *ctx, void *addr, size_t n, int advice)
{
	(void)ctx;
	if (advice != RTM_MADV_NORMAL && refuse_now())
		return RTM_EAGAIN;
	return rtm_sys_madvise(addr, n, advice);
}

static const struct rtm_hooks refusing = {
	.mmap = r_mmap, .mprotect = r_mprotect, .madvise = r_madvise,
};

void fz_route_install(enum fz_route route, uint32_t mask)
{
	plan.mask = mask;
	plan.calls = 0;
	plan.refused = 0;
	plan.before =
	        rtm_set_hooks(route == FZ_LIBC ? &rtm_libc_hooks : route == FZ_REFUSING ? &refusing : 0);
}

void fz_route_remove(void)
{
	rtm_set_hooks(plan.before);
}

unsigned fz_refused(void)
{
	return plan.refused;
}
