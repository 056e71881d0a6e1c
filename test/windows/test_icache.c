/* rtm_icache_flush on Windows, with the machine code of
 * ../code/machine_code.h (x64: arguments in ecx and edx; i686: cdecl, on
 * the stack): memory from rtm_virtual_alloc, written while read+write,
 * switched to execute+read with rtm_virtual_protect (never writable and
 * executable at once: VirtualQuery is asked at each step), flushed,
 * called; then patched through read+write again and called for the new
 * constant. x86 keeps its caches coherent, and so does Wine's x86: what
 * these show is the code, the protection steps and that the flush is a
 * call the system takes, not that the flush does enough on arm64. */
#include <stdint.h>
#include <string.h>

#include <windows.h>

#include <rtmem/code.h>
#include <rtmem/sys.h>

#include "../code/machine_code.h"
#include "win_check.h"
#include "win_suite.h"

#define PAGE ((size_t)4096) /* x86 Windows */

static unsigned char *code_new(size_t n)
{
	rtm_mmap_result r = rtm_virtual_alloc(NULL, n, RTM_MEM_RESERVE | RTM_MEM_COMMIT,
	                                      RTM_PAGE_READWRITE);

	ck_assert_int_eq(r.err, 0);
	return r.addr;
}

/* The protection of the page that holds p, and that it is never writable
 * and executable at once. */
static unsigned long protection(const void *p)
{
	struct rtm_win_region reg;

	ck_assert_int_eq(rtm_sys_virtual_query(p, &reg), 0);
	ck_assert_msg(reg.protect != PAGE_EXECUTE_READWRITE && reg.protect != PAGE_EXECUTE_WRITECOPY,
	              "writable and executable: 0x%lx", reg.protect);
	return reg.protect;
}

static void code_exec(unsigned char *p, size_t n)
{
	unsigned long old;

	ck_assert_int_eq(rtm_virtual_protect(p, n, PAGE_EXECUTE_READ, &old), 0);
	ck_assert_uint_eq(old, PAGE_READWRITE);
	ck_assert_uint_eq(protection(p), PAGE_EXECUTE_READ);
}

static void code_write(unsigned char *p, size_t n)
{
	unsigned long old;

	ck_assert_int_eq(rtm_virtual_protect(p, n, PAGE_READWRITE, &old), 0);
	ck_assert_uint_eq(old, PAGE_EXECUTE_READ);
	ck_assert_uint_eq(protection(p), PAGE_READWRITE);
}

static void code_free(unsigned char *p)
{
	ck_assert_int_eq(rtm_virtual_free(p, 0, RTM_MEM_RELEASE), 0);
}

START_TEST(icache_ret_const)
{
	static const uint32_t values[] = { 0x12345678u, 0, 0xffffffffu, 0x80000000u, 0x89abcdefu };
	size_t count = sizeof values / sizeof values[0], i;
	unsigned char *p = code_new(PAGE);

	ck_assert_uint_eq(protection(p), PAGE_READWRITE);
	for (i = 0; i < count; i++)
		ck_assert_uint_le(mc_ret_const(p + i * 64, values[i]), MC_MAX);
	code_exec(p, PAGE);
	rtm_icache_flush(p, count * 64);
	for (i = 0; i < count; i++)
		ck_assert_int_eq(mc_const_at(p + i * 64)(), (int32_t)values[i]);
	code_free(p);
}
END_TEST

START_TEST(icache_add)
{
	unsigned char *p = code_new(PAGE);
	size_t n = mc_add(p);
	mc_add_fn add = mc_add_at(p);

	code_exec(p, PAGE);
	rtm_icache_flush(p, n);
	ck_assert_int_eq(add(2, 40), 42);
	ck_assert_int_eq(add(-7, 3), -4);
	ck_assert_int_eq(add(INT32_MAX, 1), INT32_MIN);
	ck_assert_int_eq(add(-100000, 99999), -1);
	code_free(p);
}
END_TEST

/* The function straddles a page boundary, so a patch of its constant
 * touches both pages. */
START_TEST(icache_patch)
{
	unsigned char *p = code_new(2 * PAGE), *f = p + PAGE - 3;
	size_t n = mc_ret_const(f, 1);
	mc_const_fn call = mc_const_at(f);
	uint32_t v;

	code_exec(p, 2 * PAGE);
	rtm_icache_flush(f, n);
	ck_assert_int_eq(call(), 1);
	for (v = 2; v < 40; v += 3) {
		uint32_t want = v * 0x01010101u;

		code_write(p, 2 * PAGE);
		mc_patch_const(f, want);
		code_exec(p, 2 * PAGE);
		rtm_icache_flush(f, n);
		ck_assert_int_eq(call(), (int32_t)want);
	}
	code_free(p);
}
END_TEST

START_TEST(icache_flush_nothing)
{
	rtm_icache_flush(NULL, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("win_icache");
	TCase *tc = tcase_create("icache");

	tcase_add_test(tc, icache_ret_const);
	tcase_add_test(tc, icache_add);
	tcase_add_test(tc, icache_patch);
	tcase_add_test(tc, icache_flush_nothing);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
