/* A hook table that fails the Nth OS call and passes every other call to
 * the raw one (fault_hooks.c: Linux's mmap layer; fault_hooks_windows.c:
 * the VirtualAlloc layer). The hook picks the error from those its system
 * could give for that call, by the plan's variant, so that the driver
 * stays the same on both. */
#ifndef RTM_TEST_FAULT_HOOKS_H
#define RTM_TEST_FAULT_HOOKS_H

#include <rtmem/sys.h>

struct fault_plan {
	unsigned calls;     /* OS calls seen so far */
	unsigned fail_at;   /* 1-based call number to fail; 0: none */
	unsigned variant;   /* which of the call's possible errors it returns */
	int mode;           /* 0 .. FAULT_MODES - 1 */
	int err;            /* what the failed call returned */
	unsigned failed;    /* how many calls were failed */
};

/* The ways every scenario runs. Linux has one. Windows has two: with
 * VirtualAlloc2, and as a system without it (every aligned reservation
 * answers RTM_ENOSYS, which is no OS call and no fault point, so the
 * fallback's own calls are the ones counted and failed). */
#if defined(_WIN32)
#define FAULT_MODES 2
#else
#define FAULT_MODES 1
#endif

const char *fault_mode_name(int mode);

void fault_install(struct fault_plan *plan, int mode, unsigned fail_at, unsigned variant);

/* Puts back the table that was there before; does nothing when the
 * plan's table is not installed. Windows has no fork: a test that a
 * failed assertion ended inside a scenario left it installed, and the
 * next one removes it first. */
void fault_remove(void);

#endif
