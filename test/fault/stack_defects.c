/* The stack pool's known defects under faults (stack_scenarios.h), one
 * test each that shows the defect is there: it passes while it is, and
 * fails once it is fixed, saying which spare to drop from the scenarios
 * (so a fix cannot leave its calls unfaulted). */
#define _GNU_SOURCE /* O_CLOEXEC, for maps_linux.h */
#include <string.h>

#if defined(_WIN32)
#include "win_check.h"
#include "win_state.h"
#else
#include <check.h>
#endif

#include <rtmem/stack.h>
#include <rtmem/vm.h>

#include "fault_hooks.h"
#include "maps.h"
#include "stack_scenarios.h"

/* Gives back a reservation whose release rtmem's own call left mapped,
 * with the raw call (rtm_vm_stats still counts it: the test compares the
 * address space only). */
static void release_raw(const struct fault_call *c)
{
#if defined(_WIN32)
	ck_assert_int_eq(rtm_sys_virtual_free(c->addr, 0, RTM_MEM_RELEASE), 0);
#else
	ck_assert_int_eq(rtm_sys_munmap(c->addr, c->len), 0);
#endif
}

/* D1: destroy releases each chunk and then the header once; the first
 * release refused, that chunk stays mapped. The arena tries each release
 * twice, so that one refused call leaks nothing. */
START_TEST(d1_destroy_leaves_a_refused_release_mapped)
{
	static struct fault_plan plan;
	struct rtm_stack_config c = stack_fault_config(0, 0);
	struct maps_snapshot m0, m1, m2;
	struct rtm_stack s;
	rtm_stack_pool *p;
	int leaked;

	fault_remove();
	(void)rtm_page_size();
	m0 = maps_snapshot();
	p = rtm_stack_pool_create(&c);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(rtm_stack_acquire(p, &s), 0);
	fault_install(&plan, 0, 1, 0);
	rtm_stack_pool_destroy(p);
	fault_remove();
	m1 = maps_snapshot();
	leaked = !maps_equal(m0, m1);
	ck_assert_uint_eq(plan.failed, 1);
	ck_assert_int_eq(plan.log[0].op, FAULT_RELEASE);
	if (leaked)
		release_raw(&plan.log[0]);
	m2 = maps_snapshot();
	ck_assert_msg(maps_equal(m0, m2), "what destroy left is more than the refused reservation");
	ck_assert_msg(leaked, "fixed: a refused release in destroy no longer leaks (%u calls): "
	              "drop spare_destroy_release from \"stack pool destroy\" in "
	              "test/fault/stack_scenarios.c, and this test", plan.calls);
}
END_TEST

#if defined(_WIN32)
/* D2: on Windows a purge is a decommit and a commit (vm.h). When the
 * commit is refused, release returns its error and caches the stack, as
 * stack.h says, but the range past keep_resident is left Reserved: the
 * next owner faults when its stack grows there (and under RTM_STACK_ZERO
 * release itself faults, zeroing it). stack.h promises its pages stay
 * resident. */
START_TEST(d2_a_refused_recommit_caches_a_stack_with_reserved_pages)
{
	static struct fault_plan plan;
	struct rtm_stack_config c = stack_fault_config(0, 0);
	rtm_stack_pool *p;
	struct rtm_stack s, again;
	size_t committed;
	int err;

	fault_remove();
	p = rtm_stack_pool_create(&c);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(rtm_stack_acquire(p, &s), 0);
	memset(s.lo, 0x5a, STACK_SIZE);
	fault_install(&plan, 0, 2, 0);
	err = rtm_stack_release(p, &s);
	fault_remove();
	ck_assert_uint_eq(plan.calls, 2);
	ck_assert_int_eq(plan.log[0].op, FAULT_DECOMMIT);
	ck_assert_int_eq(plan.log[1].op, FAULT_COMMIT);
	ck_assert_int_eq(err, plan.err);
	ck_assert_uint_eq(rtm_stack_pool_stats(p).cached, 1);
	ck_assert_int_eq(rtm_stack_acquire(p, &again), 0);
	ck_assert_ptr_eq(again.lo, s.lo);
	committed = committed_in(s.lo, STACK_SIZE);
	rtm_stack_pool_destroy(p);
	ck_assert_msg(committed < STACK_SIZE,
	              "fixed: the stack is committed whole after its recommit was refused: "
	              "drop spare_purge_recommit from the release scenarios in "
	              "test/fault/stack_scenarios.c, and this test");
	ck_assert_uint_eq(committed, STACK_KEEP);
}
END_TEST
#endif

void add_stack_defect_tests(TCase *tc)
{
	tcase_add_test(tc, d1_destroy_leaves_a_refused_release_mapped);
#if defined(_WIN32)
	tcase_add_test(tc, d2_a_refused_recommit_caches_a_stack_with_reserved_pages);
#endif
}
