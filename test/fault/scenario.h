/* One fault injection scenario: setup (no faults), the faulted part,
 * cleanup (no faults). The driver (test_fault.c) runs it once to count its
 * OS calls, then once more per call, failing that call. */
#ifndef RTM_TEST_FAULT_SCENARIO_H
#define RTM_TEST_FAULT_SCENARIO_H

#include "fault_hooks.h"

struct scenario {
	const char *name;
	void (*setup)(void **state);
	void (*run)(void **state); /* asserts its own "failed cleanly" rules */
	void (*cleanup)(void **state);
};

/* What a scenario reads from the installed plan while it runs: how many
 * calls were failed so far (one went up: a call it just made was failed),
 * with what error, and how many OS calls it has made. */
static inline unsigned failed_now(void)
{
	const struct fault_plan *p = fault_active();

	return p ? p->failed : 0;
}

static inline int err_now(void)
{
	const struct fault_plan *p = fault_active();

	return p ? p->err : 0;
}

static inline unsigned calls_now(void)
{
	const struct fault_plan *p = fault_active();

	return p ? p->calls : 0;
}

/* The run that counts the calls, failing none: what a scenario records
 * to compare the faulted runs with. */
static inline int clean_run(void)
{
	const struct fault_plan *p = fault_active();

	return p && p->fail_at == 0;
}

/* stack_scenarios.c: <rtmem/stack.h>'s. */
extern const struct scenario stack_scenarios[];
extern const unsigned stack_scenario_count;

/* code_scenarios.c: <rtmem/code.h>'s. */
extern const struct scenario code_scenarios[];
extern const unsigned code_scenario_count;

#endif
