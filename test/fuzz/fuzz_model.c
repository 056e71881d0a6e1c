#include <string.h>

#include "fuzz_model.h"
#include "fuzz_pattern.h"

struct fz_model fz;

void fz_model_begin(int refusing)
{
	memset(&fz, 0, sizeof fz);
	fz.next_id = 1;
	fz.refusing = refusing;
	fz.base = rtm_vm_stats();
}

static size_t at_least_one(size_t n)
{
	return n ? n : 1;
}

void fz_arena_track(unsigned i, rtm_arena *a, int in_place, unsigned flags, size_t limit)
{
	struct fz_arena *ar = &fz.ar[i];
	static uint64_t gens;

	ar->a = a;
	ar->gen = ++gens;
	ar->in_place = in_place;
	ar->flags = flags;
	ar->limit = limit;
	ar->st = rtm_arena_stats(a);
	ar->nchain = 1;
	ar->chain[0].id = fz.next_id++;
	ar->chain[0].start = 0;
	FZ_CHECK(ar->st.used == 0 && ar->st.peak == 0 && ar->st.blocks == 1);
	FZ_CHECK(ar->st.committed <= ar->st.reserved && ar->st.committed > 0);
}

void fz_arena_forget(unsigned i)
{
	for (size_t k = fz.nlive; k-- > 0;)
		if (fz.live[k].arena == i)
			fz_live_remove(k);
	fz.ar[i].a = 0;
}

int fz_live_overlaps(const unsigned char *p, size_t n, size_t except)
{
	uintptr_t lo = (uintptr_t)p, hi = lo + at_least_one(n);

	for (size_t k = 0; k < fz.nlive; k++) {
		uintptr_t a = (uintptr_t)fz.live[k].p, b = a + at_least_one(fz.live[k].size);
		if (k != except && lo < b && a < hi)
			return 1;
	}
	return 0;
}

void fz_live_add(unsigned arena, unsigned char *p, size_t size, size_t align, unsigned phase,
                 unsigned x)
{
	struct fz_alloc *l;

	FZ_CHECK(fz.nlive < FZ_MAX_LIVE);
	FZ_CHECK((uintptr_t)p % align == 0);
	FZ_CHECK((uintptr_t)p + at_least_one(size) > (uintptr_t)p); /* no wrap */
	FZ_CHECK(!fz_live_overlaps(p, size, (size_t)-1));
	l = &fz.live[fz.nlive++];
	l->p = p;
	l->size = size;
	l->min_size = size;
	l->align = align;
	l->seq = ++fz.seq;
	l->changed = 0;
	l->arena = arena;
	l->phase = (unsigned char)(phase % FZ_PERIOD);
	l->x = (unsigned char)x;
	l->exact = 1;
	fz.live_bytes += size;
}

void fz_live_remove(size_t k)
{
	fz.live_bytes -= fz.live[k].size;
	fz.live[k] = fz.live[--fz.nlive];
}

long fz_live_pick(unsigned i, unsigned pick)
{
	size_t mine = 0;

	for (size_t k = 0; k < fz.nlive; k++)
		mine += fz.live[k].arena == i;
	if (!mine)
		return -1;
	pick %= mine;
	for (size_t k = 0; k < fz.nlive; k++)
		if (fz.live[k].arena == i && pick-- == 0)
			return (long)k;
	return -1;
}

void fz_verify_live(int full)
{
	/* A full pass over a few MiB every step would make the fuzzer slow
	 * for nothing: full passes come before every rewind, reset and
	 * destroy, and whenever little is live. */
	full |= fz.live_bytes <= ((size_t)1 << 20);
	for (size_t k = 0; k < fz.nlive; k++) {
		const struct fz_alloc *l = &fz.live[k];
		int ok = full ? fz_intact(l->p, l->size, l->phase, l->x)
		              : fz_intact_sampled(l->p, l->size, l->phase, l->x);
		if (!ok)
			fprintf(stderr, "fuzz_arena: allocation %p (%zu bytes, arena %u) changed\n",
			        (void *)l->p, l->size, l->arena);
		FZ_CHECK(ok);
	}
}

struct rtm_arena_stats fz_stats_after(unsigned i, struct rtm_arena_stats before)
{
	struct fz_arena *ar = &fz.ar[i];
	struct rtm_arena_stats s = rtm_arena_stats(ar->a);

