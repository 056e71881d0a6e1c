/* The allocators arena_bench puts side by side, behind one interface.
 *
 * A round is: alloc_all (n allocations of sizes[i] bytes, alignment 8,
 * the first byte of each written), then release_all (everything given back
 * in bulk, or one by one where the allocator has no bulk release). The
 * harness times the two halves separately. init returns NULL when the
 * competitor cannot run here (a library that failed to load); it then
 * prints why on stderr.
 */
#ifndef ARENA_BENCH_COMPETITORS_H
#define ARENA_BENCH_COMPETITORS_H

#include <stddef.h>
#include <stdint.h>

struct competitor {
	const char *name;
	/* n allocations per round, at most `bytes` in total with alignment
	 * padding (the sum of the sizes rounded up to 8). */
	void *(*init)(size_t n, size_t bytes);
	void (*alloc_all)(void *ctx, const uint32_t *sizes, size_t n);
	void (*release_all)(void *ctx, size_t n);
	void (*fini)(void *ctx);
	/* The library's version as a string, or NULL; after init. */
	const char *(*version)(void *ctx);
};

/* Never returns: an allocator said no, and the figures would be wrong. */
__attribute__((noreturn, cold)) void bench_oom(const char *who);

/* The first byte of every allocation is written through this, so no
 * allocation can be dropped; one store, the same in every loop. */
#define BENCH_TOUCH(p, i) (*(volatile unsigned char *)(p) = (unsigned char)(i))

#if HAVE_GLIBC
extern const struct competitor comp_malloc;
extern const struct competitor comp_obstack;
#endif
#if HAVE_MIMALLOC
extern const struct competitor comp_mimalloc;
#endif
#if HAVE_APR
extern const struct competitor comp_apr;
#endif
#if HAVE_TALLOC
extern const struct competitor comp_talloc;
#endif

#endif
