/* Interleaved rounds: every variant runs once per round, in an order that
 * rotates from round to round, so the shared machine's drift and noise
 * fall on all alike; a round's figure is the mean of its batch of
 * cycles per stack, and the table gives the median, minimum and maximum
 * over rounds and the median over rounds of each variant's ratio to a
 * reference timed in the same rounds. */
#ifndef BENCH_STACK_ROUNDS_H
#define BENCH_STACK_ROUNDS_H

#include "stack_bench.h"

struct variant {
	const char *name;
	const char *what; /* one line for the table's legend */
	void (*run)(long cycles);
	long scale; /* cycles per round: the caller's count / scale */
	long per;   /* stacks one cycle handles (a burst, a batched call);
	               0 means 1: the table is per stack */
};

struct rounds {
	size_t nv;
	long rounds;
	double *ns; /* [v * rounds + r]: ns per cycle of variant v in round r */
};

static inline struct rounds rounds_run(const char *who, const struct variant *v, size_t nv,
                                       long rounds, long cycles)
{
	struct rounds t = { nv, rounds, malloc(sizeof(double) * nv * (size_t)rounds) };

	if (!t.ns)
		die(who, "malloc", ENOMEM);
	/* One untimed round: page tables, lazy binding, glibc's stack
	 * cache, the pool's first chunk. */
	for (size_t i = 0; i < nv; i++)
		v[i].run(cycles / v[i].scale > 0 ? cycles / v[i].scale : 1);
	for (long r = 0; r < rounds; r++) {
		for (size_t k = 0; k < nv; k++) {
			size_t i = ((size_t)r + k) % nv;
			long n = cycles / v[i].scale > 0 ? cycles / v[i].scale : 1;
			double t0 = now_ns();

			v[i].run(n);
			t.ns[i * (size_t)rounds + (size_t)r] =
				(now_ns() - t0) / (double)n / (double)(v[i].per ? v[i].per : 1);
		}
	}
	return t;
}

/* The median over rounds of ns[a] / ns[b] in the same round. */
static inline double rounds_ratio(const struct rounds *t, size_t a, size_t b)
{
	double *q = malloc(sizeof(double) * (size_t)t->rounds), m;

	if (!q)
		die("rounds", "malloc", ENOMEM);
	for (long r = 0; r < t->rounds; r++)
		q[r] = t->ns[a * (size_t)t->rounds + (size_t)r] / t->ns[b * (size_t)t->rounds + (size_t)r];
	m = median(q, (size_t)t->rounds);
	free(q);
	return m;
}

/* The table: one row per variant, its ratio to ref. Ratios first: the
 * medians sort each variant's row. */
static inline void rounds_print(const struct rounds *t, const struct variant *v, size_t ref)
{
	double *ratio = malloc(sizeof(double) * t->nv);

	if (!ratio)
		die("rounds", "malloc", ENOMEM);
	for (size_t i = 0; i < t->nv; i++)
		ratio[i] = rounds_ratio(t, i, ref);
	printf("%-14s %12s %10s %10s %10s\n", "", "median ns", "min ns", "max ns",
	       "/ ref");
	for (size_t i = 0; i < t->nv; i++) {
		double *row = t->ns + i * (size_t)t->rounds;
		double med = median(row, (size_t)t->rounds);

		printf("%-14s %12.1f %10.1f %10.1f %10.2f%s\n", v[i].name, med, row[0],
		       row[t->rounds - 1], ratio[i], i == ref ? "  (ref)" : "");
	}
	for (size_t i = 0; i < t->nv; i++)
		printf("  %-12s %s\n", v[i].name, v[i].what);
	free(ratio);
}

#endif
