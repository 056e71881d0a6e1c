/* Counting the lines of /proc/self/maps when a sanitizer owns malloc.
 *
 * ASan's and TSan's malloc reserve one large range at start-up and map
 * pieces of it read-write as their size classes fill, which splits a line
 * of that range without changing the bytes mapped. Check mallocs on every
 * assertion and ASan's quarantine keeps freed chunks out of reuse, so the
 * line count moves between two snapshots of a test that maps nothing.
 * There the tally counts the run of contiguous mappings that holds malloc's
 * memory as one line; every other line counts as itself, and all bytes
 * count. Elsewhere every line counts: glibc's heap grows by brk in place.
 *
 *     struct maps_tally t = maps_tally_begin();
 *     for each line lo-hi: maps_tally_line(&t, lo, hi);
 *     maps_tally_end(&t);     then t.lines, t.bytes
 */
#ifndef RTM_TEST_HEAP_MAPS_H
#define RTM_TEST_HEAP_MAPS_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "sanitizer.h"

#define MAPS_SANITIZER_HEAP (UNDER_ASAN || UNDER_TSAN)

struct maps_tally {
	size_t lines, bytes;
	uintptr_t heap;      /* an address inside malloc's range; 0: no filter */
	uintptr_t run_hi;    /* end of the current run of contiguous lines */
	size_t run_lines;
	int run_has_heap;
};

/* Call before reading the maps: the first call mallocs its probe, and
 * that may map. The probe stays allocated (and referenced) for good. */
static inline struct maps_tally maps_tally_begin(void)
{
	static void *probe;
	struct maps_tally t = { 0, 0, 0, 0, 0, 0 };

	if (MAPS_SANITIZER_HEAP) {
		if (!probe)
			probe = malloc(1);
		if (!probe)
			abort();
		t.heap = (uintptr_t)probe;
	}
	return t;
}

static inline void maps_tally_run_end(struct maps_tally *t)
{
	t->lines += t->run_has_heap ? 1 : t->run_lines;
	t->run_lines = 0;
	t->run_has_heap = 0;
}

static inline void maps_tally_line(struct maps_tally *t, uintptr_t lo, uintptr_t hi)
{
	if (lo != t->run_hi)
		maps_tally_run_end(t);
	t->run_hi = hi;
	t->run_lines++;
	t->bytes += hi - lo;
	if (t->heap && t->heap >= lo && t->heap < hi)
		t->run_has_heap = 1;
}

static inline void maps_tally_end(struct maps_tally *t)
{
	maps_tally_run_end(t);
}

#endif
