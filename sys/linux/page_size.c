/* The kernel's page size, found at run time without libc.
 *
 * aarch64, ppc64le and mips64 kernels run with 4, 16 or 64 KiB pages, so a
 * compile-time constant would be wrong somewhere. A hosted program learns
 * the size from the auxiliary vector (getauxval); a freestanding one has
 * the vector on its initial stack and can hand it over. Without it, the
 * kernel is asked directly: mprotect() rejects an address that is not page
 * aligned with EINVAL before it looks at anything else, and a zero length
 * makes it a no-op, so the smallest power of two it does not refuse with
 * EINVAL is the page size. Nothing is mapped or touched. Any other answer
 * counts as aligned: qemu-user answers a zero length with ENOMEM (after
 * its own alignment check), and taking only 0 made every probe under qemu
 * fail and fall back to 4096, which sparc64's 8 KiB pages showed. */
#include <stdatomic.h>

#include <rtmem/vm.h>

#define RTM_AT_NULL   0
#define RTM_AT_PAGESZ 6

/* 0 until known. Racing first callers compute the same value, so relaxed
 * ordering is enough: the value carries no other data with it. */
static _Atomic size_t rtm_page_size_known;

static int rtm_is_page_size(unsigned long v)
{
	return v >= 4096 && (v & (v - 1)) == 0;
}

void rtm_set_auxv(const unsigned long *auxv)
{
	unsigned long type;

	/* (type, value) pairs up to AT_NULL, read a word at a time (smaller
	 * code than indexing each pair, with both compilers). */
	while (auxv && (type = *auxv++) != RTM_AT_NULL) {
		unsigned long v = *auxv++;

		if (type == RTM_AT_PAGESZ && rtm_is_page_size(v))
			atomic_store_explicit(&rtm_page_size_known, v, memory_order_relaxed);
	}
}

static size_t rtm_probe_page_size(void)
{
	unsigned long p;

	for (p = 4096; p && p <= (1UL << 30); p <<= 1) {
		if (rtm_syscall3(RTM_NR_mprotect, (long)p, 0, RTM_PROT_NONE) != -RTM_EINVAL)
			return p;
	}
	return 4096; /* no Linux kernel answers like this; the floor of every arch */
}

size_t rtm_page_size(void)
{
	size_t p = atomic_load_explicit(&rtm_page_size_known, memory_order_relaxed);

	if (__builtin_expect(p == 0, 0)) {
		p = rtm_probe_page_size();
		atomic_store_explicit(&rtm_page_size_known, p, memory_order_relaxed);
	}
	return p;
}
