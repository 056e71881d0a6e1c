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
	/* NULL, or which calls not to fail: given the clean run's log and a
	 * call k (1-based), the known defect that failing it would show (its
	 * one-line description), NULL to fail it. A spared call is counted
	 * and named in the output, and FAULT_STRICT=1 in the environment
	 * fails it all the same (to see the defect). */
	const char *(*spare)(const struct fault_plan *clean, unsigned k);
};

/* stack_scenarios.c: <rtmem/stack.h>'s. */
extern const struct scenario stack_scenarios[];
extern const unsigned stack_scenario_count;

#endif
