/* What the arena suites share: byte patterns that tell allocations apart,
 * and assertions on arena and region statistics. */
#ifndef TEST_ARENA_UTIL_H
#define TEST_ARENA_UTIL_H

#include <stdint.h>

#include <check.h>
#include <rtmem/arena.h>
#include <rtmem/vm.h>

#include "proc.h"

#define KiB ((size_t)1 << 10)
#define MiB ((size_t)1 << 20)

/* A byte that depends on both the allocation (seed) and the offset, so an
 * overlap or a stray copy shows up as a wrong byte. */
static inline unsigned char pattern_byte(unsigned seed, size_t k)
{
	return (unsigned char)(seed * 167u + (unsigned)k * 31u + (unsigned)(k >> 8) + 1u);
}

static inline void fill(void *p, size_t n, unsigned seed)
{
	unsigned char *b = (unsigned char *)p;

	for (size_t k = 0; k < n; k++)
		b[k] = pattern_byte(seed, k);
}

/* The offset of the first byte that is not the pattern, or n. */
static inline size_t first_wrong(const void *p, size_t n, unsigned seed)
{
	const unsigned char *b = (const unsigned char *)p;

	for (size_t k = 0; k < n; k++)
		if (b[k] != pattern_byte(seed, k))
			return k;
	return n;
}

#define ASSERT_FILLED(p, n, seed)                                                        \
	do {                                                                             \
		size_t at_ = first_wrong((p), (n), (seed));                             \
		ck_assert_msg(at_ == (size_t)(n), "allocation %u (%p, %zu bytes) wrong at %zu", \
		              (unsigned)(seed), (void *)(p), (size_t)(n), at_);           \
	} while (0)

static inline int all_bytes(const void *p, size_t n, unsigned char v)
{
	const unsigned char *b = (const unsigned char *)p;

	for (size_t k = 0; k < n; k++)
		if (b[k] != v)
			return 0;
	return 1;
}

#define ASSERT_STATS_EQ(x, y)                                                            \
	do {                                                                             \
		struct rtm_arena_stats x_ = (x), y_ = (y);                               \
		ck_assert_uint_eq(x_.used, y_.used);                                     \
		ck_assert_uint_eq(x_.committed, y_.committed);                           \
		ck_assert_uint_eq(x_.reserved, y_.reserved);                             \
		ck_assert_uint_eq(x_.peak, y_.peak);                                     \
		ck_assert_uint_eq(x_.blocks, y_.blocks);                                 \
	} while (0)

/* The region counters moved by exactly what the arena says it holds. */
#define ASSERT_VM_MATCHES(a, vm0)                                                        \
	do {                                                                             \
		struct rtm_arena_stats as_ = rtm_arena_stats(a);                          \
		struct rtm_vm_stats vs_ = rtm_vm_stats();                                \
		ck_assert_uint_eq(vs_.reserved - (vm0).reserved, as_.reserved);          \
		ck_assert_uint_eq(vs_.committed - (vm0).committed, as_.committed);       \
	} while (0)

static inline rtm_arena *arena_with(size_t reserve, size_t commit_step, size_t retain,
                                    size_t limit, unsigned flags)
{
	struct rtm_arena_config cfg = { reserve, commit_step, retain, limit, flags, NULL };
	rtm_arena *a = rtm_arena_create(&cfg);

	ck_assert_ptr_nonnull(a);
	return a;
}

static inline size_t round_up(size_t n, size_t to)
{
	return (n + to - 1) / to * to;
}

#endif
