/* The stack benchmarks' table of bench/common's interleaved rounds: the
 * median, minimum and maximum ns per stack over rounds, and the median
 * over rounds of each variant's ratio to its reference (one variant for
 * the whole table) timed in the same rounds. */
#ifndef BENCH_STACK_ROUNDS_H
#define BENCH_STACK_ROUNDS_H

#include "bench_rounds.h"
#include "stack_bench.h"

/* The table: one row per variant, its ratio to its ref. Ratios first:
 * the medians sort each variant's row. */
static inline void rounds_print(const struct rounds *t, const struct variant *v)
{
	double *ratio = malloc(sizeof(double) * t->nv);

	if (!ratio)
		die("rounds", "malloc", ENOMEM);
	for (size_t i = 0; i < t->nv; i++)
		ratio[i] = rounds_ratio(t, i, v[i].ref);
	printf("%-14s %12s %10s %10s %10s\n", "", "median ns", "min ns", "max ns",
	       "/ ref");
	for (size_t i = 0; i < t->nv; i++) {
		double *row = t->ns + i * (size_t)t->rounds;
		double med = median(row, (size_t)t->rounds);

		printf("%-14s %12.1f %10.1f %10.1f %10.2f%s\n", v[i].name, med, row[0],
		       row[t->rounds - 1], ratio[i], i == v[i].ref ? "  (ref)" : "");
	}
	for (size_t i = 0; i < t->nv; i++)
		printf("  %-12s %s\n", v[i].name, v[i].what);
	free(ratio);
}

#endif
