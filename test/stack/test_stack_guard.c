/* Running off the end of a pooled stack faults, for every stack the pool
 * hands out, fresh or cached, with guards of one page and of many: a
 * write to the guard's nearest and farthest bytes, and a recursion that
 * runs a real context (makecontext/swapcontext) down into the guard. Each
 * test expects its forked child to die of SIGSEGV. */
#include <signal.h>
#include <stdint.h>
#if HAVE_UCONTEXT
#include <ucontext.h>
#endif

#include <rtmem/stack.h>

#include "stack_util.h"

#define GUARD_PAGES 8

/* The guard's bytes: nearest to the stack (0) and farthest (1). */
static volatile char *guard_byte(const struct rtm_stack *s, size_t guard, int farthest)
{
#if defined(__hppa__)
	return (char *)s->hi + (farthest ? guard - 1 : 0);
#else
	return (char *)s->lo - 1 - (farthest ? guard - 1 : 0);
#endif
}

/* Acquires n stacks (the last from a second chunk), releases and
 * acquires again so the one written to is a cached stack. */
static struct rtm_stack cached_stack(size_t guard_pages)
{
	struct rtm_stack_config cfg = { 64 * KiB, guard_pages * page_size(), 0, 0, 0, NULL };
	rtm_stack_pool *p = rtm_stack_pool_create(&cfg);
	struct rtm_stack s[80], again;

	ck_assert_ptr_nonnull(p);
	for (int i = 0; i < 80; i++)
		ck_assert_int_eq(rtm_stack_acquire(p, &s[i]), 0);
	/* The guards at both ends of both chunks: inaccessible through and
	 * through (each read of the maps is slow under valgrind: not all). */
	for (int i = 0; i < 80; i++) {
		if (i != 0 && i != 31 && i != 32 && i != 63 && i != 64 && i != 79)
			continue;
		for (int far = 0; far < 2; far++)
			ck_assert_str_eq(perms_at((const char *)guard_byte(&s[i],
			                          guard_pages * page_size(), far)), "---p");
	}
	ck_assert_int_eq(rtm_stack_release(p, &s[79]), 0);
	ck_assert_int_eq(rtm_stack_acquire(p, &again), 0);
	ck_assert_ptr_eq(again.lo, s[79].lo);
	return again;
}

START_TEST(writing_the_nearest_guard_byte_faults)
{
	struct rtm_stack s = cached_stack(1);

	*guard_byte(&s, page_size(), 0) = 1;
}
END_TEST

START_TEST(writing_the_farthest_byte_of_a_long_guard_faults)
{
	struct rtm_stack s = cached_stack(GUARD_PAGES);

	*guard_byte(&s, GUARD_PAGES * page_size(), 1) = 1;
}
END_TEST

START_TEST(the_stack_itself_is_writable_end_to_end)
{
	struct rtm_stack s = cached_stack(GUARD_PAGES);

	((volatile char *)s.lo)[0] = 1;
	((volatile char *)s.hi)[-1] = 1;
}
END_TEST

#if defined(__hppa__)
/* ---- hppa: a function called with the stack pointer at sp ---- */

static volatile unsigned frames;

__attribute__((noinline)) static void leaf(void)
{
	frames++;
}

/* Not a leaf: its prologue keeps the return pointer at -20 from the sp it
 * is called with, in the frame its caller leaves below sp. */
__attribute__((noinline)) static void first_frame(void)
{
	volatile char local[256];

	local[0] = 1;
	leaf();
	frames += (unsigned)local[0];
}

/* Calls fn with the stack pointer at sp, as a fiber's first switch does,
 * and comes back to this stack: r4 (callee-saved) keeps ours. The call
 * goes through $$dyncall, as every call through a pointer does; fn uses
 * no floating point. */
