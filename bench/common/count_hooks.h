/* A <rtmem/sys.h> hook table that passes every mapping call on to the
 * OS and counts it, by kind, in calls[]: a program reads calls[] before
 * and after the steps it reports. One table per program (the counters
 * are this file's statics), installed with rtm_set_hooks(&counting);
 * with -Dhooks=false nothing reaches it (rtm_hooks_enabled() says so). */
#ifndef BENCH_COUNT_HOOKS_H
#define BENCH_COUNT_HOOKS_H

#include <rtmem/sys.h>

enum op { OP_MMAP, OP_MUNMAP, OP_MPROTECT, OP_MADVISE, NOPS };
static unsigned long calls[NOPS];

static rtm_mmap_result count_mmap(void *ctx, void *addr, size_t n, int prot, int flags, int fd,
                                  uint64_t off)
{
	(void)ctx;
	calls[OP_MMAP]++;
	return rtm_sys_mmap(addr, n, prot, flags, fd, off);
}

static int count_munmap(void *ctx, void *addr, size_t n)
{
	(void)ctx;
	calls[OP_MUNMAP]++;
	return rtm_sys_munmap(addr, n);
}

static int count_mprotect(void *ctx, void *addr, size_t n, int prot)
{
	(void)ctx;
	calls[OP_MPROTECT]++;
	return rtm_sys_mprotect(addr, n, prot);
}

static int count_madvise(void *ctx, void *addr, size_t n, int advice)
{
	(void)ctx;
	calls[OP_MADVISE]++;
	return rtm_sys_madvise(addr, n, advice);
}

static const struct rtm_hooks counting = { count_mmap, count_munmap, count_mprotect,
	                                   count_madvise, NULL };

#endif
