/* Interleaved rounds: every variant runs once per round, in an order that
 * rotates from round to round, so the shared machine's drift and noise
 * fall on all alike. Before each timed batch a variant may prepare
 * outside the clock (a code region that would fill up mid-batch is reset
 * there). A round's figure is the batch's mean ns per unit (a stack, a
 * function); comparisons are medians over rounds of figures taken in the
 * same round, never ratios of medians, so a slow stretch of the machine
 * cancels out. Each benchmark prints its own table from struct rounds. */
#ifndef BENCH_ROUNDS_H
#define BENCH_ROUNDS_H

#include <string.h>

#include "bench_fail.h"
#include "bench_time.h"

#define NO_REF ((size_t)-1)

struct variant {
	const char *name;
	const char *what; /* one line for the table's legend */
	void (*run)(long cycles);
	void (*prepare)(long cycles); /* untimed, before run; may be NULL */
	long scale; /* cycles per round: the caller's count / scale */
	long per;   /* units one cycle handles (a burst's stacks, a batch's
	               functions); 0 means 1 */
	size_t ref; /* the variant its table row compares it with, or NO_REF */
};

struct rounds {
	size_t nv;
	long rounds;
	double *ns; /* [v * rounds + r]: ns per unit of variant v in round r */
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
	/* One untimed round: page tables, lazy binding, and what each
	 * variant takes on first use (glibc's stack cache, a pool's first
	 * chunk, a region's first pages). */
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

/* The median over rounds of ns[a] / ns[b] (diff: ns[a] - ns[b]) in the
 * same round. */
static inline double rounds_pair(const struct rounds *t, size_t a, size_t b, int diff)
{
	double *q = malloc(sizeof(double) * (size_t)t->rounds), m;

	if (!q)
		die("rounds", "malloc", ENOMEM);
	for (long r = 0; r < t->rounds; r++) {
		double x = t->ns[a * (size_t)t->rounds + (size_t)r];
		double y = t->ns[b * (size_t)t->rounds + (size_t)r];

		q[r] = diff ? x - y : x / y;
	}
	m = median(q, (size_t)t->rounds);
	free(q);
	return m;
}

/* The median over rounds of ns[a] / ns[b] in the same round. */
static inline double rounds_ratio(const struct rounds *t, size_t a, size_t b)
{
	return rounds_pair(t, a, b, 0);
}

/* The median over rounds of ns[a] - ns[b] in the same round. */
static inline double rounds_diff(const struct rounds *t, size_t a, size_t b)
{
	return rounds_pair(t, a, b, 1);
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

#endif
