/* The stack pool: its header, its chunks, and the counters. Acquire and
 * release are in stack_acquire.c. */
#include "stack_internal.h"
#include "sys/vm_internal.h"

#define RTM_STACK_DEFAULT_SIZE ((size_t)256 << 10)
#define RTM_STACK_DEFAULT_KEEP ((size_t)16 << 10)

/* n rounded up to whole pages, 0 if that overflows. */
static size_t rtm_stack_pages(size_t n, size_t ps)
{
	return n > (size_t)-1 - (ps - 1) ? 0 : (n + ps - 1) & ~(ps - 1);
}

/* Releases a reservation, trying once more when a hook refuses: a
 * failure leaves nothing mapped. */
static void rtm_stack_unmap(uintptr_t base, size_t size, size_t ready)
{
	for (int tries = 0; tries < 2 && rtm_vm_release_mapped((void *)base, size, ready); tries++)
		;
}

/* Reserves and commits [base, base + commit) of a new region of size
 * bytes: its base, or 0 with *err set and nothing left mapped. */
static uintptr_t rtm_stack_map(size_t size, size_t commit, int *err)
{
	rtm_mmap_result r = rtm_reserve(0, size, 0);

	if (r.err) {
		*err = r.err;
		return 0;
	}
	/* No zero-length call: it is no work, and qemu-user answers ENOMEM
	 * to an mprotect of length 0. */
	*err = commit ? rtm_vm_commit_mapped(r.addr, commit) : 0;
	if (*err) {
		rtm_stack_unmap((uintptr_t)r.addr, size, 0);
		return 0;
	}
	return (uintptr_t)r.addr;
}

rtm_stack_pool *rtm_stack_pool_create(const struct rtm_stack_config *cfg)
{
	static const struct rtm_stack_config defaults;
	size_t ps = rtm_page_size(), size, guard, keep, slot, hdr;
	struct rtm_stack_pool *p;
	int err;

	if (!cfg)
		cfg = &defaults;
	if (cfg->flags & ~RTM_STACK_ZERO)
		return 0;
	size = rtm_stack_pages(cfg->size ? cfg->size : RTM_STACK_DEFAULT_SIZE, ps);
	guard = rtm_stack_pages(cfg->guard ? cfg->guard : ps, ps);
	keep = rtm_stack_pages(cfg->keep_resident ? cfg->keep_resident : RTM_STACK_DEFAULT_KEEP, ps);
	/* A chunk of one slot and its header page must fit in size_t. */
	if (!size || !guard || !keep || __builtin_add_overflow(size, guard, &slot) ||
	    slot > (size_t)-1 - ps)
		return 0;
	hdr = rtm_stack_pages(sizeof(struct rtm_stack_pool), ps);
	p = (struct rtm_stack_pool *)rtm_stack_map(hdr, hdr, &err);
	if (!p)
		return 0;
	/* Fresh pages read zero: the counters and the chunk list start so. */
	rtm_unpoison(p, hdr);
	rtm_defined(p, hdr);
	p->size = size;
	p->guard = guard;
	p->keep = keep < size ? keep : size;
	p->limit = cfg->limit;
	p->slot = slot;
	p->chunk_hdr = rtm_stack_pages(sizeof(struct rtm_stack_chunk), ps);
	p->hdr_size = hdr;
	p->flags = cfg->flags;
	p->name = cfg->name;
	if (p->name)
		(void)rtm_vm_name_mapped(p, hdr, p->name);
	atomic_store_explicit(&p->reserved, hdr, memory_order_relaxed);
	atomic_store_explicit(&p->committed, hdr, memory_order_relaxed);
	return p;
}

/* How many slots a new chunk gets: a word's worth, fewer for large slots
 * and, with a limit, no more than the limit leaves. Never none: a caller
 * that grows the pool is counted under the limit and found no free slot,
 * so it is one of at most `limit` owners; when two grow at once the pool
 * may hold a few slots more than the limit, address space only, rather
 * than have one wait for the other's system calls. */
static unsigned rtm_stack_chunk_slots(struct rtm_stack_pool *p)
{
	/* A power of two, by shifts: a division would be a libgcc call on
	 * 32-bit arm. */
	unsigned shift = sizeof(uintptr_t) == 8 ? 6 : 5;
	size_t want, have = atomic_load_explicit(&p->slots, memory_order_relaxed);

	while (shift > 0 && p->slot > (RTM_STACK_CHUNK_TARGET >> shift))
		shift--;
	want = (size_t)1 << shift;
	if (p->limit) {
		size_t left = have < p->limit ? p->limit - have : 1;

		if (want > left)
			want = left;
	}
	return (unsigned)want;
}

