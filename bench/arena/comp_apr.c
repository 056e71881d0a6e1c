/* APR pools: one pool from apr_pool_create (default allocator: 8 KiB
 * blocks from malloc, kept on the allocator's free list after a clear);
 * apr_palloc each (APR aligns to 8); apr_pool_clear at the round's end.
 * Built only when apr-1 is found (HAVE_APR).
 */
#include <stdio.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_version.h>

#include "competitors.h"

static void *ap_init(size_t n, size_t bytes)
{
	apr_pool_t *pool;

	(void)n;
	(void)bytes;
	if (apr_initialize() != APR_SUCCESS || apr_pool_create(&pool, NULL) != APR_SUCCESS) {
		fprintf(stderr, "arena_bench: apr: no pool\n");
		return NULL;
	}
	return pool;
}

__attribute__((noinline)) static void ap_alloc_all(void *ctx, const uint32_t *sizes, size_t n)
{
	apr_pool_t *pool = ctx;

	for (size_t i = 0; i < n; i++) {
		void *p = apr_palloc(pool, sizes[i]);
		if (__builtin_expect(!p, 0))
			bench_oom("apr_palloc");
		BENCH_TOUCH(p, i);
	}
}

__attribute__((noinline)) static void ap_release_all(void *ctx, size_t n)
{
	(void)n;
	apr_pool_clear(ctx);
}

static void ap_fini(void *ctx)
{
	apr_pool_destroy(ctx);
	apr_terminate();
}

static const char *ap_vers(void *ctx)
{
	(void)ctx;
	return apr_version_string();
}

const struct competitor comp_apr = {
	"APR pool", ap_init, ap_alloc_all, ap_release_all, ap_fini, ap_vers,
};
