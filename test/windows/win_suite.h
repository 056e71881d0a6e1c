/* The runner every Windows test program shares. */
#ifndef TEST_WINDOWS_WIN_SUITE_H
#define TEST_WINDOWS_WIN_SUITE_H

#include <stdlib.h>

#include <windows.h>

#include "win_check.h"

/* Windows has no fork: every test runs in this process, one after the
 * other. A failed assertion ends its test's function (Check jumps out of
 * it) and is counted; the next test still runs, but sees whatever the
 * failed one left mapped, so each test asserts on ranges it made itself.
 * Check's timeouts need fork too: meson's timeout is what stops a hang. */
/* An exception nothing handles ends the program with 3: Wine may
 * otherwise end a program that crashed in another thread with 0. */
static LONG WINAPI win_suite_crashed(EXCEPTION_POINTERS *e)
{
	(void)e;
	TerminateProcess(GetCurrentProcess(), 3);
	return EXCEPTION_CONTINUE_SEARCH;
}

static inline int run_suite(Suite *s)
{
	SRunner *r = srunner_create(s);
	int failed;

	SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
	SetUnhandledExceptionFilter(win_suite_crashed);

	srunner_set_fork_status(r, CK_NOFORK);
	srunner_run_all(r, CK_ENV);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
