/* The call log both hook tables share. */
#include "fault_log.h"

const char *fault_op_name(enum fault_op op)
{
	static const char *const names[] = { "reserve", "commit", "decommit",
	                                     "purge",   "release", "other" };

	return (unsigned)op < sizeof names / sizeof names[0] ? names[op] : "?";
}

static struct fault_plan *fault_plan_now;

void fault_log_start(struct fault_plan *plan)
{
	fault_plan_now = plan;
}

void fault_log_stop(void)
{
	fault_plan_now = 0;
}

const struct fault_plan *fault_active(void)
{
	return fault_plan_now;
}

int fault_now(struct fault_plan *p, enum fault_op op, void *addr, size_t len,
              const int *errs, unsigned n_errs)
{
	if (p->calls < FAULT_LOG) {
		p->log[p->calls].op = op;
		p->log[p->calls].addr = addr;
		p->log[p->calls].len = len;
	}
	p->calls++;
	if (p->calls != p->fail_at)
		return 0;
	p->failed++;
	p->err = errs[p->variant % n_errs];
	return 1;
}
