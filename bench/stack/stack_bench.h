/* What the stack benchmarks share: the shape of the stack they measure,
 * the touch a shallow user makes, the clock and the statistics.
 *
 * Every program here measures 1 MiB stacks with a one-page guard whose
 * user touches 8 KiB from the start of use (the top where stacks grow
 * down; the bottom on hppa), one store per cache line. */
#ifndef BENCH_STACK_H
#define BENCH_STACK_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define KiB ((size_t)1 << 10)
#define MiB ((size_t)1 << 20)

#define STACK_SIZE  MiB
#define STACK_TOUCH (8 * KiB)

#if defined(__hppa__)
#define STACK_GROWS_UP 1
#else
#define STACK_GROWS_UP 0
#endif

static inline size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* The pool's default keep_resident: 16 KiB, in whole pages (64 KiB pages
 * on some ppc64 and arm64 kernels). */
static inline size_t stack_keep(void)
{
	return (16 * KiB + page_size() - 1) & ~(page_size() - 1);
}

__attribute__((noreturn, cold)) static inline void die(const char *who, const char *what, int err)
{
	fprintf(stderr, "%s: %s failed: %s\n", who, what, strerror(err));
	exit(1);
}

/* n bytes from sp, the start of use, one store per cache line: what a
 * shallow coroutine's frames write. volatile, so the stores are made. */
static inline void touch_use(void *sp, size_t n)
{
	char *from = STACK_GROWS_UP ? (char *)sp : (char *)sp - n;

	for (volatile char *q = from; q < from + n; q += 64)
		*q = 1;
}

/* [lo, lo + STACK_SIZE) with a guard of one page beyond the end it grows
 * toward: its start of use. */
static inline void *stack_start(char *lo)
{
	return STACK_GROWS_UP ? lo : lo + STACK_SIZE;
}

/* The part of a stack past keep_resident from its start of use: what the
 * pool's release purges. */
static inline void *stack_past_keep(void *lo)
{
	return STACK_GROWS_UP ? (char *)lo + stack_keep() : lo;
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
