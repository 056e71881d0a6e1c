/* The hooked entry points (rtm_mmap & co): a counting hook table sees every
 * call, a partial table leaves its NULL members as raw system calls, and
 * removing the table brings every call back to the kernel directly. In a
 * -Dhooks=false build the table is stored but never called, and the
 * expected counts say so. */
#include <rtmem/sys.h>

#include "selftest.h"

struct counts {
	int mmap, munmap, mprotect, madvise;
	int bad_ctx; /* a hook was called with a ctx that is not the table's */
};

static struct counts seen;

static void note(void *ctx, int *counter)
{
	if (ctx != &seen)
		seen.bad_ctx++;
	(*counter)++;
}

static rtm_mmap_result count_mmap(void *ctx, void *addr, size_t n, int prot, int flags, int fd,
                                  uint64_t off)
{
	note(ctx, &seen.mmap);
	return rtm_sys_mmap(addr, n, prot, flags, fd, off);
}

static int count_munmap(void *ctx, void *addr, size_t n)
{
	note(ctx, &seen.munmap);
	return rtm_sys_munmap(addr, n);
}

static int count_mprotect(void *ctx, void *addr, size_t n, int prot)
{
	note(ctx, &seen.mprotect);
	return rtm_sys_mprotect(addr, n, prot);
}

/* Answers with an error the kernel would never give for this call, so the
 * check can tell the hook's answer from the kernel's. */
static int refuse_madvise(void *ctx, void *addr, size_t n, int advice)
{
	(void)addr;
	(void)n;
	(void)advice;
	note(ctx, &seen.madvise);
	return RTM_EPERM;
}

static const struct rtm_hooks counting = {
	.mmap = count_mmap,
	.munmap = count_munmap,
	.mprotect = count_mprotect,
	.madvise = refuse_madvise,
	.ctx = &seen,
};

static const struct rtm_hooks mmap_only = {
	.mmap = count_mmap,
	.ctx = &seen,
};

static void full_table(const struct selftest *t, int on)
{
	rtm_mmap_result r;

	tap_ok(rtm_set_hooks(&counting) == 0, "rtm_set_hooks: no table was installed before");
	tap_ok(rtm_get_hooks() == &counting, "rtm_get_hooks: the table just installed");

	r = rtm_mmap(0, t->page, RTM_PROT_READ | RTM_PROT_WRITE,
	             RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS, -1, 0);
	tap_ok(r.err == 0 && r.addr, "hooked rtm_mmap maps");
	tap_eq(seen.mmap, on, "hooked rtm_mmap went through the hook");
	tap_eq(rtm_mprotect(r.addr, t->page, RTM_PROT_READ), 0, "hooked rtm_mprotect");
	tap_eq(seen.mprotect, on, "hooked rtm_mprotect went through the hook");
	tap_eq(rtm_madvise(r.addr, t->page, RTM_MADV_DONTNEED), on ? RTM_EPERM : 0,
	       "hooked rtm_madvise returns the hook's error unchanged");
	tap_eq(rtm_munmap(r.addr, t->page), 0, "hooked rtm_munmap");
	tap_eq(seen.munmap, on, "hooked rtm_munmap went through the hook");
	tap_eq(seen.bad_ctx, 0, "every hook got the table's ctx");

	r = rtm_sys_mmap(0, t->page, RTM_PROT_READ, RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS, -1, 0);
	tap_ok(r.err == 0 && rtm_sys_mprotect(r.addr, t->page, RTM_PROT_NONE) == 0 &&
	               rtm_sys_madvise(r.addr, t->page, RTM_MADV_DONTNEED) == 0 &&
	               rtm_sys_munmap(r.addr, t->page) == 0,
	       "rtm_sys_* with hooks installed");
	tap_ok(seen.mmap == on && seen.mprotect == on && seen.madvise == on && seen.munmap == on,
	       "rtm_sys_* never call the hooks");
}

static void partial_table(const struct selftest *t, int on)
{
	rtm_mmap_result r;

	seen = (struct counts){ 0, 0, 0, 0, 0 };
	tap_ok(rtm_set_hooks(&mmap_only) == &counting, "rtm_set_hooks returns the table it replaced");
	r = rtm_mmap(0, t->page, RTM_PROT_READ | RTM_PROT_WRITE,
	             RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS, -1, 0);
	tap_ok(r.err == 0 && seen.mmap == on, "partial table: rtm_mmap through its hook");
	/* NULL members: these must reach the kernel, not call through NULL. */
	tap_eq(rtm_mprotect(r.addr, t->page, RTM_PROT_READ), 0, "partial table: raw rtm_mprotect");
	tap_eq(rtm_madvise(r.addr, t->page, RTM_MADV_DONTNEED), 0, "partial table: raw rtm_madvise");
	tap_eq(rtm_munmap(r.addr, t->page), 0, "partial table: raw rtm_munmap");

	tap_ok(rtm_set_hooks(0) == &mmap_only, "rtm_set_hooks(NULL) removes the table");
	tap_ok(rtm_get_hooks() == 0, "rtm_get_hooks: none after removal");
	r = rtm_mmap(0, t->page, RTM_PROT_READ, RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS, -1, 0);
	tap_ok(r.err == 0 && seen.mmap == on && rtm_munmap(r.addr, t->page) == 0,
	       "no hooks: rtm_mmap and rtm_munmap go straight to the kernel");
}

void section_hooks(const struct selftest *t)
{
	int on = rtm_hooks_enabled();

	if (!on)
		tap_diag("built with -Dhooks=false: tables are stored, never called");
	tap_ok(rtm_get_hooks() == 0, "rtm_get_hooks: none installed at start");
	full_table(t, on);
	partial_table(t, on);
}
