/* rtm_icache_flush on Linux: what this architecture's arch/ header says
 * new code needs before it runs (nothing on x86 and s390x, cache
 * maintenance instructions on aarch64 and ppc64le, a system call on arm,
 * riscv64 and mips). Out of line, so that a JIT links one small function
 * instead of inlining the loops at every call site.
 *
 * Under Valgrind the program runs from Valgrind's translations of its
 * code, not from the code itself: VALGRIND_DISCARD_TRANSLATIONS, which
 * Valgrind's manual asks of code generators, drops those of the range so
 * that new or patched code is translated again. Valgrind's own detection
 * (its self-modifying-code check, the cache instructions and system calls
 * it recognizes) depends on the architecture and on its options; this
 * does not. Outside Valgrind the request is a few instructions that do
 * nothing. */
#include <rtmem/code.h>
#include <rtmem/syscall.h>

#include "../icache_internal.h"

#if defined(RTM_VALGRIND)
#include <valgrind/valgrind.h>
#endif

int rtm_icache_flush_checked(void *p, size_t n)
{
	long r = rtm_arch_icache_flush(p, n);

#if defined(RTM_VALGRIND)
	if (n != 0)
		VALGRIND_DISCARD_TRANSLATIONS(p, n);
#endif
	return RTM_SYSCALL_FAILED(r) ? (int)-r : 0;
}

void rtm_icache_flush(void *p, size_t n)
{
	(void)rtm_icache_flush_checked(p, n);
}
