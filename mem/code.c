/* The code region: its header, its two modes' mappings, reset and
 * destroy. Allocation, publish and patch are in code_alloc.c. */
#include <rtmem/sys.h>

#include "code_internal.h"
#include "sys/code_os.h"
#include "sys/vm_internal.h"

#define RTM_CODE_DEFAULT_RESERVE (sizeof(void *) == 8 ? (size_t)64 << 20 : (size_t)16 << 20)

/* n rounded up to whole pages, 0 if that overflows. */
static size_t rtm_code_pages(size_t n, size_t ps)
{
	return n > (size_t)-1 - (ps - 1) ? 0 : (n + ps - 1) & ~(ps - 1);
}

/* Gives a reservation back, with one more try when a hook refuses, as
 * the arena does: a failure leaves nothing mapped. */
static void rtm_code_unmap(uintptr_t p, size_t len, size_t ready)
{
	for (int tries = 0; tries < 2 && rtm_vm_release_mapped((void *)p, len, ready); tries++)
		;
}

/* DUAL: one memory object mapped writable and executable (the OS's
 * calls, sys/code_os.h). 0, or the first error with nothing left mapped
 * or open. */
static int rtm_code_map_dual(struct rtm_code *c, const char *name)
{
	uintptr_t write, exec;
	int err = rtm_os_code_dual_map(name, c->size, &write, &exec);

	if (err)
		return err;
	c->write = write;
	c->exec = exec;
	return 0;
}

/* FLIP: one view, reserved. Whether its pages may become executable at
 * all is asked once, of the first page, now: a system that refuses exec
 * gain (PR_SET_MDWE, SELinux execmem, Windows' arbitrary code guard)
 * would otherwise refuse only the first publish. 0, or the error with
 * nothing left mapped. */
static int rtm_code_map_flip(struct rtm_code *c, const char *name)
{
	rtm_mmap_result r = rtm_reserve(0, c->size, 0);
	size_t ps = rtm_page_size();
	int err;

	if (r.err)
		return r.err;
	err = rtm_os_code_exec_probe(r.addr, ps);
	if (err) {
		rtm_code_unmap((uintptr_t)r.addr, c->size, 0);
		return err;
	}
	c->name = name;
	(void)rtm_vm_name_mapped(r.addr, c->size, name);
	c->write = c->exec = (uintptr_t)r.addr;
	return 0;
}

rtm_code *rtm_code_create(const struct rtm_code_config *cfg)
{
	static const struct rtm_code_config defaults;
	size_t ps = rtm_page_size(), size, hdr;
	const char *name;
	struct rtm_code *c;
	rtm_mmap_result r;
	int err;

	if (!cfg)
		cfg = &defaults;
	if (cfg->flags != 0 && cfg->flags != RTM_CODE_DUAL && cfg->flags != RTM_CODE_FLIP)
		return 0;
	size = rtm_code_pages(cfg->reserve ? cfg->reserve : RTM_CODE_DEFAULT_RESERVE, ps);
	if (!size)
		return 0;
	name = cfg->name ? cfg->name : "rtmem-code";
	hdr = rtm_code_pages(sizeof(struct rtm_code), ps);
	r = rtm_reserve(0, hdr, 0);
	if (r.err)
		return 0;
	if (rtm_vm_commit_mapped(r.addr, hdr)) {
		rtm_code_unmap((uintptr_t)r.addr, hdr, 0);
		return 0;
	}
	/* Fresh pages read zero: every offset starts at 0. */
	c = (struct rtm_code *)r.addr;
	c->hdr_size = hdr;
	c->size = size;
	err = RTM_EINVAL;
	if (cfg->flags != RTM_CODE_FLIP) {
		err = rtm_code_map_dual(c, name);
		c->mode = RTM_CODE_DUAL;
	}
	if (err && cfg->flags != RTM_CODE_DUAL) {
		err = rtm_code_map_flip(c, name);
		c->mode = RTM_CODE_FLIP;
	}
	if (err) {
		rtm_code_unmap((uintptr_t)c, hdr, hdr);
		return 0;
	}
	/* Best effort: where membarrier's SYNC_CORE is missing, the arch/
	 * header says what holds without it. */
	(void)rtm_os_code_sync_register();
	return c;
}

unsigned rtm_code_mode(const rtm_code *c)
{
	return c ? c->mode : 0;
}

void rtm_code_reset(rtm_code *c)
{
	if (!c)
		return;
	if (c->mode == RTM_CODE_FLIP) {
		/* Back to reserved: a new PROT_NONE mapping in place, so no
		 * page stays executable or writable. Refused, the pages stay
		 * as they are and the space they hold stays taken until a
		 * later reset: new code starts past them, on fresh pages. */
		if (c->committed == 0 || rtm_vm_decommit_mapped((void *)c->exec, c->committed) == 0) {
			c->committed = 0;
			(void)rtm_vm_name_mapped((void *)c->exec, c->size, c->name);
		}
		c->used = c->published = c->committed;
	} else {
		/* The memfd's pages stay: it is sealed against writes that
		 * do not come through the writable view, and punching a hole
		 * (MADV_REMOVE) is one. New code overwrites the old in place,
		 * without a page fault. */
		c->used = c->published = 0;
	}
	c->patch_lo = c->patch_hi = 0;
}

void rtm_code_destroy(rtm_code *c)
{
	uintptr_t hdr = (uintptr_t)c;
	size_t hdr_size;

	if (!c)
		return;
	hdr_size = c->hdr_size;
	/* FLIP's committed pages were counted as such; DUAL's shared views
	 * never were. */
	if (c->mode == RTM_CODE_DUAL) {
		for (int tries = 0; tries < 2 && rtm_os_code_dual_unmap(c->write, c->exec, c->size);
		     tries++)
			;
	} else {
		rtm_code_unmap(c->exec, c->size, c->committed);
	}
	rtm_code_unmap(hdr, hdr_size, hdr_size);
}
