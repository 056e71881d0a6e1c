/* Handing stacks out and taking them back: lock-free, see stack_internal.h. */
#include "bytes.h"
#include "stack_internal.h"
#include "sys/vm_internal.h"

/* Counts one more acquired stack, unless the limit is reached. */
static int rtm_stack_count_take(struct rtm_stack_pool *p)
{
	size_t n = atomic_load_explicit(&p->acquired, memory_order_relaxed);

	do {
		if (p->limit && n >= p->limit)
			return 0;
	} while (!atomic_compare_exchange_weak_explicit(&p->acquired, &n, n + 1,
	                                                memory_order_relaxed,
	                                                memory_order_relaxed));
	return 1;
}

static void rtm_stack_hand_out(struct rtm_stack_pool *p, struct rtm_stack_chunk *c, unsigned i,
                               struct rtm_stack *out)
{
	uintptr_t lo = rtm_stack_lo(p, c, i), hi = lo + p->size;

	out->lo = (void *)lo;
	out->hi = (void *)hi;
	out->sp = (void *)(RTM_STACK_GROWS_UP ? lo + RTM_STACK_UP_FRAME : hi);
#if defined(RTM_VALGRIND)
	c->vg_id[i] = VALGRIND_STACK_REGISTER(lo, hi);
#endif
}

int rtm_stack_acquire(rtm_stack_pool *p, struct rtm_stack *out)
{
	struct rtm_stack_chunk *head, *c;
	int i, err;

	if (!p || !out)
		return RTM_EINVAL;
	if (!rtm_stack_count_take(p))
		return RTM_ENOMEM;
	head = atomic_load_explicit(&p->chunks, memory_order_acquire);
	/* A cached stack first: no OS call. */
	for (c = head; c; c = c->next) {
		i = rtm_stack_bit_take(&c->cached);
		if (i >= 0) {
			atomic_fetch_sub_explicit(&p->cached, 1, memory_order_relaxed);
			rtm_stack_hand_out(p, c, (unsigned)i, out);
			return 0;
		}
	}
	/* Then a slot never handed out: one commit. */
	for (c = head; c; c = c->next) {
		uintptr_t lo;

		i = rtm_stack_bit_take(&c->fresh);
		if (i < 0)
			continue;
		lo = rtm_stack_lo(p, c, (unsigned)i);
		err = rtm_vm_commit_mapped((void *)lo, p->size);
		if (err) {
			atomic_fetch_or_explicit(&c->fresh, (uintptr_t)1 << i, memory_order_relaxed);
			atomic_fetch_sub_explicit(&p->acquired, 1, memory_order_relaxed);
			return err;
		}
		atomic_fetch_add_explicit(&c->committed, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&p->committed, p->size, memory_order_relaxed);
		rtm_stack_hand_out(p, c, (unsigned)i, out);
		return 0;
	}
	/* Then a new chunk, whose slot 0 is ours. (A slot freed meanwhile in
	 * a chunk already scanned is not waited for: no caller ever waits
	 * for another.) */
	c = rtm_stack_chunk_map(p, &err);
	if (!c) {
		atomic_fetch_sub_explicit(&p->acquired, 1, memory_order_relaxed);
		return err;
	}
	{
		struct rtm_stack_chunk *old = atomic_load_explicit(&p->chunks, memory_order_relaxed);

		do
			c->next = old;
		while (!atomic_compare_exchange_weak_explicit(&p->chunks, &old, c,
		                                              memory_order_release,
		                                              memory_order_relaxed));
	}
	rtm_stack_hand_out(p, c, 0, out);
	return 0;
}

/* The slot at offset off from a chunk's first slot, by shift and subtract
 * (a chunk has at most a word's worth of slots; no division, which 32-bit
 * arm would take from libgcc). *rem: what is left past the slot's start. */
static unsigned rtm_stack_slot_of(size_t off, size_t slot, size_t *rem)
{
	unsigned i = 0;

	for (int b = 5; b >= 0; b--) {
		size_t step = slot << b;

		if (step >> b == slot && off >= step) {
			off -= step;
			i |= 1u << b;
		}
	}
	*rem = off;
	return i;
}

/* The chunk holding lo and the slot index of the stack that starts
 * there; NULL unless lo is exactly a stack's start in this pool. */
static struct rtm_stack_chunk *rtm_stack_find(struct rtm_stack_pool *p, uintptr_t lo,
                                              unsigned *slot)
{
	struct rtm_stack_chunk *c = atomic_load_explicit(&p->chunks, memory_order_acquire);
	size_t lead = RTM_STACK_GROWS_UP ? 0 : p->guard, rem;

	for (; c; c = c->next) {
		uintptr_t first = c->first + lead;

		if (lo < first || lo - first >= (size_t)c->slots * p->slot)
			continue;
		*slot = rtm_stack_slot_of(lo - first, p->slot, &rem);
		return rem == 0 && *slot < c->slots ? c : 0;
	}
	return 0;
}

