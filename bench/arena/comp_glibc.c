/* glibc competitors: malloc/free one by one, and obstack.
 *
 *   malloc   malloc each, free every pointer at the round's end (in
 *            allocation order), then malloc_trim(0). malloc gives 16-byte
 *            alignment, more than the 8 asked. The pointer array is part
 *            of its cost: free needs every pointer back. The trim makes
 *            malloc pay its own deferred work: free leaves most of these
 *            small chunks unmerged in fastbins, and without the trim the
 *            next competitor's first large malloc (an obstack chunk, say)
 *            would pay for merging a million of them. Without the trim,
 *            glibc gives the memory back at that point anyway.
 *   obstack  obstack_init (default 4064-byte chunks from malloc),
 *            alignment mask 7; obstack_alloc each; obstack_free to the
 *            first object at the round's end, which frees every chunk but
 *            the first.
 */
#include <gnu/libc-version.h>
#include <malloc.h>
#include <obstack.h>
#include <stdlib.h>

#include "competitors.h"

#define obstack_chunk_alloc malloc
#define obstack_chunk_free  free

static void *malloc_init(size_t n, size_t bytes)
{
	void **ptrs = malloc(n * sizeof *ptrs);

	(void)bytes;
	if (!ptrs)
		bench_oom("malloc init");
	return ptrs;
}

__attribute__((noinline)) static void malloc_alloc_all(void *ctx, const uint32_t *sizes, size_t n)
{
	void **ptrs = ctx;

	for (size_t i = 0; i < n; i++) {
		void *p = malloc(sizes[i]);
		if (__builtin_expect(!p, 0))
			bench_oom("malloc");
		BENCH_TOUCH(p, i);
		ptrs[i] = p;
	}
}

__attribute__((noinline)) static void malloc_release_all(void *ctx, size_t n)
{
	void **ptrs = ctx;

	for (size_t i = 0; i < n; i++)
		free(ptrs[i]);
	malloc_trim(0);
}

static void malloc_fini(void *ctx)
{
	free(ctx);
}

static const char *glibc_version(void *ctx)
{
	(void)ctx;
	return gnu_get_libc_version();
}

const struct competitor comp_malloc = {
	"glibc malloc", malloc_init, malloc_alloc_all, malloc_release_all, malloc_fini, glibc_version,
};

struct ob {
	struct obstack ob;
	void *base; /* the first object: freeing to it empties the obstack */
};

static void *obstack_bench_init(size_t n, size_t bytes)
{
	struct ob *o = malloc(sizeof *o);

	(void)n;
	(void)bytes;
	if (!o || !obstack_init(&o->ob))
		bench_oom("obstack init");
	obstack_alignment_mask(&o->ob) = 7;
	o->base = obstack_alloc(&o->ob, 0);
	return o;
}

__attribute__((noinline)) static void obstack_alloc_all(void *ctx, const uint32_t *sizes, size_t n)
{
	struct ob *o = ctx;

	/* obstack_alloc calls obstack_alloc_failed_handler (exit) on failure. */
	for (size_t i = 0; i < n; i++) {
		void *p = obstack_alloc(&o->ob, sizes[i]);
		BENCH_TOUCH(p, i);
	}
}

__attribute__((noinline)) static void obstack_release_all(void *ctx, size_t n)
{
	struct ob *o = ctx;

	(void)n;
	obstack_free(&o->ob, o->base);
}

static void obstack_bench_fini(void *ctx)
{
	struct ob *o = ctx;

	obstack_free(&o->ob, NULL);
	free(o);
}

const struct competitor comp_obstack = {
	"glibc obstack", obstack_bench_init, obstack_alloc_all, obstack_release_all,
	obstack_bench_fini, glibc_version,
};
