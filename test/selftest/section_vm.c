/* The region lifecycle on this architecture: the page size rtmem found
 * against the kernel's AT_PAGESZ, and a region taken None -> Reserved ->
 * Ready -> purged -> Reserved -> None with the accounting checked at each
 * step. On aarch64, ppc64le and mips64 the page may be 16 or 64 KiB: every
 * size here is in pages, never in bytes. */
#include <rtmem/vm.h>

#include "selftest.h"

void section_vm(const struct selftest *t)
{
	size_t ps = rtm_page_size(), n;
	struct rtm_vm_stats s0 = rtm_vm_stats(), s;
	rtm_mmap_result r;
	unsigned char *p;

	tap_eq((long)ps, (long)t->page, "vm: rtm_page_size is the kernel's AT_PAGESZ");
	n = 32 * ps;
	r = rtm_reserve(0, n, 8 * ps);
	if (!tap_eq(r.err, 0, "vm: reserve 32 pages aligned to 8"))
		return;
	p = r.addr;
	tap_eq((long)((uintptr_t)p & (8 * ps - 1)), 0, "vm: the reservation is aligned");
	s = rtm_vm_stats();
	tap_eq((long)(s.reserved - s0.reserved), (long)n, "vm: stats count the reservation");
	tap_eq(rtm_reserve(0, ps, 3 * ps).err, RTM_EINVAL, "vm: alignment not a power of two: EINVAL");
	tap_eq(rtm_reserve(0, (size_t)-1, 0).err, RTM_ENOMEM, "vm: SIZE_MAX: ENOMEM");
	tap_eq(rtm_commit(p + 1, ps), RTM_EINVAL, "vm: unaligned commit: EINVAL");
	if (!tap_eq(rtm_commit(p, 16 * ps), 0, "vm: commit half"))
		goto release;
	for (size_t i = 0; i < 16 * ps; i += ps)
		p[i] = 0x5a;
	tap_ok(p[15 * ps] == 0x5a, "vm: committed memory is writable");
	s = rtm_vm_stats();
	tap_eq((long)(s.committed - s0.committed), (long)(16 * ps), "vm: stats count the commit");
	tap_ok(rtm_purge(p, 16 * ps) == 0 && p[0] == 0 && p[15 * ps] == 0,
	       "vm: purge reads back zero");
	tap_eq(rtm_decommit(p, 16 * ps), 0, "vm: decommit");
	s = rtm_vm_stats();
	tap_eq((long)(s.committed - s0.committed), 0, "vm: decommit gives the charge back");
	tap_ok(rtm_commit(p, ps) == 0 && p[0] == 0, "vm: commit again reads zero");
	tap_eq(rtm_decommit(p, ps), 0, "vm: and decommit again");
release:
	tap_eq(rtm_release(p, n), 0, "vm: release");
	tap_eq(rtm_release(p, n), RTM_EINVAL, "vm: a double release is EINVAL");
	s = rtm_vm_stats();
	tap_ok(s.reserved == s0.reserved && s.committed == s0.committed,
	       "vm: stats back where they started");
}