struct rtm_stack_chunk *rtm_stack_chunk_map(struct rtm_stack_pool *p, int *err)
{
	unsigned n = rtm_stack_chunk_slots(p);
	size_t slots_bytes, size, ready = 0;
	uintptr_t base, hdr_at, lo;
	struct rtm_stack_chunk *c;

	*err = RTM_ENOMEM;
	if (__builtin_mul_overflow(p->slot, (size_t)n, &slots_bytes) ||
	    __builtin_add_overflow(slots_bytes, p->chunk_hdr, &size))
		return 0;
	base = rtm_stack_map(size, 0, err);
	if (!base)
		return 0;
	hdr_at = RTM_STACK_GROWS_UP ? base + slots_bytes : base;
	lo = RTM_STACK_GROWS_UP ? base : base + p->chunk_hdr + p->guard;
	*err = rtm_vm_commit_mapped((void *)hdr_at, p->chunk_hdr);
	if (!*err) {
		ready = p->chunk_hdr;
		*err = rtm_vm_commit_mapped((void *)lo, p->size);
	}
	if (*err) {
		rtm_stack_unmap(base, size, ready);
		return 0;
	}
	if (p->name)
		(void)rtm_vm_name_mapped((void *)base, size, p->name);
	rtm_unpoison(hdr_at, p->chunk_hdr);
	rtm_defined(hdr_at, p->chunk_hdr);
	/* Fresh pages read zero: next and the cached mask start so. */
	c = (struct rtm_stack_chunk *)hdr_at;
	c->base = base;
	c->size = size;
	c->first = RTM_STACK_GROWS_UP ? base : base + p->chunk_hdr;
	c->slots = n;
	atomic_store_explicit(&c->fresh, (n == RTM_STACK_CHUNK_SLOTS ? ~(uintptr_t)0 :
	                                  ((uintptr_t)1 << n) - 1) & ~(uintptr_t)1,
	                      memory_order_relaxed);
	atomic_store_explicit(&c->committed, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&p->slots, n, memory_order_relaxed);
	atomic_fetch_add_explicit(&p->reserved, size, memory_order_relaxed);
	atomic_fetch_add_explicit(&p->committed, p->chunk_hdr + p->size, memory_order_relaxed);
	return c;
}

int rtm_stack_chunk_unmap(struct rtm_stack_pool *p, struct rtm_stack_chunk *c)
{
	/* The header lives in the reservation: read it all first. */
	uintptr_t base = c->base;
	size_t size = c->size;
	size_t ready = p->chunk_hdr + atomic_load_explicit(&c->committed, memory_order_relaxed) *
	                                  p->size;

	rtm_poison_drop(base, size);
	return rtm_vm_release_mapped((void *)base, size, ready);
}

void rtm_stack_pool_destroy(rtm_stack_pool *p)
{
	struct rtm_stack_chunk *c, *next;

	if (!p)
		return;
	/* A hook may refuse a release: one more try each, as the arena
	 * does. (A refused release leaves the chunk's header mapped: it can
	 * be read again.) */
	for (c = atomic_load_explicit(&p->chunks, memory_order_acquire); c; c = next) {
		next = c->next;
		if (rtm_stack_chunk_unmap(p, c))
			(void)rtm_stack_chunk_unmap(p, c);
	}
	rtm_poison_drop(p, p->hdr_size);
	rtm_stack_unmap((uintptr_t)p, p->hdr_size, p->hdr_size);
}

struct rtm_stack_stats rtm_stack_pool_stats(const rtm_stack_pool *p)
{
	struct rtm_stack_stats s;
	/* The counters are atomics the const object still changes. */
	struct rtm_stack_pool *q = (struct rtm_stack_pool *)(uintptr_t)p;

	s.acquired = s.cached = s.reserved = s.committed = 0;
	if (!p)
		return s;
	s.acquired = atomic_load_explicit(&q->acquired, memory_order_relaxed);
	s.cached = atomic_load_explicit(&q->cached, memory_order_relaxed);
	s.reserved = atomic_load_explicit(&q->reserved, memory_order_relaxed);
	s.committed = atomic_load_explicit(&q->committed, memory_order_relaxed);
	return s;
}
