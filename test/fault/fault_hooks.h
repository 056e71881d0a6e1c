/* A hook table that fails the Nth OS call with a chosen errno and passes
 * every other call to the raw system call. */
#ifndef RTM_TEST_FAULT_HOOKS_H
#define RTM_TEST_FAULT_HOOKS_H

#include <rtmem/sys.h>

struct fault_plan {
	unsigned calls;     /* OS calls seen so far */
	unsigned fail_at;   /* 1-based call number to fail; 0: none */
	int err;            /* what the failed call returns */
	unsigned failed;    /* how many calls were failed */
};

void fault_install(struct fault_plan *plan, unsigned fail_at, int err);
void fault_remove(void);

#endif
