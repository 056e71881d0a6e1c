/* rtm_reserve on Windows (Go: sysReserve, sysReserveAligned in
 * mem_windows.go and malloc.go): MEM_RESERVE, PAGE_NOACCESS. Every
 * reservation is aligned to the allocation granularity (64 KiB); a larger
 * alignment comes from VirtualAlloc2's MEM_ADDRESS_REQUIREMENTS where the
 * system has it, else from reserving the slack, releasing it and
 * reserving again at the aligned address inside. */
#include "../vm_internal.h"
#include "win.h"

/* How often the fallback tries before it gives up: each failure means
 * another thread reserved the aligned address between the release and
 * the second reservation. */
#define RTM_WIN_RESERVE_TRIES 16

static rtm_mmap_result rtm_win_reserve_at(void *at, size_t len)
{
	return rtm_virtual_alloc(at, len, RTM_MEM_RESERVE, RTM_PAGE_NOACCESS);
}

/* len bytes aligned to align, by way of span bytes (len + align minus a
 * page: every aligned start inside them leaves len bytes). Nothing stays
 * reserved on failure but what a hook refused to release. */
static rtm_mmap_result rtm_win_reserve_aligned_by_hand(size_t len, size_t span, size_t align)
{
	rtm_mmap_result r;

	for (int tries = 0; tries < RTM_WIN_RESERVE_TRIES; tries++) {
		uintptr_t start;
		int err;

		r = rtm_win_reserve_at(0, span);
		if (r.err)
			return r;
		start = ((uintptr_t)r.addr + align - 1) & ~(uintptr_t)(align - 1);
		err = rtm_virtual_free(r.addr, 0, RTM_MEM_RELEASE);
		if (err) {
			/* Keep nothing: one more try, as the arena does. */
			if (rtm_virtual_free(r.addr, 0, RTM_MEM_RELEASE)) {
				r.addr = 0;
				r.err = err;
				return r;
			}
			continue;
		}
		r = rtm_win_reserve_at((void *)start, len);
		if (!r.err)
			return r;
	}
	r.addr = 0;
	r.err = RTM_ENOMEM;
	return r;
}

rtm_mmap_result rtm_reserve(void *hint, size_t n, size_t align)
{
	size_t ps = rtm_page_size(), len, span;
	int err = rtm_vm_reserve_shape(n, ps, &align, &len, &span);
	rtm_mmap_result r;

	/* More than the user address space holds is RTM_ENOMEM, as on
	 * Linux, where the mmap layer refuses a length of PTRDIFF_MAX and the
	 * kernel one it has no room for: VirtualAlloc would answer
	 * ERROR_INVALID_PARAMETER. */
	if (!err && (span >= (size_t)PTRDIFF_MAX || span > rtm_win_user_bytes()))
		err = RTM_ENOMEM;
	if (err) {
		r.addr = 0;
		r.err = err;
		return r;
	}
	if (align <= rtm_win_granularity()) {
		/* VirtualAlloc takes an address as an order, not a hint: try
		 * it, then anywhere. Rounded down to the granularity first:
		 * given as it is, VirtualAlloc reserves every page from the
		 * granule's start that [hint, hint + len) touches, more than
		 * len, which a release of len then would not match. */
		r.err = RTM_EINVAL;
		if (hint)
			r = rtm_win_reserve_at((void *)((uintptr_t)hint &
			                                ~(uintptr_t)(rtm_win_granularity() - 1)),
			                       len);
		if (r.err)
			r = rtm_win_reserve_at(0, len);
	} else {
		r = rtm_virtual_alloc_aligned(len, align, RTM_MEM_RESERVE, RTM_PAGE_NOACCESS);
		if (r.err)
			r = rtm_win_reserve_aligned_by_hand(len, span, align);
	}
	if (!r.err)
		rtm_vm_count_give(&rtm_vm_reserved_bytes, len);
	return r;
}
