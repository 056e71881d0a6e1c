/* fault_hooks.h over the VirtualAlloc layer: struct rtm_hooks' Windows
 * members. A failed call returns an error Windows gives for that call
 * (mapped as <rtmem/sys_windows.h> maps it); the plan's variant picks one
 * where there are several, as Linux's three errors rotate. */
#include <rtmem/errno.h>

#include "fault_log.h"

struct fault_errs {
	unsigned n;
	int err[3];
};

/* Reserving anywhere: the address space is full (ERROR_NOT_ENOUGH_MEMORY);
 * at an address: also ERROR_INVALID_ADDRESS, another thread took it. */
static const struct fault_errs reserve_anywhere = { 1, { RTM_ENOMEM } };
static const struct fault_errs reserve_at = { 2, { RTM_ENOMEM, RTM_EINVAL } };
/* ERROR_COMMITMENT_LIMIT, ERROR_NOT_ENOUGH_MEMORY: both are RTM_ENOMEM. */
static const struct fault_errs commit = { 1, { RTM_ENOMEM } };
/* VirtualAlloc2 out of address space, or refusing the requirement
 * (ERROR_INVALID_PARAMETER, as early Windows 10 builds may). */
static const struct fault_errs aligned = { 2, { RTM_ENOMEM, RTM_EINVAL } };
/* MEM_RESET, MEM_DECOMMIT and MEM_RELEASE: ERROR_INVALID_ADDRESS, or the
 * system out of memory for the bookkeeping of a split. */
static const struct fault_errs change = { 2, { RTM_EINVAL, RTM_ENOMEM } };

static int fault_now_as(struct fault_plan *p, enum fault_op op, void *addr, size_t n,
                        const struct fault_errs *e)
{
	return fault_now(p, op, addr, n, e->err, e->n);
}

static const struct fault_errs *alloc_errs(void *addr, unsigned long type)
{
	if (type & RTM_MEM_RESERVE)
		return addr ? &reserve_at : &reserve_anywhere;
	return type & RTM_MEM_COMMIT ? &commit : &change;
}

static enum fault_op alloc_op(unsigned long type)
{
	if (type & RTM_MEM_RESERVE)
		return FAULT_RESERVE;
	return type & RTM_MEM_COMMIT ? FAULT_COMMIT : FAULT_PURGE;
}

static rtm_mmap_result f_alloc(void *ctx, void *addr, size_t n, unsigned long type,
                               unsigned long protect)
{
	struct fault_plan *p = ctx;
	rtm_mmap_result r = { 0, 0 };

	if (fault_now_as(p, alloc_op(type), addr, n, alloc_errs(addr, type))) {
		r.err = p->err;
		return r;
	}
	return rtm_sys_virtual_alloc(addr, n, type, protect);
}

static rtm_mmap_result f_aligned(void *ctx, size_t n, size_t align, unsigned long type,
                                 unsigned long protect)
{
	struct fault_plan *p = ctx;
	rtm_mmap_result r = { 0, RTM_ENOSYS };

	/* What rtm_sys_virtual_alloc_aligned answers where no module exports
	 * VirtualAlloc2, before any call. */
	if (p->mode == 1)
		return r;
	if (fault_now_as(p, FAULT_RESERVE, 0, n, &aligned)) {
		r.err = p->err;
		return r;
	}
	return rtm_sys_virtual_alloc_aligned(n, align, type, protect);
}

static int f_free(void *ctx, void *addr, size_t n, unsigned long type)
{
	struct fault_plan *p = ctx;
	enum fault_op op = type & RTM_MEM_RELEASE ? FAULT_RELEASE : FAULT_DECOMMIT;

	return fault_now_as(p, op, addr, n, &change) ? p->err :
	                                               rtm_sys_virtual_free(addr, n, type);
}

static int f_protect(void *ctx, void *addr, size_t n, unsigned long protect, unsigned long *old)
{
	struct fault_plan *p = ctx;
	return fault_now_as(p, FAULT_OTHER, addr, n, &change) ?
	               p->err :
	               rtm_sys_virtual_protect(addr, n, protect, old);
}

/* The code region's section: the commit limit (SEC_COMMIT charges it
 * all). */
static const struct fault_errs section = { 1, { RTM_ENOMEM } };
/* A view: no address space, or no room at the placeholder's address. */
static const struct fault_errs view = { 2, { RTM_ENOMEM, RTM_EINVAL } };
/* UnmapViewOfFile: no view there. */
static const struct fault_errs unmap = { 1, { RTM_EINVAL } };

static int f_section(void *ctx, size_t n, unsigned long protect, void **out)
{
	struct fault_plan *p = ctx;

	return fault_now_as(p, FAULT_OTHER, 0, n, &section) ? p->err :
	                                                      rtm_sys_section_create(n, protect, out);
}

static rtm_mmap_result f_map(void *ctx, void *s, void *addr, size_t n, unsigned long type,
                             unsigned long protect)
{
	struct fault_plan *p = ctx;
	rtm_mmap_result r = { 0, 0 };

	if (fault_now_as(p, FAULT_RESERVE, addr, n, &view)) {
		r.err = p->err;
		return r;
	}
	return rtm_sys_map_view(s, addr, n, type, protect);
}

static int f_unmap(void *ctx, void *addr)
{
	struct fault_plan *p = ctx;

	return fault_now_as(p, FAULT_RELEASE, addr, 0, &unmap) ? p->err : rtm_sys_unmap_view(addr);
}

static struct rtm_hooks fault_table;
static const struct rtm_hooks *fault_prev;
static int fault_installed;

const char *fault_mode_name(int mode)
{
	return mode == 1 ? "fallback" : "VirtualAlloc2";
}

void fault_install(struct fault_plan *plan, int mode, unsigned fail_at, unsigned variant)
{
	plan->calls = 0;
	plan->fail_at = fail_at;
	plan->variant = variant;
	plan->mode = mode;
	plan->err = 0;
	plan->failed = 0;
	fault_table.virtual_alloc = f_alloc;
	fault_table.virtual_alloc_aligned = f_aligned;
	fault_table.virtual_free = f_free;
	fault_table.virtual_protect = f_protect;
	fault_table.section_create = f_section;
	fault_table.map_view = f_map;
	fault_table.unmap_view = f_unmap;
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
