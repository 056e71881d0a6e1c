/* Pages rtmem promises are inaccessible fault when touched: reserved and
 * never committed, decommitted, released, an arena's guard page. Windows
 * has no fork, so each access runs in a child process: this program
 * started again with the case's name and the offset to touch. The child
 * sets the case up, touches the one address, and a vectored exception
 * handler reports how the access ended through the exit code (an access
 * violation at exactly that address, at another, or none at all). A
 * control case touches committed memory and must not fault, so a child
 * that faults for any reason cannot pass as one that faults for the right
 * one. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include <rtmem/arena.h>
#include <rtmem/vm.h>

#include "win_check.h"
#include "win_state.h"
#include "win_suite.h"

#define KiB ((size_t)1 << 10)
#define MiB ((size_t)1 << 20)

/* How a child ended. */
enum {
	CHILD_NO_FAULT = 10,     /* the access went through */
	CHILD_FAULT_THERE = 11,  /* an access violation at the address touched */
	CHILD_FAULT_ELSE = 12,   /* an access violation somewhere else */
	CHILD_OTHER = 13,        /* another exception */
	CHILD_SETUP_FAILED = 14, /* the case could not be set up */
};

static volatile char *child_target;

static LONG CALLBACK child_on_exception(EXCEPTION_POINTERS *e)
{
	const EXCEPTION_RECORD *r = e->ExceptionRecord;

	if (r->ExceptionCode != EXCEPTION_ACCESS_VIOLATION)
		ExitProcess(CHILD_OTHER);
	/* ExceptionInformation[1]: the inaccessible address. */
	ExitProcess((char *)r->ExceptionInformation[1] == child_target ? CHILD_FAULT_THERE :
	                                                                  CHILD_FAULT_ELSE);
	return EXCEPTION_CONTINUE_SEARCH;
}

/* ---- the cases: each returns the address to touch, NULL if setup failed ---- */

static volatile char *committed_page(void)
{
	rtm_mmap_result r = rtm_reserve(NULL, MiB, 0);

	if (r.err || rtm_commit(r.addr, 64 * KiB))
		return NULL;
	return (char *)r.addr + 64 * KiB - 1;
}

static volatile char *reserved_page(void)
{
	rtm_mmap_result r = rtm_reserve(NULL, MiB, 0);

	if (r.err || rtm_commit(r.addr, 64 * KiB))
		return NULL;
	return (char *)r.addr + 64 * KiB; /* the first page past the commit */
}

static volatile char *decommitted_page(void)
{
	rtm_mmap_result r = rtm_reserve(NULL, MiB, 0);
	char *p = r.addr;

	if (r.err || rtm_commit(p, 256 * KiB))
		return NULL;
	memset(p, 1, 256 * KiB);
	if (rtm_decommit(p + 64 * KiB, 64 * KiB))
		return NULL;
	return p + 100 * KiB;
}

static volatile char *released_region(void)
{
	rtm_mmap_result r = rtm_reserve(NULL, MiB, 0);
	char *p = r.addr;

	if (r.err || rtm_commit(p, MiB))
		return NULL;
	p[0] = 1;
	if (rtm_release_ready(p, MiB, MiB))
		return NULL;
	return p + 4 * KiB;
}

/* A fixed guarded arena, filled: its guard is the block's last page
 * (the block starts at the arena), right past the last byte it can hand
 * out. */
static volatile char *arena_guard(void)
{
	struct rtm_arena_config cfg = { MiB, 0, 0, 0, RTM_ARENA_GUARD | RTM_ARENA_FIXED, NULL };
	rtm_arena *a = rtm_arena_create(&cfg);
	char *last = NULL, *p;

	if (!a)
		return NULL;
	while ((p = rtm_arena_alloc(a, 4 * KiB, 1)) != NULL)
		last = p;
	if (!last || last + 4 * KiB > (char *)a + MiB - page_size())
		return NULL;
	memset(last, 1, 4 * KiB);
	return (char *)a + MiB - page_size();
}

static const struct fault_case {
	const char *name;
	volatile char *(*setup)(void);
	int expect;
} cases[] = {
	{ "committed", committed_page, CHILD_NO_FAULT },
	{ "reserved", reserved_page, CHILD_FAULT_THERE },
	{ "decommitted", decommitted_page, CHILD_FAULT_THERE },
	{ "released", released_region, CHILD_FAULT_THERE },
	{ "arena-guard", arena_guard, CHILD_FAULT_THERE },
};
#define NCASES (sizeof cases / sizeof cases[0])

/* The child: set the case up, touch its address once (a write, the
 * stronger test: a read-only page would pass a read). */
static int child(const char *name)
{
	for (size_t i = 0; i < NCASES; i++) {
		if (strcmp(cases[i].name, name) != 0)
			continue;
		child_target = cases[i].setup();
		if (!child_target)
			return CHILD_SETUP_FAILED;
		AddVectoredExceptionHandler(1, child_on_exception);
		*child_target = 2;
		return CHILD_NO_FAULT;
	}
	return CHILD_SETUP_FAILED;
}

/* Runs this program again as the child for one case; its exit code. */
static DWORD run_child(const char *name)
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

START_TEST(touching_the_page_ends_as_promised)
{
	const struct fault_case *c = &cases[_i];
	DWORD code = run_child(c->name);

	ck_assert_msg(code == (DWORD)c->expect, "%s: child exit %lu, expected %d", c->name,
	              (unsigned long)code, c->expect);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s;
	TCase *tc;

	if (argc == 3 && strcmp(argv[1], "--child") == 0) {
		/* No error dialog, no debugger: the handler decides. */
		SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
		return child(argv[2]);
	}
	s = suite_create("win_faults");
	tc = tcase_create("child");
	tcase_add_loop_test(tc, touching_the_page_ends_as_promised, 0, (int)NCASES);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
