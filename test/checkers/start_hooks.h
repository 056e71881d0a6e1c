/* The hook table every test process starts with (start_hooks.c).
 *
 * START_HOOKS is &rtm_libc_hooks in a build with AddressSanitizer, where a
 * constructor installs it before main, and NULL in every other build.
 * A test that installs a table of its own puts START_HOOKS back when it is
 * done, not NULL, and a test that asserts what a fresh process has
 * installed asserts START_HOOKS. test/meson.build defines
 * RTM_TEST_START_HOOKS for every test program that links rtmem. */
#ifndef RTM_TEST_START_HOOKS_H
#define RTM_TEST_START_HOOKS_H

#include <rtmem/sys.h>

#ifndef RTM_TEST_START_HOOKS
#error "test/meson.build passes RTM_TEST_START_HOOKS (1 or 0) with rtmem's dependency"
#endif

#if RTM_TEST_START_HOOKS
#include <rtmem/libc_hooks.h>
#define START_HOOKS (&rtm_libc_hooks)
#else
#define START_HOOKS ((const struct rtm_hooks *)0)
#endif

#endif
