/* The runner every vm and arena test program shares. */
#ifndef TEST_VM_SUITE_H
#define TEST_VM_SUITE_H

#include <stdlib.h>

#include <check.h>

/* Forking is forced, whatever CK_FORK says: rtmem's page-size cache,
 * region counters and hook table are process-wide, and each test must
 * start from this process's pristine state and leave nothing for the
 * next (setrlimit, seccomp, a fake page size). */
static inline int run_suite(Suite *s)
{
	SRunner *r = srunner_create(s);
	int failed;

	srunner_set_fork_status(r, CK_FORK);
	srunner_run_all(r, CK_ENV);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
