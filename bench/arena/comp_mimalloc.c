/* mimalloc heaps: mi_heap_new at the round's start, mi_heap_malloc each,
 * mi_heap_destroy at the round's end (frees everything in the heap at once).
 *
 * Loaded with dlopen(RTLD_LOCAL), not linked: Debian's libmimalloc.so is
 * built with MI_OVERRIDE and exports malloc, free and even __libc_malloc,
 * so linking it would silently turn the "glibc malloc" row, APR's and
 * talloc's block allocation and stdio into mimalloc. Loaded locally, its
 * symbols stay out of the global scope and only the three mi_heap calls
 * below reach it (through pointers: an indirect call, as the PLT's is).
 */
#define _GNU_SOURCE 1 /* RTLD_DEFAULT */

#include <dlfcn.h>
#include <mimalloc.h>
#include <stdio.h>
#include <stdlib.h>

#include "competitors.h"

struct mi {
	mi_heap_t *(*heap_new)(void);
	void *(*heap_malloc)(mi_heap_t *heap, size_t size);
	void (*heap_destroy)(mi_heap_t *heap);
	int (*version)(void);
	mi_heap_t *heap;
	char vers[16];
};

static void *sym(void *lib, const char *name)
{
	void *f = dlsym(lib, name);

	if (!f)
		fprintf(stderr, "arena_bench: mimalloc: no %s: %s\n", name, dlerror());
	return f;
}

static void *mim_init(size_t n, size_t bytes)
{
	char so[32];
	void *lib;
	struct mi *m;

	(void)n;
	(void)bytes;
	snprintf(so, sizeof so, "libmimalloc.so.%d", MI_MALLOC_VERSION / 100);
	lib = dlopen(so, RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		lib = dlopen("libmimalloc.so", RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		fprintf(stderr, "arena_bench: mimalloc not loaded: %s\n", dlerror());
		return NULL;
	}
	/* The check that matters: the process's malloc is still glibc's. */
	if (dlsym(RTLD_DEFAULT, "malloc") == dlsym(lib, "malloc")) {
		fprintf(stderr, "arena_bench: mimalloc took over malloc; skipping it\n");
		return NULL;
	}
	m = calloc(1, sizeof *m);
	if (!m)
		bench_oom("mimalloc init");
	*(void **)&m->heap_new = sym(lib, "mi_heap_new");
	*(void **)&m->heap_malloc = sym(lib, "mi_heap_malloc");
	*(void **)&m->heap_destroy = sym(lib, "mi_heap_destroy");
	*(void **)&m->version = sym(lib, "mi_version");
	if (!m->heap_new || !m->heap_malloc || !m->heap_destroy || !m->version) {
		free(m);
		return NULL;
	}
	snprintf(m->vers, sizeof m->vers, "%d.%d.%d", m->version() / 100, m->version() / 10 % 10,
	         m->version() % 10);
	return m;
}

__attribute__((noinline)) static void mim_alloc_all(void *ctx, const uint32_t *sizes, size_t n)
{
	struct mi *m = ctx;
	mi_heap_t *heap = m->heap_new();

	if (!heap)
		bench_oom("mi_heap_new");
	for (size_t i = 0; i < n; i++) {
		void *p = m->heap_malloc(heap, sizes[i]);
		if (__builtin_expect(!p, 0))
			bench_oom("mi_heap_malloc");
		BENCH_TOUCH(p, i);
	}
	m->heap = heap;
}

__attribute__((noinline)) static void mim_release_all(void *ctx, size_t n)
{
	struct mi *m = ctx;

	(void)n;
	m->heap_destroy(m->heap);
	m->heap = NULL;
}

static void mim_fini(void *ctx)
{
	free(ctx); /* the library stays loaded: unloading an allocator is asking for trouble */
}

static const char *mim_vers(void *ctx)
{
	return ((struct mi *)ctx)->vers;
}

const struct competitor comp_mimalloc = {
	"mimalloc heap", mim_init, mim_alloc_all, mim_release_all, mim_fini, mim_vers,
};
