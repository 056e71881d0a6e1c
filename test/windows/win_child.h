/* Windows has no fork: a test whose access must fault runs it in a child
 * process, this program started again with "--child NAME". The child
 * sets its case up and touches the one address (win_child_touch); a
 * vectored exception handler reports through the exit code how the access
 * ended: an access violation at exactly that address, at another, or none
 * at all. A case that must not fault (a committed control) keeps a child
 * that faults for the wrong reason from passing as one that faults for
 * the right one.
 *
 *   main:   const char *name = win_child_name(argc, argv);
 *           if (name) return <the case called name>(...);
 *   child:  return win_child_touch(address, or NULL if setup failed);
 *   test:   ck_assert_uint_eq(win_run_child(name), CHILD_FAULT_THERE); */
#ifndef TEST_WINDOWS_WIN_CHILD_H
#define TEST_WINDOWS_WIN_CHILD_H

#include <stdio.h>
#include <string.h>

#include <windows.h>

#include "win_check.h"

/* How a child ended. */
enum {
	CHILD_NO_FAULT = 10,     /* the access went through */
	CHILD_FAULT_THERE = 11,  /* an access violation at the address touched */
	CHILD_FAULT_ELSE = 12,   /* an access violation somewhere else */
	CHILD_OTHER = 13,        /* another exception */
	CHILD_SETUP_FAILED = 14, /* the case could not be set up */
};

static volatile char *win_child_target;

static LONG CALLBACK win_child_on_exception(EXCEPTION_POINTERS *e)
{
	const EXCEPTION_RECORD *r = e->ExceptionRecord;

	if (r->ExceptionCode != EXCEPTION_ACCESS_VIOLATION)
		ExitProcess(CHILD_OTHER);
	/* ExceptionInformation[1]: the inaccessible address. */
	ExitProcess((char *)r->ExceptionInformation[1] == win_child_target ? CHILD_FAULT_THERE :
	                                                                      CHILD_FAULT_ELSE);
	return EXCEPTION_CONTINUE_SEARCH;
}

/* The case's name when this process is a child, else NULL. A child shows
 * no error dialog and starts no debugger: the handler decides. */
static inline const char *win_child_name(int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "--child") != 0)
		return NULL;
	SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
	return argv[2];
}

/* Writes target once (a write, the stronger test: a read-only page would
 * pass a read): the child's exit code. */
static inline int win_child_touch(volatile char *target)
{
	if (!target)
		return CHILD_SETUP_FAILED;
	win_child_target = target;
	AddVectoredExceptionHandler(1, win_child_on_exception);
	*target = 2;
	return CHILD_NO_FAULT;
}

/* Runs this program again as the child for one case: its exit code. */
static inline DWORD win_run_child(const char *name)
{
	char self[MAX_PATH], cmd[2 * MAX_PATH];
	STARTUPINFOA si = { .cb = sizeof si };
	PROCESS_INFORMATION pi;
	DWORD code = 0, got = GetModuleFileNameA(NULL, self, sizeof self);

	ck_assert_msg(got > 0 && got < sizeof self, "GetModuleFileName: error %lu",
	              (unsigned long)GetLastError());
	snprintf(cmd, sizeof cmd, "\"%s\" --child %s", self, name);
	ck_assert_msg(CreateProcessA(self, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi),
	              "CreateProcess: error %lu", (unsigned long)GetLastError());
	ck_assert_uint_eq(WaitForSingleObject(pi.hProcess, INFINITE), WAIT_OBJECT_0);
	ck_assert(GetExitCodeProcess(pi.hProcess, &code));
	CloseHandle(pi.hThread);
	CloseHandle(pi.hProcess);
	return code;
}

#endif
