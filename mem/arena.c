/* Arena life: create (in OS memory or caller memory), destroy, stats. */
#include <stdatomic.h>

#include "arena_internal.h"


#define RTM_DEFAULT_COMMIT_STEP ((size_t)256 << 10)
#if UINTPTR_MAX > 0xffffffffu
#define RTM_DEFAULT_RESERVE ((size_t)64 << 20)
#else
#define RTM_DEFAULT_RESERVE ((size_t)4 << 20)
#endif

void rtm_arena_window_update(struct rtm_arena *a)
{
	const struct rtm_arena_block *b = a->cur;
	uintptr_t end = b->commit_end, cap;

	/* The limit ends the window where the bytes handed out would reach
	 * it: at data + limit - used_before in the current block, whatever
	 * the bump pointer (used never exceeds the limit). Past the top of
	 * the address space it ends nothing. */
	if (a->limit && !__builtin_add_overflow(b->data, a->limit - b->used_before, &cap) &&
	    cap < end)
		end = cap;
	/* A memory checker must see every allocation: close the window so
	 * the slow path (which unpoisons) serves them all. */
	if (RTM_POISONING)
		end = rtm_arena_ptr(a);
	a->win.end = end;
}

/* Serials count across all arenas: a mark names its block by address and
 * serial, and a destroyed arena's blocks come back at the same addresses
 * in the next arena, so per-arena counting would let a dead arena's mark
 * rewind a live one. Relaxed: only uniqueness matters. */
static _Atomic size_t rtm_arena_serials;

size_t rtm_arena_serial(void)
{
	return atomic_fetch_add_explicit(&rtm_arena_serials, 1, memory_order_relaxed);
}

/* The rest of the header; spare, peak and chained start at 0, which fresh
 * pages read already (create_in stores them). */
static void rtm_arena_init(struct rtm_arena *a, struct rtm_arena_block *first)
{
	a->cur = first;
	first->serial = rtm_arena_serial();
	rtm_arena_set_ptr(a, first->data);
	rtm_arena_window_update(a);
}

rtm_arena *rtm_arena_create(const struct rtm_arena_config *cfg)
{
	/* Never written. Not const: all zero, it then lives in .bss and
	 * takes no room in the file. */
	static struct rtm_arena_config defaults;
	struct rtm_arena proto, *a;
	struct rtm_arena_block *first;
	size_t ps = rtm_page_size();
	size_t step_unit;

	if (!cfg)
		cfg = &defaults;
	if (cfg->flags & ~RTM_ARENA_PUBLIC_FLAGS)
		return 0;
	proto.flags = cfg->flags;
	proto.name = cfg->name;
	step_unit = (cfg->flags & RTM_ARENA_HUGEPAGES) ? RTM_HUGE_PAGE : ps;
	proto.reserve = rtm_arena_round_up(cfg->reserve ? cfg->reserve : RTM_DEFAULT_RESERVE, step_unit);
	proto.commit_step =
	        rtm_arena_round_up(cfg->commit_step ? cfg->commit_step : RTM_DEFAULT_COMMIT_STEP, step_unit);
	proto.retain = rtm_arena_round_up(cfg->retain, ps); /* 0 stays 0 */
	/* No step can be larger than an object may be (and the rounding in
	 * arena_block.c relies on that bound). */
	if (!proto.reserve || !proto.commit_step || proto.commit_step > (size_t)PTRDIFF_MAX ||
	    (cfg->retain && !proto.retain))
		return 0;

	first = rtm_arena_block_map(&proto, RTM_ARENA_HDR, __builtin_offsetof(struct rtm_arena, first),
	                            RTM_ARENA_HDR, 1);
	if (!first)
		return 0;
	a = (struct rtm_arena *)first->base;
	a->flags = proto.flags;
	a->name = proto.name;
	a->limit = cfg->limit;
	a->reserve = proto.reserve;
	a->commit_step = proto.commit_step;
	a->retain = proto.retain;
	a->reserved = first->size;
	a->committed = first->commit_end - first->base;
	rtm_arena_init(a, first);
	return a;
}

size_t rtm_arena_create_in_min(void)
{
	/* The header, the worst-case padding to align it, and one byte. */
	return RTM_ARENA_HDR + _Alignof(struct rtm_arena) - 1 + 1;
}

rtm_arena *rtm_arena_create_in(void *buf, size_t len)
{
	uintptr_t p = (uintptr_t)buf, start, end;
	struct rtm_arena *a;
	struct rtm_arena_block *b;

	if (!buf || len < rtm_arena_create_in_min() || p + len < p)
		return 0;
	start = (p + _Alignof(struct rtm_arena) - 1) & ~(uintptr_t)(_Alignof(struct rtm_arena) - 1);
	end = p + len;
	a = (struct rtm_arena *)start;
	b = &a->first;
	b->prev = 0;
	b->base = start;
	b->data = start + RTM_ARENA_HDR;
	b->commit_end = end;
	b->usable_end = end;
	b->dirty_end = end; /* caller memory: nothing is known to be zero */
	b->size = len;
	b->used_before = 0;
	a->flags = RTM_ARENA_FIXED | RTM_ARENA_IN_PLACE_;
	a->name = 0;
	a->limit = 0;
	a->reserve = len;
	a->commit_step = 1;
	a->retain = 0; /* and so no trim: reset makes no OS call */
	/* Not reserved by rtmem, but it is this arena's whole capacity,
	 * and all of it usable: stats report it as reserved and committed. */
	a->reserved = len;
	a->committed = len;
	a->spare = 0;
	a->peak = 0;
	a->chained = 0;
	rtm_poison(b->data, end - b->data);
	rtm_arena_init(a, b);
	return a;
}

void rtm_arena_destroy(rtm_arena *a)
{
	if (!a)
		return;
	if (a->flags & RTM_ARENA_IN_PLACE_) {
		/* Caller memory goes back to the caller as plain bytes. What
		 * was handed out keeps its contents and, under memcheck, their
		 * definedness: there only the rest is poisoned (poison.h). */
		uintptr_t from = RTM_POISON_PADDING ? a->first.data : rtm_arena_ptr(a);

		rtm_unpoison(from, a->first.usable_end - from);
		return;
	}
	rtm_arena_pop_to(a, &a->first);
	/* A release the OS (or a hook) refused parked its block on the spare
	 * list: one more try each, since this is the last chance. */
	rtm_arena_spare_free(a);
	rtm_arena_spare_free(a);

	/* Last, the first block, which holds the arena header itself (a
	 * failed release leaves it mapped, so a second try can read it).
	 * munmap of a whole mapping fails only on a hook's say-so; try
	 * twice, then there is no one to tell. */
	if (rtm_arena_block_unmap(&a->first))
		(void)rtm_arena_block_unmap(&a->first);
}

struct rtm_arena_stats rtm_arena_stats(const rtm_arena *a)
{
	struct rtm_arena_stats s;

	if (!a) {
		/* Member by member, as rtm_result in sys/vm.c: clang -O0
		 * would call memset for a zero initializer. */
		s.used = s.committed = s.reserved = s.peak = s.blocks = 0;
		return s;
	}
	s.used = rtm_arena_used(a);
	s.committed = a->committed;
	s.reserved = a->reserved;
	s.peak = a->peak > s.used ? a->peak : s.used;
	s.blocks = a->chained + 1;
	return s;
}
