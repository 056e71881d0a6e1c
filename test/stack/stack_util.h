/* What the stack suites share: the kernel's view of a stack's pages
 * (mincore residency, /proc/self/maps permissions through ../vm/proc.h). */
#ifndef TEST_STACK_UTIL_H
#define TEST_STACK_UTIL_H

#include <stdint.h>
#include <sys/mman.h>

#include <rtmem/stack.h>

#include "proc.h"
#include "suite.h"

#define KiB ((size_t)1 << 10)
#define MiB ((size_t)1 << 20)

/* Pages of [p, p + n) in memory now (mincore), p page aligned. */
static inline size_t resident_pages(const void *p, size_t n)
{
	static unsigned char vec[1 << 16];
	size_t pages = n / page_size(), k = 0;
	/* Entries per page: more than one where qemu hands over the host's
	 * vector for pages larger than the host's (emulator.h); a page is
	 * resident when any part of it is. */
	size_t per = emulator_big_pages() ? page_size() / EMULATOR_HOST_PAGE : 1;

	ck_assert_uint_le(pages * per, sizeof vec);
	ck_assert_int_eq(mincore((void *)(uintptr_t)p, n, vec), 0);
	for (size_t i = 0; i < pages; i++) {
		unsigned char any = 0;

		for (size_t j = 0; j < per; j++)
			any |= vec[i * per + j];
		k += any & 1;
	}
	return k;
}

/* Writes every page of [lo, hi), so all of it is resident. */
static inline void touch_all(const struct rtm_stack *s, unsigned char v)
{
	for (volatile unsigned char *q = s->lo; q < (unsigned char *)s->hi; q += page_size())
		*q = v;
}

static inline size_t stack_bytes(const struct rtm_stack *s)
{
	return (size_t)((char *)s->hi - (char *)s->lo);
}

/* The n bytes nearest the stack's start of use: [hi - n, hi), or
 * [lo, lo + n) on hppa, where stacks grow up. */
static inline char *use_start(const struct rtm_stack *s, size_t n)
{
#if defined(__hppa__)
	(void)n;
	return (char *)s->lo;
#else
	return (char *)s->hi - n;
#endif
}

/* The byte farthest from the start of use: lo, or hi - 1 on hppa. */
static inline char *use_far_end(const struct rtm_stack *s)
{
#if defined(__hppa__)
	return (char *)s->hi - 1;
#else
	return (char *)s->lo;
#endif
}

/* The first byte of the g-th guard page beyond the end s grows toward
 * (g from 1, nearest first): below lo, or above hi on hppa. */
static inline const char *guard_page(const struct rtm_stack *s, size_t g)
{
#if defined(__hppa__)
	return (const char *)s->hi + (g - 1) * page_size();
#else
	return (const char *)s->lo - g * page_size();
#endif
}

#endif
