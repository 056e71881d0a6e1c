/* Allocating, publishing and patching code in a region (code_internal.h
 * has the offsets these keep). */
#include <rtmem/sys.h>

#include "code_internal.h"
#include "sys/code_os.h"
#include "sys/icache_internal.h"
#include "sys/vm_internal.h"

static size_t rtm_code_page_up(size_t n, size_t ps)
{
	return (n + ps - 1) & ~(ps - 1);
}

int rtm_code_alloc(rtm_code *c, size_t size, size_t align, struct rtm_code_buf *out)
{
	size_t ps = rtm_page_size(), off, end;

	if (!c || !out || size == 0)
		return RTM_EINVAL;
	if (align == 0)
		align = RTM_CODE_DEFAULT_ALIGN;
	if ((align & (align - 1)) || align > ps)
		return RTM_EINVAL;
	/* used <= c->size, which is far below SIZE_MAX - ps. */
	off = (c->used + align - 1) & ~(align - 1);
	if (__builtin_add_overflow(off, size, &end) || end > c->size)
		return RTM_ENOMEM;
	if (c->mode == RTM_CODE_FLIP && end > c->committed) {
		/* Writable, not executable, until published. */
		size_t to = rtm_code_page_up(end, ps);
		int err = rtm_vm_commit_mapped((void *)(c->exec + c->committed), to - c->committed);

		if (err)
			return err;
		c->committed = to;
	}
	c->used = end;
	out->write = (void *)(c->write + off);
	out->exec = (void *)(c->exec + off);
	out->size = size;
	return 0;
}

/* b's offset in the views, if b is (part of) what this region handed
 * out; -1 (as a size_t) otherwise. */
static size_t rtm_code_offset(const rtm_code *c, const struct rtm_code_buf *b)
{
	uintptr_t x = (uintptr_t)b->exec;
	size_t off;

	if (b->size == 0 || x < c->exec || x - c->exec > c->used ||
	    b->size > c->used - (x - c->exec))
		return (size_t)-1;
	off = x - c->exec;
	return (uintptr_t)b->write == c->write + off ? off : (size_t)-1;
}

/* Makes [lo, lo + n) of the region what every thread runs: the caches
 * maintained for it, FLIP's pages made executable, every thread made to
 * refetch. FLIP flushes while its pages are still writable, before the
 * protection changes, so that a refused flush leaves the region as it was
 * (wasmtime orders it so too, for cores with errata about maintenance on
 * read-only pages). 0, or the first error with nothing changed. */
static int rtm_code_make_runnable(rtm_code *c, size_t lo, size_t n)
{
	int err = rtm_icache_flush_checked((void *)(c->exec + lo), n);

	if (!err && c->mode == RTM_CODE_FLIP)
		err = rtm_os_code_protect((void *)(c->exec + lo), n, RTM_OS_CODE_RX);
	if (!err)
		rtm_os_code_sync();
	return err;
}

int rtm_code_publish(rtm_code *c, const struct rtm_code_buf *b)
{
	size_t ps = rtm_page_size(), off, end;
	int err;

	if (!c || !b || (off = rtm_code_offset(c, b)) == (size_t)-1)
		return RTM_EINVAL;
	end = off + b->size;
	if (c->mode == RTM_CODE_DUAL) {
		err = rtm_code_make_runnable(c, off, b->size);
		if (!err && end > c->published)
			c->published = end;
		return err;
	}
	if (c->patch_hi && off >= c->patch_lo && end <= c->patch_hi) {
		/* The end of a patch: its pages executable again. */
		err = rtm_code_make_runnable(c, c->patch_lo, c->patch_hi - c->patch_lo);
		if (!err)
			c->patch_lo = c->patch_hi = 0;
		return err;
	}
	if (off < c->published)
		return RTM_EINVAL; /* published already, and not being patched */
	{
		/* Everything since the last publish, to the end of its last
		 * page; the next allocation starts on the page after. */
		size_t from = c->published, to = rtm_code_page_up(c->used, ps);

		err = rtm_code_make_runnable(c, from, to - from);
		if (!err)
			c->published = c->used = to;
	}
	return err;
}

int rtm_code_patch_begin(rtm_code *c, const struct rtm_code_buf *b)
{
	size_t ps = rtm_page_size(), off, lo, hi;
	int err;

	if (!c || !b || (off = rtm_code_offset(c, b)) == (size_t)-1 ||
	    off + b->size > c->published)
		return RTM_EINVAL;
	if (c->mode == RTM_CODE_DUAL)
		return 0;
	/* One patch at a time: its pages are what the publish will flip. */
	if (c->patch_hi)
		return RTM_EINVAL;
	lo = off & ~(ps - 1);
	hi = rtm_code_page_up(off + b->size, ps);
	err = rtm_os_code_protect((void *)(c->exec + lo), hi - lo, RTM_OS_CODE_RW);
	if (err)
		return err;
	c->patch_lo = lo;
	c->patch_hi = hi;
	return 0;
}
