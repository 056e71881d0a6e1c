/* rtm_icache_flush with real machine code (machine_code.h), through plain
 * rtmem calls, the way a small JIT uses them: rtm_reserve + rtm_commit,
 * write the code, rtm_mprotect to read+execute (never writable and
 * executable at once), rtm_icache_flush, call. Patching goes back through
 * read+write: RX -> RW -> patch -> RX -> flush -> call, and the call must
 * see the new constant.
 *
 * What this can and cannot show. qemu-user keeps its translations of
 * fresh code coherent with the stores it emulates (measured with qemu 7.2:
 * code run without any flush runs right), so under qemu a missing or
 * short flush passes; so it does on x86, whose caches are coherent
 * (arch/x86_64.h). These
 * tests prove the machine code, the W^X sequence and the patch path on
 * every architecture, and the flush's calls are made as the kernel takes
 * them where the kernel answers (icache_kernel_answer); that the flush
 * does enough on arm, aarch64, riscv64, ppc64le and mips rests on the
 * review of each arch/ header against its architecture's documentation,
 * and would show here only on that hardware. */
#include <stdint.h>
#include <stdlib.h>

#include <check.h>

#include <rtmem/code.h>
#include <rtmem/sys.h>
#include <rtmem/syscall.h>
#include <rtmem/vm.h>

#include "machine_code.h"

/* Every arch header says whether new code needs the kernel's core
 * serializing membarrier to reach other threads: 0 no, 1 yes, 2 yes, or
 * the plain expedited one where the kernel lacks it. */
#if !defined(RTM_ARCH_ICACHE_SYNC_CORE) || (RTM_ARCH_ICACHE_SYNC_CORE != 0 && \
                                            RTM_ARCH_ICACHE_SYNC_CORE != 1 && \
                                            RTM_ARCH_ICACHE_SYNC_CORE != 2)
#error "arch header: RTM_ARCH_ICACHE_SYNC_CORE must be 0, 1 or 2"
#endif

/* The system calls the flush makes, against the target's own headers
 * (test/arch/consts.c checks the RTM_NR_* family; these are the arch
 * headers' RTM_ARCH_NR_*). */
#if defined(__arm__)
#include <asm/unistd.h>
_Static_assert(RTM_ARCH_NR_cacheflush == __ARM_NR_cacheflush, "arm cacheflush number");
#elif defined(__riscv)
#include <asm/unistd.h>
_Static_assert(RTM_ARCH_NR_riscv_flush_icache == __NR_riscv_flush_icache,
               "riscv_flush_icache number");
#elif defined(__mips__)
#include <asm/unistd.h>
#include <sys/cachectl.h>
_Static_assert(RTM_ARCH_NR_cacheflush == __NR_cacheflush, "mips cacheflush number (o32, n64)");
_Static_assert(RTM_ARCH_BCACHE == BCACHE, "mips BCACHE");
#elif defined(__m68k__)
#include <asm/cachectl.h>
#include <asm/unistd.h>
_Static_assert(RTM_ARCH_NR_cacheflush == __NR_cacheflush, "m68k cacheflush number");
_Static_assert(RTM_ARCH_FLUSH_SCOPE_LINE == FLUSH_SCOPE_LINE, "m68k FLUSH_SCOPE_LINE");
_Static_assert(RTM_ARCH_FLUSH_CACHE_BOTH == FLUSH_CACHE_BOTH, "m68k FLUSH_CACHE_BOTH");
#endif

_Static_assert(sizeof(mc_const_fn) == sizeof(void *), "a function pointer is an address here");

/* Constants that reach every corner of the encodings: zero, all ones,
 * the sign bit alone and with low bits, a low half with its top bit set
 * (riscv64's lui rounds up for it; ppc64le's ori and mips' ori do not
 * sign-extend), a high half of 0x7fff whose rounding up wraps. */
static const uint32_t values[] = {
	0x12345678u, 0x00000000u, 0xffffffffu, 0x80000000u, 0x89abcdefu, 0x00000800u,
	0x00008000u, 0x0000ffffu, 0x7ffff800u, 0x7fffffffu, 0xfffff800u, 0x00010000u,
};
#define NVALUES (sizeof values / sizeof values[0])

struct code {
	unsigned char *p;
	size_t n;
};

/* n bytes of read+write memory from rtmem, page rounded. */
static struct code code_new(size_t n)
{
	size_t ps = rtm_page_size();
	struct code c;
	rtm_mmap_result r;

	c.n = (n + ps - 1) & ~(ps - 1);
	r = rtm_reserve(NULL, c.n, 0);
	ck_assert_int_eq(r.err, 0);
	c.p = r.addr;
	ck_assert_int_eq(rtm_commit(c.p, c.n), 0);
	return c;
}

static void code_exec(struct code c)
{
	ck_assert_int_eq(rtm_mprotect(c.p, c.n, RTM_PROT_READ | RTM_PROT_EXEC), 0);
}

static void code_write(struct code c)
{
	ck_assert_int_eq(rtm_mprotect(c.p, c.n, RTM_PROT_READ | RTM_PROT_WRITE), 0);
}

static void code_free(struct code c)
{
	ck_assert_int_eq(rtm_release(c.p, c.n), 0);
}

