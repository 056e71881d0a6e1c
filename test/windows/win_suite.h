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
/* Under Wine an access violation in a thread other than the main one,
 * left to the debugger Wine starts, can end the process with exit code 0
 * (a program whose thread wrote to NULL exited 0 once in three runs),
 * which meson counts as a pass. An exception nothing handles ends the
 * program with 3 instead, saying what it was. */
static LONG WINAPI win_suite_crashed(EXCEPTION_POINTERS *e)
{
	char msg[96];
	DWORD wrote;
	int n = snprintf(msg, sizeof msg, "unhandled exception %#lx at %p\n",
	                 (unsigned long)e->ExceptionRecord->ExceptionCode,
	                 e->ExceptionRecord->ExceptionAddress);

	WriteFile(GetStdHandle(STD_ERROR_HANDLE), msg, (DWORD)n, &wrote, NULL);
	TerminateProcess(GetCurrentProcess(), 3);
	return EXCEPTION_EXECUTE_HANDLER;
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
