/* The stack pool on this architecture, with no libc: stacks from two
 * chunks, page aligned, the stack pointer at the end each grows from,
 * both ends writable; a released stack comes back cached with its kept
 * bytes; RTM_STACK_ZERO, the limit and bad releases; every byte back to
 * the OS after destroy. (The guards' faults are test/stack's: they need
 * a child process.) */
#include <rtmem/stack.h>
#include <rtmem/vm.h>

#include "selftest.h"

#define NSTACKS (8 * sizeof(void *) + 2) /* more than one chunk's slots */

static void pool_cycle(size_t ps)
{
	struct rtm_stack_config cfg = { 16 * ps, 2 * ps, 2 * ps, 0, 0, "rtm-selftest" };
	rtm_stack_pool *p = rtm_stack_pool_create(&cfg);
	static struct rtm_stack s[NSTACKS];
	struct rtm_stack again, other;
	int aligned = 1, sp_ok = 1, writable = 1, distinct = 1;

	if (!tap_ok(p != 0, "stack: create"))
		return;
	for (size_t i = 0; i < NSTACKS; i++) {
		if (rtm_stack_acquire(p, &s[i]) != 0) {
			tap_ok(0, "stack: acquire, more than a chunk's worth");
			rtm_stack_pool_destroy(p);
			return;
		}
		aligned &= ((uintptr_t)s[i].lo & (ps - 1)) == 0 &&
		           (size_t)((char *)s[i].hi - (char *)s[i].lo) == 16 * ps;
#if defined(__hppa__)
		/* Above the 64-byte frame a callee finds below sp. */
		sp_ok &= (char *)s[i].sp == (char *)s[i].lo + 64;
#else
		sp_ok &= s[i].sp == s[i].hi;
#endif
		((volatile char *)s[i].lo)[0] = (char)i;
		((volatile char *)s[i].hi)[-1] = (char)i;
		/* No two stacks, guards included, overlap. */
		for (size_t j = 0; j < i; j++)
			distinct &= (char *)s[j].hi + 2 * ps <= (char *)s[i].lo ||
			            (char *)s[i].hi + 2 * ps <= (char *)s[j].lo;
	}
	for (size_t i = 0; i < NSTACKS; i++)
		writable &= ((volatile char *)s[i].lo)[0] == (char)i &&
		            ((volatile char *)s[i].hi)[-1] == (char)i;
	tap_ok(aligned, "stack: page aligned, the size asked for");
	tap_ok(sp_ok, "stack: sp at the end the stack grows from");
	tap_ok(writable, "stack: both ends writable, contents kept");
	tap_ok(distinct, "stack: stacks and guards never overlap, across chunks");
	tap_eq((long)rtm_stack_pool_stats(p).acquired, (long)NSTACKS, "stack: stats count them");

	tap_eq(rtm_stack_release(p, &s[3]), 0, "stack: release");
	tap_eq(rtm_stack_release(p, &s[3]), RTM_EINVAL, "stack: a second release is refused");
	other = s[4];
	other.hi = (char *)other.hi - ps;
	tap_eq(rtm_stack_release(p, &other), RTM_EINVAL, "stack: a changed stack is refused");
	tap_ok(rtm_stack_acquire(p, &again) == 0 && again.lo == s[3].lo,
	       "stack: the released stack comes back cached");
#if !defined(__hppa__)
	/* The start of use (the top) is within keep_resident: kept. */
	tap_ok(((volatile char *)again.hi)[-1] == 3, "stack: the kept bytes are still there");
#endif
	rtm_stack_pool_destroy(p);
}

static void zero_and_limit(size_t ps)
{
	/* Everything kept: the release clears it all by hand, which holds
	 * under qemu-user too (it applies no madvise advice, so a purged
	 * page would keep its bytes there). */
	struct rtm_stack_config cfg = { 8 * ps, 0, 8 * ps, 2, RTM_STACK_ZERO, 0 };
	rtm_stack_pool *p = rtm_stack_pool_create(&cfg);
	struct rtm_stack a, b, c;
	int zero = 1;

	if (!tap_ok(p != 0, "stack: create with a limit and RTM_STACK_ZERO"))
		return;
	tap_ok(rtm_stack_acquire(p, &a) == 0 && rtm_stack_acquire(p, &b) == 0,
	       "stack: two under a limit of two");
	tap_eq(rtm_stack_acquire(p, &c), RTM_ENOMEM, "stack: a third is RTM_ENOMEM");
	for (volatile char *q = a.lo; q < (char *)a.hi; q++)
		*q = 0x5a;
	rtm_stack_release(p, &a);
	if (tap_ok(rtm_stack_acquire(p, &c) == 0, "stack: a release makes room")) {
		for (const volatile char *q = c.lo; q < (char *)c.hi; q++)
			zero &= *q == 0;
		tap_ok(zero, "stack: RTM_STACK_ZERO stacks read as zeros");
	}
	tap_eq(rtm_stack_pool_create(&(struct rtm_stack_config){ .flags = 0x80 }) == 0, 1,
	       "stack: an unknown flag is refused");
	rtm_stack_pool_destroy(p);
}

void section_stack(const struct selftest *t)
{
	struct rtm_vm_stats s0 = rtm_vm_stats(), s;

	(void)t;
	pool_cycle(rtm_page_size());
	zero_and_limit(rtm_page_size());
	s = rtm_vm_stats();
	tap_ok(s.reserved == s0.reserved && s.committed == s0.committed,
	       "stack: every byte back to the OS after destroy");
}
