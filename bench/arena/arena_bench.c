/* arena_bench: what a small allocation costs in rtm_arena next to a hand
 * written pointer bump and other region/pool allocators.
 *
 * A round is ALLOCS allocations of 8..128 bytes (a fixed pseudo-random
 * sequence, precomputed into an array), alignment 8, the first byte of
 * each written; then everything is given back (reset, clear, destroy, or
 * free one by one). The competitors (those built in and loadable):
 *
 *   bump      the baseline: an inline bump over a pre-committed buffer,
 *             state in a struct in memory, like an arena header:
 *             p = (cur + 7) & ~7; cur = p + size; if (cur > end) abort
 *   rtm       rtm_arena_alloc(a, size, 8), rtm_arena_reset; the arena's
 *             block reserved for a whole round and warmed by one round, so
 *             every round runs in committed memory, as the bump does
 *   bump-plain, rtm-plain  the same two with the write a program makes,
 *             *(char *)p = i: a plain store that may alias the state
 *   malloc, obstack (glibc only), mimalloc, apr, talloc: see comp_*.c
 *
 * Default mode: two tables, 1,000,000 allocations a round (about 68 MiB:
 * beyond every cache, so memory traffic dominates) and 10,000 (0.7 MiB:
 * cache-resident, so the instructions show), or one table of --allocs N.
 * One warm-up round each, then ROUNDS samples (default 21); a sample is
 * one round, or as many back-to-back rounds as make a million allocations
 * when a round is smaller. In each sample every competitor runs once, in
 * an order that rotates from sample to sample so drift in the machine's
 * speed falls on all alike. Prints each
 * one's median ns per allocation for the allocation loop alone and with
 * the release, the median over samples of its ratio to the bump in the
 * same sample, and the median minor page faults per round. The bump's
 * own figure moves by about 10% with where its buffer lands in physical
 * memory at the large size; the cache-resident table does not have that.
 *
 * Count mode (--count N --variant V): one warm-up round of ALLOCS
 * (default 10000 here) and then N / ALLOCS rounds of one competitor,
 * nothing else, for valgrind --tool=callgrind (see callgrind_arena.py).
 *
 * Usage: arena_bench [--rounds R] [--allocs N]
 *        arena_bench --count N --variant V [--allocs N]
 *        arena_bench --list      the variants built in
 */
#define _GNU_SOURCE 1 /* clock_gettime, MAP_ANONYMOUS under -std=c11 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#include <rtmem/arena.h>

#include "competitors.h"

void bench_oom(const char *who)
{
	fprintf(stderr, "arena_bench: %s: allocation failed\n", who);
	exit(1);
}

/* ---- the baseline: a hand-written bump ---- */

struct bump {
	uintptr_t cur, end, start;
};

static inline void *bump_alloc(struct bump *b, size_t size)
{
	uintptr_t p = (b->cur + 7) & ~(uintptr_t)7;
	uintptr_t next = p + size;

	if (__builtin_expect(next > b->end, 0))
		bench_oom("hand bump");
	b->cur = next;
	return (void *)p;
}

static void *bump_init(size_t n, size_t bytes)
{
	struct bump *b = malloc(sizeof *b);
	size_t len = bytes + 4096;
	char *buf;

	(void)n;
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!b || buf == MAP_FAILED)
		bench_oom("hand bump init");
	memset(buf, 1, len); /* pre-committed: every page faulted in now */
	b->start = b->cur = (uintptr_t)buf;
	b->end = (uintptr_t)buf + len;
	return b;
}

__attribute__((noinline)) static void bump_alloc_all(void *ctx, const uint32_t *sizes, size_t n)
{
	struct bump *b = ctx;

	for (size_t i = 0; i < n; i++) {
		void *p = bump_alloc(b, sizes[i]);
		BENCH_TOUCH(p, i);
	}
}

__attribute__((noinline)) static void bump_release_all(void *ctx, size_t n)
{
	struct bump *b = ctx;

	(void)n;
	b->cur = b->start;
}

static void bump_fini(void *ctx)
{
	struct bump *b = ctx;

	munmap((void *)b->start, b->end - b->start);
	free(b);
}

static const struct competitor comp_bump = {
	"hand bump", bump_init, bump_alloc_all, bump_release_all, bump_fini, NULL,
};

/* The same loop as a program writes it: a plain char store, which may
 * alias the bump's state, so each allocation reloads it (as it does
 * behind the volatile store above). */
__attribute__((noinline)) static void bump_alloc_all_plain(void *ctx, const uint32_t *sizes,
                                                           size_t n)
{
	struct bump *b = ctx;

	for (size_t i = 0; i < n; i++) {
		char *p = bump_alloc(b, sizes[i]);
		*p = (char)i;
	}
}

static const struct competitor comp_bump_plain = {
	"bump, plain", bump_init, bump_alloc_all_plain, bump_release_all, bump_fini, NULL,
};

/* ---- rtm_arena ---- */