/* A released stack whose pages could not be made whole again (Windows:
 * its purge, and the commit that would undo it, refused): its slot goes
 * back as fresh, decommitted, to be committed by the next acquire that
 * takes it; or, if even the decommit is refused, it is set aside, never
 * handed out again, still counted as committed until destroy releases
 * it. err: what the purge answered. */
static int rtm_stack_retire(struct rtm_stack_pool *p, struct rtm_stack_chunk *c, unsigned i,
                            int err)
{
	uintptr_t lo = rtm_stack_lo(p, c, i), bit = (uintptr_t)1 << i;

#if defined(RTM_VALGRIND)
	VALGRIND_STACK_DEREGISTER(c->vg_id[i]);
#endif
	atomic_fetch_sub_explicit(&p->acquired, 1, memory_order_relaxed);
	if (rtm_vm_decommit_mapped((void *)lo, p->size)) {
		atomic_fetch_or_explicit(&c->aside, bit, memory_order_relaxed);
		return err;
	}
	atomic_fetch_sub_explicit(&c->committed, 1, memory_order_relaxed);
	atomic_fetch_sub_explicit(&p->committed, p->size, memory_order_relaxed);
	atomic_fetch_or_explicit(&c->fresh, bit, memory_order_release);
	return err;
}

int rtm_stack_release(rtm_stack_pool *p, const struct rtm_stack *s)
{
	struct rtm_stack_chunk *c;
	uintptr_t lo, bit, old;
	unsigned i;
	int err = 0;

	if (!p || !s)
		return RTM_EINVAL;
	lo = (uintptr_t)s->lo;
	c = rtm_stack_find(p, lo, &i);
	if (!c || (uintptr_t)s->hi != lo + p->size)
		return RTM_EINVAL;
	bit = (uintptr_t)1 << i;
	if ((atomic_load_explicit(&c->cached, memory_order_relaxed) |
	     atomic_load_explicit(&c->fresh, memory_order_relaxed) |
	     atomic_load_explicit(&c->aside, memory_order_relaxed)) & bit)
		return RTM_EINVAL;

	/* The pages past keep_resident from the start of use go back. */
	if (p->size > p->keep) {
		uintptr_t from = RTM_STACK_GROWS_UP ? lo + p->keep : lo;

		err = rtm_vm_purge_mapped((void *)from, p->size - p->keep);
		/* memcheck: they read as the kernel's zeros now. */
		if (!err)
			rtm_defined(from, p->size - p->keep);
		/* A refused purge may have left part of the range reserved
		 * (Windows: a decommit then a commit, the commit refused):
		 * committed again, or the stack cannot be cached at all. */
		else if (RTM_OS_PURGE_MAY_UNCOMMIT &&
		         rtm_os_commit_own((void *)from, p->size - p->keep))
			return rtm_stack_retire(p, c, i, err);
	}
#if defined(RTM_ASAN)
	/* The previous user's frames leave redzones in ASan's shadow.
	 * (memcheck keeps no such thing: what was kept stays as defined
	 * as its user left it.) */
	rtm_unpoison(lo, p->size);
#endif
	if (p->flags & RTM_STACK_ZERO) {
		/* What was purged reads zero; what was kept, or everything
		 * when the purge was refused, is cleared here. */
		if (err || p->size == p->keep)
			rtm_bytes_zero((void *)lo, p->size);
		else
			rtm_bytes_zero((void *)(RTM_STACK_GROWS_UP ? lo : lo + p->size - p->keep),
			               p->keep);
	}
#if defined(RTM_VALGRIND)
	VALGRIND_STACK_DEREGISTER(c->vg_id[i]);
#endif
	/* Counted as cached and no longer acquired before the slot is free,
	 * so no reader sees more cached stacks than there are; release: the
	 * next owner sees the purge and the zeroing done. */
	atomic_fetch_add_explicit(&p->cached, 1, memory_order_relaxed);
	atomic_fetch_sub_explicit(&p->acquired, 1, memory_order_relaxed);
	old = atomic_fetch_or_explicit(&c->cached, bit, memory_order_release);
	if (old & bit) {
		/* Another thread released the same stack at the same time. */
		atomic_fetch_sub_explicit(&p->cached, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&p->acquired, 1, memory_order_relaxed);
		return RTM_EINVAL;
	}
	return err;
}
