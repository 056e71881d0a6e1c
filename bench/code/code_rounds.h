/* Interleaved rounds (as bench/stack/rounds.h, plus an untimed step):
 * every variant runs once per round, in an order that rotates from round
 * to round, so the shared machine's drift and noise fall on all alike.
 * Before each timed batch a variant may prepare outside the clock (a
 * code region that would fill up mid-batch is reset there, and its
 * resets are timed and reported on their own). A round's figure is the
 * batch's mean ns per function; the table gives the median, minimum and
 * maximum over rounds, and the median over rounds of the ratio of the
 * variant's reference, timed in the same round, to it: how many times
 * faster than the reference it is. */
#ifndef BENCH_CODE_ROUNDS_H
#define BENCH_CODE_ROUNDS_H

#include "code_bench.h"

#define NO_REF ((size_t)-1)

struct variant {
	const char *name;
	const char *what; /* one line for the table's legend */
	void (*run)(long cycles);
	void (*prepare)(long cycles); /* untimed, before run; may be NULL */
	long scale; /* cycles per round: the caller's count / scale */
	long per;   /* functions one cycle handles (0 means 1) */
	size_t ref; /* the variant this one is compared with, or NO_REF */
};

struct rounds {
	size_t nv;
	long rounds;
	double *ns; /* [v * rounds + r]: ns per function of variant v in round r */
};

static inline long rounds_cycles(const struct variant *v, long cycles)
{
	return cycles / v->scale > 0 ? cycles / v->scale : 1;
}

static inline void rounds_one(const struct variant *v, long n, double *out)
{
	double t0;

	if (v->prepare)
		v->prepare(n);
	t0 = now_ns();
	v->run(n);
	if (out)
		*out = (now_ns() - t0) / (double)n / (double)(v->per ? v->per : 1);
}

static inline struct rounds rounds_run(const char *who, const struct variant *v, size_t nv,
                                       long rounds, long cycles)
{
	struct rounds t = { nv, rounds, malloc(sizeof(double) * nv * (size_t)rounds) };

	if (!t.ns)
		die(who, "malloc", ENOMEM);
	/* One untimed round: page tables, lazy binding, the regions' first
	 * pages. */
	for (size_t i = 0; i < nv; i++)
		rounds_one(&v[i], rounds_cycles(&v[i], cycles), NULL);
	for (long r = 0; r < rounds; r++) {
		for (size_t k = 0; k < nv; k++) {
			size_t i = ((size_t)r + k) % nv;

			rounds_one(&v[i], rounds_cycles(&v[i], cycles),
			           &t.ns[i * (size_t)rounds + (size_t)r]);
		}
	}
	return t;
}

/* The median over rounds of ns[b] / ns[a] in the same round: how many
 * times faster a is than b. */
static inline double rounds_speedup(const struct rounds *t, size_t a, size_t b)
{
	double *q = malloc(sizeof(double) * (size_t)t->rounds), m;

	if (!q)
		die("rounds", "malloc", ENOMEM);
	for (long r = 0; r < t->rounds; r++)
		q[r] = t->ns[b * (size_t)t->rounds + (size_t)r] / t->ns[a * (size_t)t->rounds + (size_t)r];
	m = median(q, (size_t)t->rounds);
	free(q);
	return m;
}

/* The median over rounds of ns[a] - ns[b] in the same round. */
static inline double rounds_diff(const struct rounds *t, size_t a, size_t b)
{
	double *q = malloc(sizeof(double) * (size_t)t->rounds), m;

	if (!q)
		die("rounds", "malloc", ENOMEM);
	for (long r = 0; r < t->rounds; r++)
		q[r] = t->ns[a * (size_t)t->rounds + (size_t)r] - t->ns[b * (size_t)t->rounds + (size_t)r];
	m = median(q, (size_t)t->rounds);
	free(q);
	return m;
}

/* The median of variant a's rounds, leaving them in their order. */
static inline double rounds_median(const struct rounds *t, size_t a)
{
	double *q = malloc(sizeof(double) * (size_t)t->rounds), m;

	if (!q)
		die("rounds", "malloc", ENOMEM);
	memcpy(q, t->ns + a * (size_t)t->rounds, sizeof(double) * (size_t)t->rounds);
	m = median(q, (size_t)t->rounds);
	free(q);
	return m;
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
