/* Internal to the hook tables: counting, logging and failing one call. */
#ifndef RTM_TEST_FAULT_LOG_H
#define RTM_TEST_FAULT_LOG_H

#include "fault_hooks.h"

/* The plan fault_active() answers, from install to removal. */
void fault_log_start(struct fault_plan *plan);
void fault_log_stop(void);

/* Counts and logs the call; 1 if it is the one to fail, with p->err set
 * to one of errs (by the plan's variant). */
int fault_now(struct fault_plan *p, enum fault_op op, void *addr, size_t len,
              const int *errs, unsigned n_errs);

#endif
