/* How the benchmark programs here fail: exit 1 when a call they measure
 * or need is refused (a figure without it would be a lie), exit 2 on a
 * command line they cannot read. */
#ifndef BENCH_FAIL_H
#define BENCH_FAIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noreturn, cold)) static inline void die(const char *who, const char *what, int err)
{
	fprintf(stderr, "%s: %s failed: %s\n", who, what, strerror(err));
	exit(1);
}

static inline long parse_long(const char *who, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == 0 || *end != 0 || v <= 0 || errno) {
		fprintf(stderr, "%s: not a positive number: %s\n", who, s);
		exit(2);
	}
	return v;
}

#endif
