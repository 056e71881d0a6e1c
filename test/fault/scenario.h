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

/* stack_scenarios.c: <rtmem/stack.h>'s. */
extern const struct scenario stack_scenarios[];
extern const unsigned stack_scenario_count;

#endif
