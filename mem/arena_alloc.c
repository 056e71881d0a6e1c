/* Arena allocation: the slow path behind the inline window, zeroed
 * allocation and resize. */
#include "arena_internal.h"
#include "bytes.h"

/* The one external definition of the inline rtm_arena_alloc (C99 inline):
 * what FFI, function pointers and -O0 builds call. */
extern inline void *rtm_arena_alloc(rtm_arena *a, size_t size, size_t align);

static int rtm_bad_align(size_t align)
{
	return align == 0 || (align & (align - 1)) != 0;
}

/* Moves the bump pointer to `end` after a successful allocation at p. */
static void *rtm_arena_take(struct rtm_arena *a, uintptr_t p, uintptr_t end)
{
	rtm_arena_set_ptr(a, end);
	rtm_arena_window_update(a);
	rtm_unpoison(p, end - p);
	return (void *)p;
}

/* Bytes the limit still allows. */
static size_t rtm_arena_room(const struct rtm_arena *a)
{
	return a->limit ? a->limit - rtm_arena_used(a) : (size_t)-1;
}

/* A new block whose first `need` bytes hold its header and what is asked
 * of it, reserved aligned to align, counted in the totals. NULL if the OS
 * refused; nothing is left mapped then. */
static struct rtm_arena_block *rtm_arena_block_new(struct rtm_arena *a, size_t need, size_t align)
{
	struct rtm_arena_block *b = rtm_arena_block_map(a, RTM_BLOCK_HDR, 0, need, align);

	if (!b)
		return 0;
	b->serial = rtm_arena_serial();
	a->reserved += b->size;
	a->committed += b->commit_end - b->base;
	a->chained++;
	return b;
}

void *rtm_arena_alloc_slow(rtm_arena *a, size_t size, size_t align)
{
	struct rtm_arena_block *b = a->cur, *nb;
	uintptr_t cur = rtm_arena_ptr(a), from = cur;
	size_t need, pad, room = rtm_arena_room(a);

	if (rtm_bad_align(align))
		return 0;
	if (size == 0)
		size = 1; /* a unique pointer, as the header promises */

	pad = -cur & (align - 1);
	if (__builtin_add_overflow(size, pad, &need) || need > room)
		return 0;
	if (need <= b->usable_end - cur) {
		if (rtm_arena_commit_to(a, b, cur + need))
			return 0;
		if (!RTM_POISON_PADDING)
			rtm_unpoison(cur, pad);
	} else {
		if (a->flags & RTM_ARENA_FIXED)
			return 0;
		/* A new block is reserved aligned to align, so the padding
		 * after its header is known, and the limit checked, before
		 * anything is mapped. */
		pad = -RTM_BLOCK_HDR & (align - 1);
		if (__builtin_add_overflow(size, pad, &need) || need > room ||
		    __builtin_add_overflow(need, RTM_BLOCK_HDR, &need))
			return 0;
		nb = rtm_arena_block_new(a, need, align);
		if (!nb)
			return 0;
		/* The rest of the old block is abandoned, not handed out. */
		b->last = a->win.last;
		nb->prev = b;
		nb->used_before = rtm_arena_used(a);
		a->cur = nb;
		from = nb->data;
	}
	return rtm_arena_take(a, from + pad, from + pad + size);
}

void *rtm_arena_alloc_zeroed(rtm_arena *a, size_t size, size_t align)
{
	struct rtm_arena_block *b;
	uintptr_t dirty, p, end;

	if (!a)
		return 0;
	b = a->cur;
	/* Everything below the bump pointer may have been written; the
	 * fast path does not track that, so fold it in now. */
	if (rtm_arena_ptr(a) > b->dirty_end)
		b->dirty_end = rtm_arena_ptr(a);
	p = (uintptr_t)rtm_arena_alloc(a, size, align);
	if (!p)
		return 0;
	b = a->cur; /* a new block may have been chained */
	end = p + (size ? size : 1);
	dirty = b->dirty_end;
	/* Past dirty_end the memory is the kernel's zero pages, which the
	 * allocation told memcheck were undefined. */
	if (p < dirty)
		rtm_bytes_zero((void *)p, (end < dirty ? end : dirty) - p);
	if (end > dirty)
		rtm_defined(p > dirty ? p : dirty, end - (p > dirty ? p : dirty));
	if (end > b->dirty_end)
		b->dirty_end = end;
	return (void *)p;
}

void *rtm_arena_resize(rtm_arena *a, void *p, size_t old_size, size_t new_size, size_t align)
{
	struct rtm_arena_block *b;
	uintptr_t q = (uintptr_t)p;
	void *n;

	if (!a)
		return 0;
	if (!p)
		return rtm_arena_alloc(a, new_size, align);
	b = a->cur;
	if (rtm_bad_align(align) || (q & (align - 1)))
		return 0;
	if (new_size == 0)
		new_size = 1;
	if (old_size == 0)
		old_size = 1;

	/* The newest allocation ends at the bump pointer: move it. */
	if (q >= b->data && q < rtm_arena_ptr(a) && rtm_arena_ptr(a) - q == old_size) {
		if (new_size <= old_size) {
			/* Stats fold the current use into peak; moving the
			 * bump pointer back must not take the high point along. */
			size_t used = rtm_arena_used(a);
			if (used > a->peak)
				a->peak = used;
			if (rtm_arena_ptr(a) > b->dirty_end)
				b->dirty_end = rtm_arena_ptr(a);
			rtm_arena_set_ptr(a, q + new_size);
			rtm_poison(q + new_size, old_size - new_size);
			rtm_arena_window_update(a);
			return p;
		}
		if (new_size - old_size <= rtm_arena_room(a) && new_size <= b->usable_end - q) {
			uintptr_t end = q + new_size;

			if (rtm_arena_commit_to(a, b, end))
				return 0;
			rtm_arena_take(a, rtm_arena_ptr(a), end);
			return p;
		}
	} else if (new_size <= old_size) {
		return p; /* not the newest: the tail just stays unused */
	}

	n = rtm_arena_alloc(a, new_size, align);
	if (n)
		rtm_bytes_copy(n, p, old_size < new_size ? old_size : new_size);
	return n;
}