static void *rtm_init(size_t n, size_t bytes)
{
	struct rtm_arena_config cfg = { 0 };
	rtm_arena *a;

	(void)n;
	/* One block holds a whole round: later blocks go back to the OS on
	 * reset, and the point here is the allocation path, not mmap. */
	cfg.reserve = bytes + ((size_t)1 << 20);
	a = rtm_arena_create(&cfg);
	if (!a)
		bench_oom("rtm_arena_create");
	return a;
}

__attribute__((noinline)) static void rtm_alloc_all(void *ctx, const uint32_t *sizes, size_t n)
{
	rtm_arena *a = ctx;

	for (size_t i = 0; i < n; i++) {
		void *p = rtm_arena_alloc(a, sizes[i], 8);
		if (__builtin_expect(!p, 0))
			bench_oom("rtm_arena_alloc");
		BENCH_TOUCH(p, i);
	}
}

__attribute__((noinline)) static void rtm_release_all(void *ctx, size_t n)
{
	(void)n;
	rtm_arena_reset(ctx);
}

static void rtm_fini(void *ctx)
{
	rtm_arena_destroy(ctx);
}

static const struct competitor comp_rtm = {
	"rtm_arena", rtm_init, rtm_alloc_all, rtm_release_all, rtm_fini, NULL,
};

/* char *p = rtm_arena_alloc(a, n, 8); *p = x; with no NULL check (the
 * inline path tells the compiler its result is never NULL) and a store
 * that may alias the arena header. */
__attribute__((noinline)) static void rtm_alloc_all_plain(void *ctx, const uint32_t *sizes,
                                                          size_t n)
{
	rtm_arena *a = ctx;

	for (size_t i = 0; i < n; i++) {
		char *p = rtm_arena_alloc(a, sizes[i], 8);
		*p = (char)i;
	}
}

static const struct competitor comp_rtm_plain = {
	"rtm, plain", rtm_init, rtm_alloc_all_plain, rtm_release_all, rtm_fini, NULL,
};

/* ---- the harness ---- */

static const struct {
	const char *key;
	const struct competitor *c;
} variants[] = {
	{ "bump", &comp_bump },
	{ "rtm", &comp_rtm },
	{ "bump-plain", &comp_bump_plain },
	{ "rtm-plain", &comp_rtm_plain },
#if HAVE_GLIBC
	{ "malloc", &comp_malloc },
	{ "obstack", &comp_obstack },
#endif
#if HAVE_MIMALLOC
	{ "mimalloc", &comp_mimalloc },
#endif
#if HAVE_APR
	{ "apr", &comp_apr },
#endif
#if HAVE_TALLOC
	{ "talloc", &comp_talloc },
#endif
};
#define NVARIANTS (sizeof variants / sizeof variants[0])

/* The fixed size sequence: xorshift64* from a constant seed, 8..128.
 * *bytes gets their sum with each rounded up to the alignment, *mean (if
 * not NULL) the mean size. */
static uint32_t *make_sizes(size_t n, size_t *bytes, double *mean)
{
	uint32_t *s = malloc(n * sizeof *s);
	uint64_t x = 0x9e3779b97f4a7c15u;
	size_t sum = 0, raw = 0;

	if (!s)
		bench_oom("sizes");
	for (size_t i = 0; i < n; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		s[i] = 8 + (uint32_t)((x * 0x2545f4914f6cdd1du) >> 32) % 121;
		sum += (s[i] + 7) & ~(size_t)7;
		raw += s[i];
	}
	*bytes = sum;
	if (mean)
		*mean = (double)raw / (double)n;
	return s;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v, size_t n)
{
	double *t = malloc(n * sizeof *t);
	double m;

	if (!t)
		bench_oom("median");
	memcpy(t, v, n * sizeof *t);
	qsort(t, n, sizeof *t, cmp_double);
	m = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
	free(t);
	return m;
}

static void usage(void)
{
	fprintf(stderr, "usage: arena_bench [--rounds R] [--allocs N]\n"
	                "       arena_bench --count N --variant V [--allocs N]\n"
	                "       arena_bench --list\n");
	exit(2);
}

static size_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (!*s || *end || v == 0)
		usage();
	return (size_t)v;
}

static int count_mode(const char *variant, size_t count, size_t allocs)
{
	const struct competitor *c = NULL;
	size_t bytes;
	uint32_t *sizes;
	void *ctx;

	for (size_t i = 0; i < NVARIANTS; i++)
		if (strcmp(variants[i].key, variant) == 0)
			c = variants[i].c;
	if (!c || count % allocs) {
		fprintf(stderr, "arena_bench: unknown variant, or --count not a multiple of --allocs\n");
		return 2;
	}
	sizes = make_sizes(allocs, &bytes, NULL);
	ctx = c->init(allocs, bytes);
	if (!ctx)
		return 1;
	for (size_t r = 0; r <= count / allocs; r++) { /* round 0: the warm-up */
		c->alloc_all(ctx, sizes, allocs);
		c->release_all(ctx, allocs);
	}
	c->fini(ctx);
	free(sizes);
	return 0;
}

/* One table: every competitor, `rounds` timed samples after a warm-up;
 * a sample is `reps` rounds of `allocs` back to back (so that a sample of
 * a small, cache-resident round still lasts long enough to time). */
