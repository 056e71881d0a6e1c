/* talloc pools: one talloc_pool big enough for a whole round (so no child
 * falls back to malloc; init checks that); talloc_size children (each
 * carries a 96-byte talloc header, 16-byte aligned); talloc_free_children
 * at the round's end, which walks every child and, once the pool is empty,
 * rewinds it. Built only when talloc is found (HAVE_TALLOC).
 */
#include <stdio.h>
#include <stdlib.h>

#include <talloc.h>

#include "competitors.h"

/* The talloc header (96 bytes on LP64) plus the size, rounded up to 16,
 * is at most this much per child for sizes up to 128. */
#define TALLOC_CHILD_MAX 256

static void *tc_init(size_t n, size_t bytes)
{
	void *pool;

	(void)bytes;
	pool = talloc_pool(NULL, n * TALLOC_CHILD_MAX);
	if (!pool) {
		fprintf(stderr, "arena_bench: talloc: no pool\n");
		return NULL;
	}
	/* A child that does not fit goes to malloc, silently: check that n
	 * of the largest size land inside the pool's memory. */
	for (size_t i = 0; i < n; i++) {
		char *p = talloc_size(pool, 128);
		if (!p || p < (char *)pool || p + 128 > (char *)pool + n * TALLOC_CHILD_MAX + 1024) {
			fprintf(stderr, "arena_bench: talloc: child %zu outside the pool\n", i);
			exit(1);
		}
	}
	talloc_free_children(pool);
	return pool;
}

__attribute__((noinline)) static void tc_alloc_all(void *ctx, const uint32_t *sizes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		void *p = talloc_size(ctx, sizes[i]);
		if (__builtin_expect(!p, 0))
			bench_oom("talloc_size");
		BENCH_TOUCH(p, i);
	}
}

__attribute__((noinline)) static void tc_release_all(void *ctx, size_t n)
{
	(void)n;
	talloc_free_children(ctx);
}

static void tc_fini(void *ctx)
{
	talloc_free(ctx);
}

static const char *tc_vers(void *ctx)
{
	static char v[16];

	(void)ctx;
	snprintf(v, sizeof v, "%d.%d", talloc_version_major(), talloc_version_minor());
	return v;
}

const struct competitor comp_talloc = {
	"talloc pool", tc_init, tc_alloc_all, tc_release_all, tc_fini, tc_vers,
};
