/* What the stack benchmarks share: the shape of the stack they measure,
 * the touch a shallow user makes (the clock, the statistics and the way
 * they fail are bench/common's).
 *
 * Every program here measures 1 MiB stacks with a one-page guard whose
 * user touches 8 KiB from the start of use (the top where stacks grow
 * down; the bottom on hppa), one store per cache line. */
#ifndef BENCH_STACK_H
#define BENCH_STACK_H

#include <unistd.h>

#include "bench_fail.h"
#include "bench_time.h"

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

#endif
