/* The raw mmap family (rtm_sys_*): mappings that work, and errors that come
 * back as values. Where a check needs to know that rtmem refused before the
 * kernel was asked, it passes fd -1 without MAP_ANONYMOUS: the kernel's own
 * answer would then be EBADF. */
#include <rtmem/sys.h>

#include "selftest.h"

#define RW (RTM_PROT_READ | RTM_PROT_WRITE)
#define ANON (RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS)

static int all_bytes(const volatile unsigned char *p, size_t n, unsigned char v)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != v)
			return 0;
	}
	return 1;
}

static void fill(volatile unsigned char *p, size_t n, unsigned char v)
{
	for (size_t i = 0; i < n; i++)
		p[i] = v;
}

/* The kernel writes the 16-byte thread name into buf: it must answer
 * EFAULT for a read-only page instead of writing. */
static long kernel_writes(void *buf)
{
	return rtm_syscall2(RTM_NR_prctl, SELFTEST_PR_GET_NAME, (long)buf);
}

static void lifecycle(const struct selftest *t)
{
	size_t n = 2 * t->page;
	rtm_mmap_result r = rtm_sys_mmap(0, n, RW, ANON, -1, 0);
	volatile unsigned char *p = (volatile unsigned char *)r.addr;

	if (!tap_ok(r.err == 0 && r.addr && ((uintptr_t)r.addr & (t->page - 1)) == 0,
	            "mmap anonymous")) {
		tap_eq(r.err, 0, "mmap anonymous: the error");
		return;
	}
	tap_ok(all_bytes(p, n, 0), "mmap anonymous: reads zero");
	fill(p, n, 0x5a);
	tap_ok(all_bytes(p, n, 0x5a), "mmap anonymous: keeps what is written");

	tap_eq(rtm_sys_mprotect(r.addr, t->page, RTM_PROT_READ), 0, "mprotect read-only");
	tap_eq(kernel_writes(r.addr), -RTM_EFAULT, "mprotect read-only: the kernel cannot write it");
	tap_ok(all_bytes(p, t->page, 0x5a), "mprotect read-only: still readable");
	tap_eq(rtm_sys_mprotect(r.addr, t->page, RW), 0, "mprotect back to read-write");
	tap_eq(kernel_writes(r.addr), 0, "mprotect read-write: the kernel writes it");

	fill(p, n, 0x5a);
	tap_eq(rtm_sys_madvise(r.addr, n, RTM_MADV_DONTNEED), 0, "madvise DONTNEED");
	tap_ok(all_bytes(p, n, 0), "madvise DONTNEED: reads zero again");
	if (t->emulator)
		tap_skip("madvise with unknown advice is EINVAL",
		         "qemu-user answers any advice it does not know with 0");
	else
		tap_eq(rtm_sys_madvise(r.addr, n, 999), RTM_EINVAL,
		       "madvise with unknown advice is EINVAL");

	tap_eq(rtm_sys_munmap((char *)r.addr + 1, t->page), RTM_EINVAL, "munmap unaligned is EINVAL");
	tap_eq(rtm_sys_munmap(r.addr, n), 0, "munmap");
}

static void mmap_errors(const struct selftest *t)
{
	rtm_mmap_result r;

	r = rtm_sys_mmap(0, 0, RW, ANON, -1, 0);
	tap_ok(r.err == RTM_EINVAL && !r.addr, "mmap zero length is EINVAL");
	r = rtm_sys_mmap(0, t->page, RW, RTM_MAP_PRIVATE, -1, 0);
	tap_ok(r.err == RTM_EBADF && !r.addr, "mmap of fd -1 without MAP_ANONYMOUS is EBADF");
	r = rtm_sys_mmap(0, (size_t)PTRDIFF_MAX, RW, ANON, -1, 0);
	tap_ok(r.err == RTM_ENOMEM && !r.addr, "mmap of PTRDIFF_MAX bytes is ENOMEM");
	r = rtm_sys_mmap(0, SIZE_MAX, RW, ANON, -1, 0);
	tap_ok(r.err == RTM_ENOMEM && !r.addr, "mmap of SIZE_MAX bytes is ENOMEM");
	/* A 32-bit kernel would map more than PTRDIFF_MAX bytes, so rtmem
	 * refuses before asking; a 64-bit one refuses by itself. */
#if UINTPTR_MAX <= 0xffffffffu
	r = rtm_sys_mmap(0, (size_t)PTRDIFF_MAX + 1, RW, RTM_MAP_PRIVATE, -1, 0);
	tap_ok(r.err == RTM_ENOMEM && !r.addr, "32-bit: mmap past PTRDIFF_MAX is ENOMEM before any syscall");
#else
	tap_skip("32-bit: mmap past PTRDIFF_MAX is ENOMEM before any syscall",
	         "64-bit: the kernel refuses such a length by itself");
#endif
}

/* Kernels before 4.17, and emulators that pass the flag through to a host
 * that ignores it, treat MAP_FIXED_NOREPLACE as a hint: the mapping lands
 * elsewhere. That is reported as a skip; clobbering the old mapping is a
 * failure. */
static void fixed_noreplace(const struct selftest *t)
{
	const char *name = "mmap MAP_FIXED_NOREPLACE over a mapping is EEXIST";
	rtm_mmap_result a = rtm_sys_mmap(0, t->page, RW, ANON, -1, 0);
	rtm_mmap_result b;

	if (!tap_ok(a.err == 0, "mmap a page to map over"))
		return;
	*(volatile char *)a.addr = 7;
	b = rtm_sys_mmap(a.addr, t->page, RW, ANON | RTM_MAP_FIXED_NOREPLACE, -1, 0);
	if (b.err == 0 && b.addr != a.addr) {
		tap_skip(name, "MAP_FIXED_NOREPLACE was taken as a hint (kernel < 4.17 or emulator)");
		rtm_sys_munmap(b.addr, t->page);
	} else {
		tap_ok(b.err == RTM_EEXIST && !b.addr && *(volatile char *)a.addr == 7, name);
	}
	rtm_sys_munmap(a.addr, t->page);
}

/* mmap2 counts the offset in 4096-byte units in a 32-bit register: finer
 * or larger offsets are refused by rtmem itself. */
static void mmap2_offsets(void)
{
#if defined(RTM_MMAP2_SHIFT)
	const uint64_t limit = (uint64_t)1 << (32 + RTM_MMAP2_SHIFT);
	rtm_mmap_result r;

	r = rtm_sys_mmap(0, 4096, RW, RTM_MAP_PRIVATE, -1, 1);
	tap_eq(r.err, RTM_EINVAL, "mmap2: unaligned offset is EINVAL before any syscall");
	r = rtm_sys_mmap(0, 4096, RW, RTM_MAP_PRIVATE, -1, limit);
	tap_eq(r.err, RTM_EINVAL, "mmap2: offset 2^44 is EINVAL before any syscall");
	r = rtm_sys_mmap(0, 4096, RW, RTM_MAP_PRIVATE, -1, limit - 4096);
	tap_eq(r.err, RTM_EBADF, "mmap2: offset 2^44 - 4096 reaches the kernel");
#else
	static const char why[] = RTM_ARCH_NAME " has a 64-bit mmap offset";
	tap_skip("mmap2: unaligned offset is EINVAL before any syscall", why);
	tap_skip("mmap2: offset 2^44 is EINVAL before any syscall", why);
	tap_skip("mmap2: offset 2^44 - 4096 reaches the kernel", why);
#endif
}

void section_sys(const struct selftest *t)
{
	lifecycle(t);
	mmap_errors(t);
	fixed_noreplace(t);
	mmap2_offsets();
}
