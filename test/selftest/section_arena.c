/* The arena on this architecture: alignment, growth across blocks,
 * contents kept, zeroed memory, resize, marks, the limit, a fixed arena in
 * caller memory, and every byte back to the OS at the end. Block sizes are
 * in pages, so 64 KiB-page kernels chain blocks too. */
#include <rtmem/arena.h>
#include <rtmem/vm.h>

#include "selftest.h"

/* Fills and checks allocations with a byte derived from their index.
 * (No division anywhere: 32-bit arm has no divide instruction and nothing
 * here links libgcc.) */
static unsigned char pattern(unsigned i)
{
	return (unsigned char)(i * 37 + 11);
}

static int holds(const unsigned char *p, size_t n, unsigned char v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static void growth(size_t ps)
{
	struct rtm_arena_config cfg = { .reserve = 16 * ps, .commit_step = ps };
	rtm_arena *a = rtm_arena_create(&cfg);
	unsigned char *ptrs[64];
	int aligned = 1, kept = 1;
	struct rtm_arena_mark m;
	struct rtm_arena_stats s;

	if (!tap_ok(a != 0, "arena: create with small blocks"))
		return;
	m = rtm_arena_save(a);
	for (unsigned i = 0; i < 64; i++) {
		size_t align = (size_t)1 << (i & 7), size = 1 + ((i * 97) & (2 * ps - 1));
		ptrs[i] = rtm_arena_alloc(a, size, align);
		if (!ptrs[i])
			break;
		aligned &= ((uintptr_t)ptrs[i] & (align - 1)) == 0;
		ptrs[i][0] = pattern(i);
		ptrs[i][size - 1] = pattern(i);
	}
	tap_ok(ptrs[63] != 0, "arena: 64 allocations across blocks");
	tap_ok(aligned, "arena: every allocation aligned as asked");
	for (unsigned i = 0; i < 64 && ptrs[63]; i++) {
		size_t size = 1 + ((i * 97) & (2 * ps - 1));
		kept &= ptrs[i][0] == pattern(i) && ptrs[i][size - 1] == pattern(i);
	}
	tap_ok(kept, "arena: contents kept across later allocations and blocks");
	s = rtm_arena_stats(a);
	tap_ok(s.blocks > 1 && s.committed <= s.reserved && s.peak >= s.used,
	       "arena: stats show chained blocks");
	tap_ok(rtm_arena_alloc(a, 8, 3) == 0, "arena: alignment 3 is refused");
	tap_ok(rtm_arena_alloc(a, (size_t)-1, 8) == 0, "arena: SIZE_MAX is refused");
	rtm_arena_rewind(a, m);
	s = rtm_arena_stats(a);
	tap_ok(s.used == 0 && s.blocks == 1, "arena: rewind releases the later blocks");
	rtm_arena_destroy(a);
}

static void features(size_t ps)
{
	struct rtm_arena_config cfg = { .limit = 8 * ps };
	rtm_arena *a = rtm_arena_create(&cfg);
	unsigned char *p, *q, *z;

	if (!tap_ok(a != 0, "arena: create with a limit"))
		return;
	p = rtm_arena_alloc(a, ps, 16);
	tap_ok(p && rtm_arena_alloc(a, 8 * ps, 1) == 0, "arena: the limit refuses");
	for (size_t i = 0; p && i < ps; i++)
		p[i] = 0xee;
	q = rtm_arena_resize(a, p, ps, 2 * ps, 16);
	tap_ok(q == p, "arena: the newest allocation grows in place");
	rtm_arena_reset(a);
	z = rtm_arena_alloc_zeroed(a, 2 * ps, 16);
	tap_ok(z && holds(z, 2 * ps, 0), "arena: zeroed memory after reset over dirty bytes");
	tap_eq((long)rtm_arena_stats(a).used, (long)(2 * ps), "arena: used after reset");
	rtm_arena_destroy(a);
}

static void in_place(void)
{
	static unsigned char buf[4096];
	rtm_arena *a = rtm_arena_create_in(buf, sizeof buf);
	unsigned char *p;

	tap_ok(rtm_arena_create_in(buf, rtm_arena_create_in_min() - 1) == 0,
	       "arena: a buffer too small for the header is refused");
	if (!tap_ok(a != 0, "arena: a fixed arena in caller memory"))
		return;
	p = rtm_arena_alloc(a, 1000, 8);
	tap_ok(p >= buf && p + 1000 <= buf + sizeof buf, "arena: it allocates from the buffer");
	tap_ok(rtm_arena_alloc(a, sizeof buf, 8) == 0, "arena: and refuses past its end");
	rtm_arena_destroy(a);
}

void section_arena(const struct selftest *t)
{
	struct rtm_vm_stats s0 = rtm_vm_stats(), s;

	(void)t;
	growth(rtm_page_size());
	features(rtm_page_size());
	in_place();
	s = rtm_vm_stats();
	tap_ok(s.reserved == s0.reserved && s.committed == s0.committed,
	       "arena: every byte back to the OS after destroy");
}
