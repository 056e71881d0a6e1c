/* Reading the fuzzer's bytes: past the end every read gives zeros, so any
 * input is a complete program and truncating one never breaks parsing.
 *
 * Sizes and alignments come in classes. Everything that may succeed is
 * bounded (sizes up to 4 MiB, alignments up to 4 MiB) so the fuzzer never
 * pages in more than the driver's budget; everything past that is far
 * enough out that no kernel could satisfy it (>= 2^57 on 64-bit, past
 * PTRDIFF_MAX on 32-bit), so a success there is a finding, not luck. */
#ifndef RTM_FUZZ_INPUT_H
#define RTM_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct fz_in {
	const uint8_t *p;
	size_t n;
};

static inline unsigned fz_u8(struct fz_in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static inline unsigned fz_u16(struct fz_in *in)
{
	unsigned lo = fz_u8(in);
	return lo | fz_u8(in) << 8;
}

static inline unsigned long fz_u24(struct fz_in *in)
{
	unsigned long lo = fz_u16(in);
	return lo | (unsigned long)fz_u8(in) << 16;
}

#define FZ_MiB ((size_t)1 << 20)
#define FZ_SANE_MAX (4 * FZ_MiB) /* the largest size or alignment that may succeed */

#if SIZE_MAX > 0xffffffffu
#define FZ_HUGE_FLOOR ((size_t)1 << 57)
#else
#define FZ_HUGE_FLOOR ((size_t)PTRDIFF_MAX + 1)
#endif

/* A size. room is what the limit still allows (SIZE_MAX: no limit), so
 * one class can aim at the limit's edge. */
static inline size_t fz_size(struct fz_in *in, size_t room)
{
	unsigned c = fz_u8(in);
	size_t v;

	switch (c & 7) {
	case 0:
		return c >> 3;
	case 1:
		return fz_u8(in);
	case 2:
		return fz_u16(in);
	case 3:
		return fz_u24(in) % (FZ_SANE_MAX + 1);
	case 4: /* page multiples, a few bytes either side */
		v = (size_t)(c >> 3) << 12;
		c = fz_u8(in);
		return (int8_t)c < 0 && (size_t)-(int8_t)c > v ? 0 : v + (size_t)(int8_t)c;
	case 5:
		return SIZE_MAX - fz_u8(in);
	case 6: {
		static const size_t far[] = { FZ_HUGE_FLOOR, SIZE_MAX / 2 + 1, (size_t)PTRDIFF_MAX + 1,
			                      SIZE_MAX - 4096 };
		return far[(c >> 3) & 3] + fz_u8(in);
	}
	default: /* the limit's edge, a few bytes either side */
		v = room == SIZE_MAX || room > FZ_SANE_MAX ? FZ_SANE_MAX : room;
		c = fz_u8(in);
		return (int8_t)c < 0 && (size_t)-(int8_t)c > v ? 0 : v + (size_t)(int8_t)c;
	}
}

/* An alignment: mostly powers of two, sometimes 0, not a power of two, or
 * one no address space has. */
static inline size_t fz_align(struct fz_in *in)
{
	static const size_t odd[] = { 3, 5, 6, 7, 12, 24, 48, 96, 100, 4095, 4097, 6144,
		                      (size_t)3 << 20, SIZE_MAX, SIZE_MAX - 1, 0 };
	unsigned c = fz_u8(in);

	switch (c >> 5) {
	case 0:
	case 1:
	case 2:
	case 3:
		return (size_t)1 << (c & 15);
	case 4:
		return (size_t)1 << (12 + (c & 15) % 11); /* 4 KiB .. 4 MiB */
	case 5:
		return 0;
	case 6:
		return odd[c & 15];
	default:
		return FZ_HUGE_FLOOR << ((c & 31) % 6);
	}
}

static inline int fz_pow2(size_t v)
{
	return v && !(v & (v - 1));
}

#endif