/* One function per constant, each at the start of its own 64-byte slot,
 * all made executable and flushed at once, then called. */
START_TEST(icache_ret_const)
{
	struct code c = code_new(NVALUES * 64);
	size_t i;

	for (i = 0; i < NVALUES; i++)
		ck_assert_uint_le(mc_ret_const(c.p + i * 64, values[i]), MC_MAX);
	code_exec(c);
	rtm_icache_flush(c.p, NVALUES * 64);
	for (i = 0; i < NVALUES; i++)
		ck_assert_int_eq(mc_const_at(c.p + i * 64)(), (int32_t)values[i]);
	code_free(c);
}
END_TEST

START_TEST(icache_add)
{
	static const int32_t args[][2] = {
		{ 2, 40 }, { -7, 3 }, { -1, -1 }, { 0, 0 }, { INT32_MAX, 1 },
		{ INT32_MIN, -1 }, { 0x40000000, 0x40000000 }, { -100000, 99999 },
	};
	struct code c = code_new(MC_MAX);
	size_t n = mc_add(c.p), i;
	mc_add_fn add = mc_add_at(c.p);

	ck_assert_uint_le(n, MC_MAX);
	code_exec(c);
	rtm_icache_flush(c.p, n);
	for (i = 0; i < sizeof args / sizeof args[0]; i++) {
		/* The machine wraps; C's signed overflow would not be defined. */
		int32_t want = (int32_t)((uint32_t)args[i][0] + (uint32_t)args[i][1]);

		ck_assert_int_eq(add(args[i][0], args[i][1]), want);
	}
	code_free(c);
}
END_TEST

/* Published code patched again and again at the same address: each
 * round must run the constant of that round, not one of an earlier
 * round. at is where the function starts within its page. */
static void patch_rounds(size_t pages, size_t at)
{
	struct code c = code_new(pages * rtm_page_size());
	unsigned char *f = c.p + at;
	size_t n = mc_ret_const(f, 0x0badc0deu), round;
	mc_const_fn call = mc_const_at(f);

	code_exec(c);
	rtm_icache_flush(f, n);
	ck_assert_int_eq(call(), (int32_t)0x0badc0deu);
	for (round = 0; round < 3 * NVALUES; round++) {
		uint32_t v = values[round % NVALUES] ^ (uint32_t)(round / NVALUES);

		code_write(c);
		mc_patch_const(f, v);
		code_exec(c);
		/* The function's own bytes alone: a flush that misses a line
		 * at either end of a range would leave part of it stale. */
		rtm_icache_flush(f, n);
		ck_assert_msg(call() == (int32_t)v, "round %u: 0x%08x, expected 0x%08x",
		              (unsigned)round, (unsigned)call(), (unsigned)v);
	}
	code_free(c);
}

START_TEST(icache_patch)
{
	patch_rounds(1, 0);
}
END_TEST

/* The function starts 4 bytes before a 128-byte boundary (so before a
 * 32- and 64-byte one too): its constant lies in two cache lines on every
 * machine whose lines are 128 bytes or less. */
START_TEST(icache_patch_across_lines)
{
	patch_rounds(1, 128 - 4);
}
END_TEST

/* The function starts 4 bytes before a page boundary: the flush covers
 * two pages (arm's kernel flushes a page at a time). */
START_TEST(icache_patch_across_pages)
{
	patch_rounds(2, rtm_page_size() - 4);
}
END_TEST

/* rtm_icache_flush has no errors to give, so the arch inline under it is
 * asked directly: where a system call does the work (arm, riscv64,
 * mips), the kernel must take the call as rtmem makes it (arm's takes
 * an end address, mips' a length: the other would be EINVAL or flush the
 * wrong range). Elsewhere the answer is 0 by construction. qemu-user
 * answers 0 to all three calls whatever the arguments: there this proves
 * nothing, natively on those machines it does. n 0 is nothing. */
START_TEST(icache_kernel_answer)
{
	struct code c = code_new(MC_MAX);
	size_t n = mc_ret_const(c.p, 42);

	code_exec(c);
	ck_assert_int_eq(rtm_arch_icache_flush(c.p, n), 0);
	ck_assert_int_eq(rtm_arch_icache_flush(c.p, c.n), 0);
	ck_assert_int_eq(rtm_arch_icache_flush(c.p, 0), 0);
	ck_assert_int_eq(mc_const_at(c.p)(), 42);
	rtm_icache_flush(NULL, 0);
	rtm_icache_flush(c.p, 0);
	code_free(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("code_icache");
	TCase *tc = tcase_create("icache");
	SRunner *r;
	int failed;

	tcase_add_test(tc, icache_ret_const);
	tcase_add_test(tc, icache_add);
	tcase_add_test(tc, icache_patch);
	tcase_add_test(tc, icache_patch_across_lines);
	tcase_add_test(tc, icache_patch_across_pages);
	tcase_add_test(tc, icache_kernel_answer);
	suite_add_tcase(s, tc);
	r = srunner_create(s);
	/* Each test in its own process: a wrong encoding is a SIGILL or
	 * SIGSEGV that Check reports as that test's failure. */
	srunner_set_fork_status(r, CK_FORK);
	srunner_run_all(r, CK_ENV);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
