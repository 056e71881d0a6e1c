/* A hook table that fails the Nth OS call and passes every other call to
 * the raw one (fault_hooks.c: Linux's mmap layer; fault_hooks_windows.c:
 * the VirtualAlloc layer). The hook picks the error from those its system
 * could give for that call, by the plan's variant, so that the driver
 * stays the same on both. Every call is logged by what it does to the
 * address space, in words both systems share, so that the driver can name
 * the call it failed and a scenario can tell one call from another. */
#ifndef RTM_TEST_FAULT_HOOKS_H
#define RTM_TEST_FAULT_HOOKS_H

#include <stddef.h>

#include <rtmem/sys.h>

/* What a call does (Linux / Windows). */
enum fault_op {
	FAULT_RESERVE,  /* mmap of new space / VirtualAlloc(2) MEM_RESERVE */
	FAULT_COMMIT,   /* mprotect to accessible / VirtualAlloc MEM_COMMIT */
	FAULT_DECOMMIT, /* mmap MAP_FIXED PROT_NONE, mprotect PROT_NONE / MEM_DECOMMIT */
	FAULT_PURGE,    /* madvise / MEM_RESET */
	FAULT_RELEASE,  /* munmap / MEM_RELEASE */
	FAULT_OTHER,    /* VirtualProtect */
};

struct fault_call {
	enum fault_op op;
	void *addr;
	size_t len; /* 0 for a Windows release: the whole reservation */
};

/* Calls past this many are counted and may be failed, but not logged. */
#define FAULT_LOG 512

struct fault_plan {
	unsigned calls;     /* OS calls seen so far */
	unsigned fail_at;   /* 1-based call number to fail; 0: none */
	unsigned variant;   /* which of the call's possible errors it returns */
	int mode;           /* 0 .. FAULT_MODES - 1 */
	int err;            /* what the failed call returned */
	unsigned failed;    /* how many calls were failed */
	struct fault_call log[FAULT_LOG]; /* log[k - 1]: call k */
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
const char *fault_op_name(enum fault_op op);

void fault_install(struct fault_plan *plan, int mode, unsigned fail_at, unsigned variant);

/* Puts back the table that was there before; does nothing when the
 * plan's table is not installed. Windows has no fork: a test that a
 * failed assertion ended inside a scenario left it installed, and the
 * next one removes it first. */
void fault_remove(void);

/* The installed plan, NULL when none is: what a scenario reads to learn
 * whether a call it just made was failed (plan->failed went up) and with
 * what error, and how many OS calls it made. */
const struct fault_plan *fault_active(void);

#endif
