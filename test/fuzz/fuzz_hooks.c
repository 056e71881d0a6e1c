#include <rtmem/errno.h>
#include <rtmem/sys.h>
#if !defined(_WIN32)
#include <rtmem/libc_hooks.h>
#endif

#include "fuzz_hooks.h"
#include "fuzz_input.h"

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

#if defined(_WIN32)

static rtm_mmap_result r_alloc(void *ctx, void *addr, size_t n, unsigned long type,
                               unsigned long protect)
{
	rtm_mmap_result r = { 0, RTM_ENOMEM };

	(void)ctx;
	return refuse_now() ? r : rtm_sys_virtual_alloc(addr, n, type, protect);
}

/* Refused, rtm_reserve takes its fallback (reserve the slack, release,
 * reserve inside), as on a Windows without VirtualAlloc2. */
static rtm_mmap_result r_alloc_aligned(void *ctx, size_t n, size_t align, unsigned long type,
                                       unsigned long protect)
{
	rtm_mmap_result r = { 0, RTM_ENOMEM };

	(void)ctx;
	return refuse_now() ? r : rtm_sys_virtual_alloc_aligned(n, align, type, protect);
}

static int r_free(void *ctx, void *addr, size_t n, unsigned long type)
{
	(void)ctx;
	if (type != RTM_MEM_RELEASE && refuse_now())
		return RTM_ENOMEM;
	return rtm_sys_virtual_free(addr, n, type);
}

static int r_protect(void *ctx, void *addr, size_t n, unsigned long protect, unsigned long *old)
{
	(void)ctx;
	return refuse_now() ? RTM_ENOMEM : rtm_sys_virtual_protect(addr, n, protect, old);
}

static const struct rtm_hooks refusing = {
	.virtual_alloc = r_alloc,
	.virtual_alloc_aligned = r_alloc_aligned,
	.virtual_free = r_free,
	.virtual_protect = r_protect,
};

/* The libc route exists on Linux so that a sanitizer sees every mapping
 * through libc's mmap. rtmem's Windows layer calls kernel32 itself, and
 * there is no C-runtime VirtualAlloc a sanitizer would intercept instead:
 * no such table exists, so those inputs take the raw route. */
static const struct rtm_hooks *const libc_route = 0;

#else

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

static const struct rtm_hooks *const libc_route = &rtm_libc_hooks;

#endif

int fz_route_from_input(struct fz_in *in)
{
	unsigned route = fz_u8(in) & 3;
	uint32_t mask = 0;

	if (route == 2) {
		mask = fz_u16(in);
		mask |= (uint32_t)fz_u16(in) << 16;
	}
	fz_route_install(route == 1 ? FZ_LIBC : route == 2 ? FZ_REFUSING : FZ_RAW, mask);
	return route == 2;
}

void fz_route_install(enum fz_route route, uint32_t mask)
{
	plan.mask = mask;
	plan.calls = 0;
	plan.refused = 0;
	plan.before =
	        rtm_set_hooks(route == FZ_LIBC ? libc_route : route == FZ_REFUSING ? &refusing : 0);
}

void fz_route_remove(void)
{
	rtm_set_hooks(plan.before);
}

unsigned fz_refused(void)
{
	return plan.refused;
}

unsigned fz_calls(void)
{
	return plan.calls;
}