static void call_at(void *sp, void (*fn)(void))
{
	__asm__ __volatile__("copy %%sp, %%r4\n\t"
	                     "copy %0, %%sp\n\t"
	                     "copy %1, %%r22\n\t"
	                     "bl $$dyncall, %%r31\n\t"
	                     "copy %%r31, %%r2\n\t"
	                     "copy %%r4, %%sp"
	                     :
	                     : "r"(sp), "r"(fn)
	                     : "r1", "r2", "r4", "r19", "r20", "r21", "r22", "r23", "r24", "r25",
	                       "r26", "r28", "r29", "r31", "memory");
}

/* Below a stack's lo is the guard of the slot under it: a first frame
 * that does not fit between lo and sp faults there. */
START_TEST(a_function_called_at_sp_keeps_its_frame_in_the_stack)
{
	struct rtm_stack s = cached_stack(1);

	frames = 0;
	call_at(s.sp, first_frame);
	ck_assert_uint_eq(frames, 2);
}
END_TEST
#endif

#if HAVE_UCONTEXT
/* ---- a context that recurses until it runs into the guard ---- */

static ucontext_t main_ctx, deep_ctx;
static volatile unsigned depth;

/* Deeper until the stack runs out: the bound is never reached, but
 * having one keeps the compiler from calling the recursion infinite. */
static unsigned recurse(unsigned n)
{
	volatile char frame[512];

	frame[0] = (char)n;
	depth = n;
	if (n == (unsigned)-1)
		return 0;
	return frame[0] + recurse(n + 1) + frame[511];
}

static void deep(void)
{
	(void)recurse(0);
}

START_TEST(recursion_on_a_pooled_stack_ends_in_the_guard)
{
	struct rtm_stack s = cached_stack(1);

	ck_assert_int_eq(getcontext(&deep_ctx), 0);
	deep_ctx.uc_stack.ss_sp = s.lo;
	deep_ctx.uc_stack.ss_size = stack_bytes(&s);
	deep_ctx.uc_link = &main_ctx;
	makecontext(&deep_ctx, deep, 0);
	swapcontext(&main_ctx, &deep_ctx);
	/* Not reached: the recursion never returns. */
}
END_TEST

/* The same recursion, bounded, returns: the stack is what it claims. */
static void shallow(void)
{
	volatile char frame[4096];

	frame[0] = 1;
	depth = (unsigned)frame[0];
}

/* swapcontext returns twice: kept out of the test's own function, so that
 * no local of the test's assertions lives across it (gcc for m68k warns
 * that one might be clobbered). getcontext's answer is the first check. */
__attribute__((noinline)) static int run_shallow_on(struct rtm_stack *s)
{
	if (getcontext(&deep_ctx) != 0)
		return -1;
	deep_ctx.uc_stack.ss_sp = s->lo;
	deep_ctx.uc_stack.ss_size = stack_bytes(s);
	deep_ctx.uc_link = &main_ctx;
	makecontext(&deep_ctx, shallow, 0);
	return swapcontext(&main_ctx, &deep_ctx);
}

START_TEST(a_context_on_a_pooled_stack_runs_and_returns)
{
	struct rtm_stack s = cached_stack(1);

	depth = 0;
	ck_assert_int_eq(run_shallow_on(&s), 0);
	ck_assert_uint_eq(depth, 1);
}
END_TEST
#endif

int main(void)
{
	Suite *s = suite_create("stack_guard");
	TCase *tc = tcase_create("guard");

	tcase_add_test_raise_signal(tc, writing_the_nearest_guard_byte_faults, SIGSEGV);
	tcase_add_test_raise_signal(tc, writing_the_farthest_byte_of_a_long_guard_faults, SIGSEGV);
	tcase_add_test(tc, the_stack_itself_is_writable_end_to_end);
#if defined(__hppa__)
	tcase_add_test(tc, a_function_called_at_sp_keeps_its_frame_in_the_stack);
#endif
#if HAVE_UCONTEXT
	tcase_add_test_raise_signal(tc, recursion_on_a_pooled_stack_ends_in_the_guard, SIGSEGV);
	tcase_add_test(tc, a_context_on_a_pooled_stack_runs_and_returns);
#else
	puts("stack_guard: no ucontext in this C library (musl): the context-switch tests are left out");
#endif
	suite_add_tcase(s, tc);
	return run_suite(s);
}
