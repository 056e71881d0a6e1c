/* What the code region benchmarks share: the clock, the statistics and
 * the way they fail. Every program here measures 64-byte functions (the
 * function returning a constant of test/code/machine_code.h, padded). */
#ifndef BENCH_CODE_H
#define BENCH_CODE_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FN_SIZE 64

__attribute__((noreturn, cold)) static inline void die(const char *who, const char *what, int err)
{
	fprintf(stderr, "%s: %s failed: %s\n", who, what, strerror(err));
	exit(1);
}

static inline double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts v: v[0] is the minimum and v[n - 1] the maximum afterwards. */
static inline double median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
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