static void run_table(size_t allocs, size_t rounds, size_t reps)
{
	const struct competitor *cs[NVARIANTS];
	void *ctx[NVARIANTS];
	double *t_alloc, *t_total, *flt, *ra, *rt;
	size_t bytes, k = 0, n = allocs * reps;
	uint32_t *sizes = make_sizes(allocs, &bytes, NULL);

	for (size_t v = 0; v < NVARIANTS; v++) {
		void *x = variants[v].c->init(allocs, bytes);
		if (!x)
			continue; /* init said why */
		cs[k] = variants[v].c;
		ctx[k++] = x;
	}
	t_alloc = malloc(k * rounds * sizeof *t_alloc);
	t_total = malloc(k * rounds * sizeof *t_total);
	flt = malloc(k * rounds * sizeof *flt);
	ra = malloc(rounds * sizeof *ra);
	rt = malloc(rounds * sizeof *rt);
	if (!t_alloc || !t_total || !flt || !ra || !rt)
		bench_oom("results");

	for (size_t j = 0; j < k; j++) { /* warm-up: faults, lazy binding, caches */
		cs[j]->alloc_all(ctx[j], sizes, allocs);
		cs[j]->release_all(ctx[j], allocs);
	}
	for (size_t r = 0; r < rounds; r++) {
		for (size_t o = 0; o < k; o++) {
			size_t j = (r + o) % k;
			long f0 = minflt();
			double ta = 0, tt = 0;

			for (size_t i = 0; i < reps; i++) {
				double t0 = now_ns(), t1, t2;

				cs[j]->alloc_all(ctx[j], sizes, allocs);
				t1 = now_ns();
				cs[j]->release_all(ctx[j], allocs);
				t2 = now_ns();
				ta += t1 - t0;
				tt += t2 - t0;
			}
			t_alloc[j * rounds + r] = ta / (double)n;
			t_total[j * rounds + r] = tt / (double)n;
			flt[j * rounds + r] = (double)(minflt() - f0) / (double)reps;
		}
	}

	printf("\n%zu allocations per round (%.1f MiB with alignment), %zu samples of %zu round%s "
	       "after one warm-up round\n",
	       allocs, (double)bytes / 1048576.0, rounds, reps, reps == 1 ? "" : "s");
	printf("%-14s %-8s  %21s  %21s  %12s\n", "", "", "---- alloc only ----",
	       "-- alloc + release --", "minor faults");
	printf("%-14s %-8s  %11s %9s  %11s %9s  %12s\n", "competitor", "version", "ns/alloc", "x bump",
	       "ns/alloc", "x bump", "per round");
	for (size_t j = 0; j < k; j++) {
		const char *v = cs[j]->version ? cs[j]->version(ctx[j]) : "-";

		for (size_t r = 0; r < rounds; r++) { /* cs[0] is the bump */
			ra[r] = t_alloc[j * rounds + r] / t_alloc[r];
			rt[r] = t_total[j * rounds + r] / t_total[r];
		}
		printf("%-14s %-8s  %11.2f %9.2f  %11.2f %9.2f  %12.0f\n", cs[j]->name, v,
		       median(t_alloc + j * rounds, rounds), median(ra, rounds),
		       median(t_total + j * rounds, rounds), median(rt, rounds),
		       median(flt + j * rounds, rounds));
	}
	for (size_t j = 0; j < k; j++)
		cs[j]->fini(ctx[j]);
	free(t_alloc);
	free(t_total);
	free(flt);
	free(ra);
	free(rt);
	free(sizes);
}

int main(int argc, char **argv)
{
	size_t rounds = 21, allocs = 0, count = 0, bytes;
	const char *variant = NULL;
	double mean;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--list") == 0) {
			for (size_t v = 0; v < NVARIANTS; v++)
				printf("%s\n", variants[v].key);
			return 0;
		} else if (i + 1 < argc && strcmp(argv[i], "--rounds") == 0) {
			rounds = parse_size(argv[++i]);
		} else if (i + 1 < argc && strcmp(argv[i], "--allocs") == 0) {
			allocs = parse_size(argv[++i]);
		} else if (i + 1 < argc && strcmp(argv[i], "--count") == 0) {
			count = parse_size(argv[++i]);
		} else if (i + 1 < argc && strcmp(argv[i], "--variant") == 0) {
			variant = argv[++i];
		} else {
			usage();
		}
	}
	if (count || variant) {
		if (!count || !variant)
			usage();
		return count_mode(variant, count, allocs ? allocs : 10000);
	}

	free(make_sizes(1000000, &bytes, &mean));
	printf("arena_bench: sizes 8..128 bytes (mean %.1f, a fixed sequence), alignment 8, first "
	       "byte of each written; competitors in rotating order; medians over samples; \"x bump\" "
	       "is the median of the per-sample ratio to the hand bump\n",
	       mean);
	if (allocs) {
		run_table(allocs, rounds, allocs < 1000000 ? 1000000 / allocs : 1);
	} else {
		run_table(1000000, rounds, 1); /* ~68 MiB a round: beyond every cache */
		run_table(10000, rounds, 100); /* ~0.7 MiB a round: cache-resident */
	}
	return 0;
}
