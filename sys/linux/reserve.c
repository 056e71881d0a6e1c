/* rtm_reserve on Linux: None -> Reserved, a PROT_NONE MAP_NORESERVE
 * mapping, aligned by trimming (Go: sysReserve, sysReserveAligned). */
#include "../vm_internal.h"

rtm_mmap_result rtm_reserve(void *hint, size_t n, size_t align)
{
	const int prot = RTM_PROT_NONE;
	const int flags = RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS | RTM_MAP_NORESERVE;
	rtm_mmap_result r;
	size_t ps = rtm_page_size();
	size_t len, span;
	uintptr_t base, start, end;
	int err = rtm_vm_reserve_shape(n, ps, &align, &len, &span);

	if (err)
		goto fail;
	/* Page alignment comes free; a larger one by asking for the slack
	 * and trimming both ends. The tail goes first; either order leaves
	 * the same. */
	r = rtm_mmap(hint, span, prot, flags, -1, 0);
	if (r.err)
		return r;
	base = (uintptr_t)r.addr;
	end = base + span;
	start = (base + align - 1) & ~(uintptr_t)(align - 1);
	err = rtm_os_unmap_span(start + len, end);
	if (!err) {
		end = start + len; /* the tail is gone: [base, end) is what is left */
		err = rtm_os_unmap_span(base, start);
	}
	if (err) {
		/* A trim failed (a hook can fail any call): give back all that
		 * is still mapped so that a failed reserve leaves nothing behind. */
		rtm_munmap((void *)base, end - base);
		goto fail;
	}
	rtm_vm_count_give(&rtm_vm_reserved_bytes, len);
	return rtm_vm_result((void *)start, 0);
fail:
	return rtm_vm_result(0, err);
}
