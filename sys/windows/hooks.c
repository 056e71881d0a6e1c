/* The hooked entry points of Windows: through the installed hook table
 * when it has the operation, else the raw call. */
#include "../hooks_internal.h"
#include "win.h"

#if RTM_HOOKS
__attribute__((noinline, cold)) static rtm_mmap_result
rtm_virtual_alloc_hooked(void *addr, size_t n, unsigned long type, unsigned long protect)
{
	const struct rtm_hooks *h = rtm_hooks_acquire();

	if (h && h->virtual_alloc)
		return h->virtual_alloc(h->ctx, addr, n, type, protect);
	return rtm_sys_virtual_alloc(addr, n, type, protect);
}

__attribute__((noinline, cold)) static rtm_mmap_result
rtm_virtual_alloc_aligned_hooked(size_t n, size_t align, unsigned long type, unsigned long protect)
{
	const struct rtm_hooks *h = rtm_hooks_acquire();

	if (h && h->virtual_alloc_aligned)
		return h->virtual_alloc_aligned(h->ctx, n, align, type, protect);
	return rtm_sys_virtual_alloc_aligned(n, align, type, protect);
}

__attribute__((noinline, cold)) static int rtm_virtual_free_hooked(void *addr, size_t n,
                                                                   unsigned long type)
{
	const struct rtm_hooks *h = rtm_hooks_acquire();

	if (h && h->virtual_free)
		return h->virtual_free(h->ctx, addr, n, type);
	return rtm_sys_virtual_free(addr, n, type);
}

__attribute__((noinline, cold)) static int
rtm_virtual_protect_hooked(void *addr, size_t n, unsigned long protect, unsigned long *old)
{
	const struct rtm_hooks *h = rtm_hooks_acquire();

	if (h && h->virtual_protect)
		return h->virtual_protect(h->ctx, addr, n, protect, old);
	return rtm_sys_virtual_protect(addr, n, protect, old);
}

__attribute__((noinline, cold)) static int rtm_section_create_hooked(size_t n, unsigned long protect,
                                                                     void **section)
{
	const struct rtm_hooks *h = rtm_hooks_acquire();

	if (h && h->section_create)
		return h->section_create(h->ctx, n, protect, section);
	return rtm_sys_section_create(n, protect, section);
}

__attribute__((noinline, cold)) static rtm_mmap_result
rtm_map_view_hooked(void *section, void *addr, size_t n, unsigned long type, unsigned long protect)
{
	const struct rtm_hooks *h = rtm_hooks_acquire();

	if (h && h->map_view)
		return h->map_view(h->ctx, section, addr, n, type, protect);
	return rtm_sys_map_view(section, addr, n, type, protect);
}

__attribute__((noinline, cold)) static int rtm_unmap_view_hooked(void *addr)
{
	const struct rtm_hooks *h = rtm_hooks_acquire();

	if (h && h->unmap_view)
		return h->unmap_view(h->ctx, addr);
	return rtm_sys_unmap_view(addr);
}
#endif

rtm_mmap_result rtm_virtual_alloc(void *addr, size_t n, unsigned long type, unsigned long protect)
{
	RTM_HOOKED(rtm_virtual_alloc_hooked(addr, n, type, protect));
	return rtm_sys_virtual_alloc(addr, n, type, protect);
}

rtm_mmap_result rtm_virtual_alloc_aligned(size_t n, size_t align, unsigned long type,
                                          unsigned long protect)
{
	RTM_HOOKED(rtm_virtual_alloc_aligned_hooked(n, align, type, protect));
	return rtm_sys_virtual_alloc_aligned(n, align, type, protect);
}

int rtm_virtual_free(void *addr, size_t n, unsigned long type)
{
	RTM_HOOKED(rtm_virtual_free_hooked(addr, n, type));
	return rtm_sys_virtual_free(addr, n, type);
}

int rtm_virtual_protect(void *addr, size_t n, unsigned long protect, unsigned long *old)
{
	RTM_HOOKED(rtm_virtual_protect_hooked(addr, n, protect, old));
	return rtm_sys_virtual_protect(addr, n, protect, old);
}

int rtm_section_create(size_t n, unsigned long protect, void **section)
{
	RTM_HOOKED(rtm_section_create_hooked(n, protect, section));
	return rtm_sys_section_create(n, protect, section);
}

rtm_mmap_result rtm_map_view(void *section, void *addr, size_t n, unsigned long type,
                             unsigned long protect)
{
	RTM_HOOKED(rtm_map_view_hooked(section, addr, n, type, protect));
	return rtm_sys_map_view(section, addr, n, type, protect);
}

int rtm_unmap_view(void *addr)
{
	RTM_HOOKED(rtm_unmap_view_hooked(addr));
	return rtm_sys_unmap_view(addr);
}
