#include <rtmem/errno.h>
#include <rtmem/mman.h>

#include "fault_log.h"

/* Errors the kernel gives for these calls when it is short of memory or
 * refuses; rtmem must not care which. */
static const int fault_errs[] = { RTM_ENOMEM, RTM_EAGAIN, RTM_EPERM };
#define N_ERRS (sizeof fault_errs / sizeof fault_errs[0])

/* A fixed inaccessible mapping over a range is how rtmem decommits. */
static enum fault_op mmap_op(int prot, int flags)
{
	return (flags & RTM_MAP_FIXED) && prot == RTM_PROT_NONE ? FAULT_DECOMMIT : FAULT_RESERVE;
}

static rtm_mmap_result f_mmap(void *ctx, void *addr, size_t n, int prot, int flags, int fd,
                              uint64_t off)
{
	struct fault_plan *p = ctx;
	rtm_mmap_result r = { 0, 0 };

	if (fault_now(p, mmap_op(prot, flags), addr, n, fault_errs, N_ERRS)) {
		r.err = p->err;
		return r;
	}
	return rtm_sys_mmap(addr, n, prot, flags, fd, off);
}

static int f_munmap(void *ctx, void *addr, size_t n)
{
	struct fault_plan *p = ctx;

	return fault_now(p, FAULT_RELEASE, addr, n, fault_errs, N_ERRS) ? p->err :
	                                                                   rtm_sys_munmap(addr, n);
}

static int f_mprotect(void *ctx, void *addr, size_t n, int prot)
{
	struct fault_plan *p = ctx;
	enum fault_op op = prot == RTM_PROT_NONE ? FAULT_DECOMMIT : FAULT_COMMIT;

	return fault_now(p, op, addr, n, fault_errs, N_ERRS) ? p->err :
	                                                        rtm_sys_mprotect(addr, n, prot);
}

static int f_madvise(void *ctx, void *addr, size_t n, int advice)
{
	struct fault_plan *p = ctx;

	return fault_now(p, FAULT_PURGE, addr, n, fault_errs, N_ERRS) ?
	               p->err :
	               rtm_sys_madvise(addr, n, advice);
}

static struct rtm_hooks fault_table;
/* What was installed before: the test's start table (START_HOOKS). */
static const struct rtm_hooks *fault_prev;
static int fault_installed;

const char *fault_mode_name(int mode)
{
	(void)mode;
	return "mmap";
}

void fault_install(struct fault_plan *plan, int mode, unsigned fail_at, unsigned variant)
{
	plan->calls = 0;
	plan->fail_at = fail_at;
	plan->variant = variant;
	plan->mode = mode;
	plan->err = 0;
	plan->failed = 0;
	fault_table.mmap = f_mmap;
	fault_table.munmap = f_munmap;
	fault_table.mprotect = f_mprotect;
	fault_table.madvise = f_madvise;
	fault_table.ctx = plan;
	fault_log_start(plan);
	fault_prev = rtm_set_hooks(&fault_table);
	fault_installed = 1;
}

void fault_remove(void)
{
	if (!fault_installed)
		return;
	rtm_set_hooks(fault_prev);
	fault_log_stop();
	fault_installed = 0;
}
