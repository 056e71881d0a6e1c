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
#include "win_child.h"
#include "win_state.h"
#include "win_suite.h"

#define KiB ((size_t)1 << 10)
#define MiB ((size_t)1 << 20)

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

/* The child: set the case up, touch its address once. */
static int child(const char *name)
{
	for (size_t i = 0; i < NCASES; i++)
		if (strcmp(cases[i].name, name) == 0)
			return win_child_touch(cases[i].setup());
	return CHILD_SETUP_FAILED;
}

START_TEST(touching_the_page_ends_as_promised)
{
	const struct fault_case *c = &cases[_i];
	DWORD code = win_run_child(c->name);

	ck_assert_msg(code == (DWORD)c->expect, "%s: child exit %lu, expected %d", c->name,
	              (unsigned long)code, c->expect);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s;
	TCase *tc;

	const char *name = win_child_name(argc, argv);

	if (name)
		return child(name);
	s = suite_create("win_faults");
	tc = tcase_create("child");
	tcase_add_loop_test(tc, touching_the_page_ends_as_promised, 0, (int)NCASES);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
