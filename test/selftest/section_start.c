/* <rtmem/start.h>: what _start read off the initial stack, the stack
 * alignment it left, and the memory functions it provides. meson.build runs
 * this program with one argument and one environment variable so that both
 * can be checked. */
#include <stddef.h>
#include <stdint.h>

#include <rtmem/vm.h>

#include "selftest.h"

void _start(void);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

static void stack_view(const struct selftest *t)
{
	const char *arg = t->argc > 1 ? t->argv[1] : 0;
	const char *env = selftest_getenv(t->envp, "RTMEM_SELFTEST_ENV");
	unsigned long page = t->page;

	tap_ok(t->argc >= 1 && t->argv[0] && t->argv[0][0] && !t->argv[t->argc],
	       "argv: argc entries and a NULL");
	if (arg || env) {
		tap_ok(arg && selftest_streq(arg, "--from-meson"), "argv[1] is what meson passed");
		tap_ok(env && selftest_streq(env, "from-meson"), "envp holds what meson set");
	} else {
		tap_skip("argv[1] is what meson passed", "run by hand, without meson's argument");
		tap_skip("envp holds what meson set", "run by hand, without meson's environment");
	}
	tap_ok(page >= 4096 && (page & (page - 1)) == 0, "auxv: AT_PAGESZ is a power of two");
	tap_ok(selftest_auxv(t->auxv, SELFTEST_AT_ENTRY) == (unsigned long)(uintptr_t)_start,
	       "auxv: AT_ENTRY is _start");
	tap_eq((long)rtm_page_size(), (long)page, "rtm_page_size() is AT_PAGESZ");
}

/* The compiler places an object aligned to the ABI's stack alignment with
 * no run-time adjustment, trusting that the stack pointer was aligned at
 * entry: a _start that got it wrong shows up here. The empty asm hides the
 * address, or the compiler would fold the test to true. */
__attribute__((noinline)) static int stack_aligned(void)
{
	_Alignas(max_align_t) volatile char probe[1];
	uintptr_t a = (uintptr_t)probe;

	probe[0] = 0;
	__asm__("" : "+r"(a));
	return (a & (_Alignof(max_align_t) - 1)) == 0;
}

/* Lengths and offsets go through volatile so that the calls happen at run
 * time, in the loops start.h wrote, not as compiler-expanded stores. */
static void memfuncs(void)
{
	static unsigned char a[300], b[300];
	volatile size_t n = 257, off = 3;
	int ok = 1;

	memset(a, 0x11, sizeof(a));
	memset(a + off, 0xa5, n);
	for (size_t i = 0; i < sizeof(a); i++)
		ok &= a[i] == ((i >= off && i < off + n) ? 0xa5 : 0x11);
	tap_ok(ok, "memset fills exactly n bytes");

	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = (unsigned char)i;
	memset(b, 0, sizeof(b));
	memcpy(b + off, a, n);
	ok = b[off - 1] == 0 && b[off + n] == 0;
	for (size_t i = 0; i < n; i++)
		ok &= b[off + i] == (unsigned char)i;
	tap_ok(ok, "memcpy copies exactly n bytes");

	memmove(a + off, a, n); /* overlapping, destination above */
	ok = 1;
	for (size_t i = 0; i < n; i++)
		ok &= a[off + i] == (unsigned char)i;
	memmove(a, a + off, n); /* overlapping, destination below */
	for (size_t i = 0; i < n; i++)
		ok &= a[i] == (unsigned char)i;
	tap_ok(ok, "memmove copies overlapping ranges both ways");

	tap_ok(memcmp(a, b + off, n) == 0 && memcmp(a, b, 0) == 0, "memcmp: equal ranges are 0");
	a[5] = 0x80;
	b[off + 5] = 0x01;
	tap_ok(memcmp(a, b + off, n) > 0 && memcmp(b + off, a, n) < 0,
	       "memcmp compares bytes as unsigned");
}

void section_start(const struct selftest *t)
{
	stack_view(t);
	tap_ok(stack_aligned(), "the stack is aligned as the ABI requires");
	memfuncs();
}
