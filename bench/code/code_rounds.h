/* The code benchmarks' table of bench/common's interleaved rounds (a
 * code region that would fill up mid-batch is reset in the untimed
 * prepare step, and its resets are timed and reported on their own): the
 * median, minimum and maximum ns per function over rounds, and the
 * median over rounds of the ratio of the variant's reference, timed in
 * the same round, to it: how many times faster than the reference it
 * is. */
#ifndef BENCH_CODE_ROUNDS_H
#define BENCH_CODE_ROUNDS_H

#include "bench_rounds.h"
#include "code_bench.h"

/* How many times faster a is than b: the median over rounds of
 * ns[b] / ns[a] in the same round. */
static inline double rounds_speedup(const struct rounds *t, size_t a, size_t b)
{
	return rounds_ratio(t, b, a);
}

/* The table: one row per variant. Speedups first: the medians sort each
 * variant's row. */
static inline void rounds_print(const struct rounds *t, const struct variant *v)
{
	double *x = malloc(sizeof(double) * t->nv);

	if (!x)
		die("rounds", "malloc", ENOMEM);
	for (size_t i = 0; i < t->nv; i++)
		x[i] = v[i].ref == NO_REF || v[i].ref == i ? 0 : rounds_speedup(t, i, v[i].ref);
	printf("%-13s %10s %9s %9s   %s\n", "", "median ns", "min ns", "max ns",
	       "faster than (median of per-round ratios)");
	for (size_t i = 0; i < t->nv; i++) {
		double *row = t->ns + i * (size_t)t->rounds;
		double med = median(row, (size_t)t->rounds);

		printf("%-13s %10.1f %9.1f %9.1f", v[i].name, med, row[0], row[t->rounds - 1]);
		if (v[i].ref == i)
			printf("   (reference)\n");
		else if (v[i].ref == NO_REF)
			printf("\n");
		else
			printf("   %6.2fx %s\n", x[i], v[v[i].ref].name);
	}
	for (size_t i = 0; i < t->nv; i++)
		printf("  %-12s %s\n", v[i].name, v[i].what);
	free(x);
}

#endif
