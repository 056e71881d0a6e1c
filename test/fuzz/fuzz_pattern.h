/* The bytes each live allocation holds: a sequence with period 251 (a
 * prime, so no power-of-two shift or stride lines up with it) from a
 * per-allocation phase, xored with a per-allocation byte. Two allocations
 * share a pattern only when both match; a copy from the wrong place or at
 * the wrong offset shows. The period also makes checking cheap: after the
 * first 251 bytes, the rest must equal the bytes 251 before them. */
#ifndef RTM_FUZZ_PATTERN_H
#define RTM_FUZZ_PATTERN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define FZ_PERIOD 251

static inline unsigned char fz_pat(unsigned phase, unsigned x, size_t i)
{
	/* 97 is odd, so k -> 97k + 31 is one-to-one on 0..250 (mod 256). */
	return (unsigned char)(((phase + i) % FZ_PERIOD * 97 + 31) ^ x);
}

/* Writes the pattern over [from, n); [0, from) already holds it. */
static inline void fz_fill(unsigned char *p, size_t from, size_t n, unsigned phase, unsigned x)
{
	size_t k;

	for (k = from; k < n && k < FZ_PERIOD; k++)
		p[k] = fz_pat(phase, x, k);
	if (k >= n)
		return;
	/* Doubling copies from the start: k stays a multiple of the period,
	 * except on the last copy, which ends at n. Resumed growth (from past
	 * the first period) copies the bytes one period back instead. */
	if (k % FZ_PERIOD) {
		for (; k < n && k % FZ_PERIOD; k++)
			p[k] = p[k - FZ_PERIOD];
	}
	while (k < n) {
		size_t c = k < n - k ? k : n - k;
		memcpy(p + k, p, c);
		k += c;
	}
}

/* 1 when [0, n) holds the pattern. */
static inline int fz_intact(const unsigned char *p, size_t n, unsigned phase, unsigned x)
{
	size_t head = n < FZ_PERIOD ? n : FZ_PERIOD;

	for (size_t i = 0; i < head; i++)
		if (p[i] != fz_pat(phase, x, i))
			return 0;
	return n <= FZ_PERIOD || memcmp(p + FZ_PERIOD, p, n - FZ_PERIOD) == 0;
}

/* A cheaper look for every step: both ends and one byte a page. */
static inline int fz_intact_sampled(const unsigned char *p, size_t n, unsigned phase, unsigned x)
{
	if (n <= 4 * FZ_PERIOD)
		return fz_intact(p, n, phase, x);
	for (size_t i = 0; i < 64; i++)
		if (p[i] != fz_pat(phase, x, i) || p[n - 1 - i] != fz_pat(phase, x, n - 1 - i))
			return 0;
	for (size_t i = 4093; i < n; i += 4096)
		if (p[i] != fz_pat(phase, x, i))
			return 0;
	return 1;
}

static inline int fz_all_zero(const unsigned char *p, size_t n)
{
	return p[0] == 0 && (n == 1 || memcmp(p, p + 1, n - 1) == 0);
}

#endif
