/* Marks, rewind and reset: giving memory back in bulk. */
#include "arena_internal.h"
#include "sys/vm_internal.h"

struct rtm_arena_mark rtm_arena_save(rtm_arena *a)
{
	struct rtm_arena_mark m;

	if (!a) {
		/* All zero: a position below every block's data, which
		 * every arena ignores (rtm_mark_block). */
		m.ptr_ = 0;
		m.serial_ = 0;
		return m;
	}
	m.ptr_ = (char *)rtm_arena_ptr(a);
	m.serial_ = a->cur->serial;
	return m;
}

/* The block m points into, if it is still in a's chain and m is not past
 * what was handed out there; else NULL. */
static struct rtm_arena_block *rtm_mark_block(struct rtm_arena *a, struct rtm_arena_mark m)
{
	struct rtm_arena_block *b;
	uintptr_t p = (uintptr_t)m.ptr_;

	for (b = a->cur; b; b = b->prev) {
		/* Serials are unique in the process: a foreign mark, or
		 * one of a released block, matches no block here. */
		if (b->serial != m.serial_)
			continue;
		if (p < b->data)
			return 0;
		return p - 1 <= (b == a->cur ? a->win.last : b->last) ? b : 0;
	}
	return 0;
}

/* Decommits what b holds past its retain budget, in whole pages, keeping
 * everything below the bump pointer. Best effort: if the OS refuses, the
 * memory simply stays committed and counted. */
static void rtm_arena_trim(struct rtm_arena *a, struct rtm_arena_block *b)
{
	uintptr_t keep;
	size_t mask;

	/* Before anything else: an arena in caller memory (whose retain is
	 * 0) makes no OS call, and the first rtm_page_size() may be one (its
	 * probe). A budget that reaches past the top of the address space
	 * keeps everything: the wrapped sum would fall below the bump pointer
	 * and keep nothing (on 32-bit, any retain larger than the space above
	 * the block). */
	if (a->retain == 0 || __builtin_add_overflow(b->base, a->retain, &keep))
		return;
	mask = rtm_page_size() - 1;
	if (keep <= a->win.last) /* below the bump pointer */
		keep = (a->win.last + 1 + mask) & ~(uintptr_t)mask;
	if (keep >= b->commit_end)
		return;
	/* Decommitting drops the poison along with the pages; the range is
	 * inaccessible anyway until committed (and poisoned) again. */
	rtm_poison_drop(keep, b->commit_end - keep);
	if (rtm_vm_decommit_mapped((void *)keep, b->commit_end - keep)) {
		rtm_poison(keep, b->commit_end - keep);
		return;
	}
	/* The decommit mapped fresh memory in place, which has neither the
	 * huge page advice nor the name the block was given. */
	rtm_arena_dress(a, keep, b->commit_end - keep);
	a->committed -= b->commit_end - keep;
	b->commit_end = keep;
	if (b->dirty_end > keep)
		b->dirty_end = keep; /* recommitted pages come back zero */
}

/* Frees everything allocated after p, a position in b (a block of a's
 * chain, at or below its bump pointer), given as the window keeps it:
 * last = p - 1. */
static void rtm_arena_back_to(struct rtm_arena *a, struct rtm_arena_block *b, uintptr_t to)
{
	size_t used = rtm_arena_used(a);
	uintptr_t last;

	if (used > a->peak)
		a->peak = used;
	rtm_arena_spare_free(a);
	rtm_arena_pop_to(a, b);
	last = a->win.last;
	if (last >= b->dirty_end)
		b->dirty_end = last + 1;
	rtm_poison(to + 1, last - to);
	a->win.last = to;
	rtm_arena_trim(a, b);
	rtm_arena_window_update(a);
}

void rtm_arena_rewind(rtm_arena *a, struct rtm_arena_mark m)
{
	struct rtm_arena_block *b = a ? rtm_mark_block(a, m) : 0;

	if (b)
		rtm_arena_back_to(a, b, (uintptr_t)m.ptr_ - 1);
	/* else foreign or stale: documented as a no-op */
}

/* No mark to look up: the first block is always in the chain, and its
 * data starts RTM_ARENA_HDR after the arena. */
void rtm_arena_reset(rtm_arena *a)
{
	if (a)
		rtm_arena_back_to(a, &a->first, (uintptr_t)a + RTM_ARENA_HDR - 1);
}