	FZ_CHECK(s.blocks >= 1);
	FZ_CHECK(s.committed <= s.reserved);
	FZ_CHECK(s.peak >= s.used && s.peak >= before.peak);
	if (ar->limit)
		FZ_CHECK(s.used <= ar->limit);
	if ((ar->flags & RTM_ARENA_FIXED) || ar->in_place)
		FZ_CHECK(s.blocks == 1);
	if (ar->in_place)
		FZ_CHECK(s.reserved == before.reserved && s.committed == before.committed);
	ar->st = s;
	return s;
}

void fz_chain_sync(unsigned i, size_t used_before, size_t blocks_now)
{
	struct fz_arena *ar = &fz.ar[i];

	if (blocks_now == ar->nchain + 1) {
		FZ_CHECK(ar->nchain < FZ_MAX_CHAIN);
		ar->chain[ar->nchain].id = fz.next_id++;
		ar->chain[ar->nchain].start = used_before;
		ar->nchain++;
		return;
	}
	FZ_CHECK(blocks_now >= 1 && blocks_now <= ar->nchain);
	ar->nchain = blocks_now;
}

void fz_mark_save(unsigned slot, unsigned i, struct rtm_arena_mark m)
{
	struct fz_mark *mk = &fz.marks[slot];
	const struct fz_arena *ar = &fz.ar[i];

	mk->set = 1;
	mk->m = m;
	mk->arena = i;
	mk->gen = ar->gen;
	mk->seq = fz.seq;
	mk->block = ar->chain[ar->nchain - 1].id;
	mk->pos = ar->st.used;
	mk->low = SIZE_MAX;
}

enum fz_verdict fz_mark_verdict(const struct fz_mark *mk, unsigned i, size_t *blocks_after)
{
	const struct fz_arena *ar = &fz.ar[i];
	size_t k, top;

	if (mk->arena != i || mk->gen != ar->gen)
		return FZ_IGNORED; /* another arena's, or this slot's earlier arena's */
	for (k = 0; k < ar->nchain && ar->chain[k].id != mk->block; k++)
		;
	*blocks_after = k + 1;
	if (mk->low >= mk->pos) {
		FZ_CHECK(k < ar->nchain); /* never went back below it: its block is alive */
		return FZ_REWINDS;
	}
	if (k == ar->nchain)
		return FZ_IGNORED; /* its block went back to the OS */
	/* The arena went back below the mark and its block is still in the
	 * chain: while that block's use is below the mark, the mark is past
	 * the position and ignored. Once allocations pass it again, arena.h
	 * says the rewind happens, and frees everything allocated after the
	 * mark was saved: those made since the earlier rewind too, even one
	 * that straddles the mark's position. */
	top = k + 1 == ar->nchain ? ar->st.used : ar->chain[k + 1].start;
	return top < mk->pos ? FZ_IGNORED : FZ_REWINDS;
}

void fz_rewound(unsigned i, uint64_t seq, size_t pos)
{
	for (size_t k = fz.nlive; k-- > 0;) {
		struct fz_alloc *l = &fz.live[k];

		if (l->arena != i)
			continue;
		if (l->seq > seq) {
			fz_live_remove(k);
		} else if (l->changed > seq) {
			/* Resized in place after the mark: its size then is not
			 * known, but never below the smallest it ever had. */
			fz.live_bytes -= l->size - l->min_size;
			l->size = l->min_size;
			l->exact = 0;
		}
	}
	fz_position_lowered(i, pos);
}

void fz_position_lowered(unsigned i, size_t pos)
{
	for (unsigned m = 0; m < FZ_MARKS; m++) {
		struct fz_mark *mk = &fz.marks[m];
		if (mk->set && mk->arena == i && mk->gen == fz.ar[i].gen && pos < mk->low)
			mk->low = pos;
	}
}

void fz_check_arenas(void)
{
	size_t mine[FZ_ARENAS] = { 0 };

	/* What is live fits in what the arena counts as handed out. */
	for (size_t k = 0; k < fz.nlive; k++)
		mine[fz.live[k].arena] += at_least_one(fz.live[k].size);
	for (unsigned i = 0; i < FZ_ARENAS; i++)
		FZ_CHECK(fz.ar[i].a ? mine[i] <= fz.ar[i].st.used : mine[i] == 0);
}

void fz_check_vm(void)
{
	struct rtm_vm_stats v = rtm_vm_stats();
	size_t reserved = fz.base.reserved, committed = fz.base.committed;

	for (unsigned i = 0; i < FZ_ARENAS; i++) {
		if (!fz.ar[i].a || fz.ar[i].in_place)
			continue;
		reserved += fz.ar[i].st.reserved;
		committed += fz.ar[i].st.committed;
	}
	FZ_CHECK(v.reserved == reserved);
	FZ_CHECK(v.committed == committed);
}
