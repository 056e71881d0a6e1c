/* The freestanding self-test: shared context and the TAP reporter.
 *
 * Each section is one file with one entry point, section_<name>(), listed
 * in meson.build (which generates sections.h from that list). A section
 * reports every check through tap_*; main prints the plan at the end and
 * exits 1 if any check failed. No libc: only compiler headers and rtmem.
 */
#ifndef SELFTEST_H
#define SELFTEST_H

#include <stddef.h>
#include <stdint.h>

#include "kabi.h"

struct selftest {
	int argc;
	char **argv;
	char **envp;
	const unsigned long *auxv;
	size_t page;          /* AT_PAGESZ from the auxiliary vector */
	const char *emulator; /* "qemu-<arch>" under qemu-user, NULL when native */
};

/* "ok N - name" when cond holds, "not ok N - name" otherwise. Returns cond
 * so that a check can guard the ones that depend on it. */
int tap_ok(int cond, const char *name);

/* tap_ok(got == want), printing both values as a diagnostic on failure. */
int tap_eq(long got, long want, const char *name);

/* "ok N - name # SKIP reason": a check that cannot run here, and why. */
void tap_skip(const char *name, const char *reason);

/* "# text" */
void tap_diag(const char *text);

/* Prints the plan "1..N"; returns the exit status (1 if a check failed). */
int tap_finish(void);

/* The value of auxv entry `type`, 0 when absent. */
unsigned long selftest_auxv(const unsigned long *auxv, unsigned long type);

/* The value of environment variable `name`, or NULL. */
const char *selftest_getenv(char **envp, const char *name);

int selftest_streq(const char *a, const char *b);

#define SECTION(name) void section_##name(const struct selftest *t);
#include "sections.h"
SELFTEST_SECTIONS(SECTION)
#undef SECTION

#endif
