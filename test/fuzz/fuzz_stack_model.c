#include <string.h>

#include "fuzz_pattern.h"
#include "fuzz_stack_model.h"

struct fs_model fs;

void fs_model_begin(void)
{
	memset(&fs, 0, sizeof fs);
	fs.base = rtm_vm_stats();
	fs.ps = rtm_page_size();
}

void fs_pool_track(unsigned i, rtm_stack_pool *p, size_t size, size_t guard, size_t keep,
                   size_t limit, int zero, int unreachable)
{
	struct fs_pool *pl = &fs.pool[i];

	pl->p = p;
	pl->size = size;
	pl->guard = guard;
	pl->keep = keep < size ? keep : size;
	pl->limit = limit;
	pl->zero = zero;
	pl->unreachable = unreachable;
	pl->n = pl->held = pl->cached = 0;
	pl->st = rtm_stack_pool_stats(p);
	FS_CHECK(pl->st.acquired == 0 && pl->st.cached == 0);
	FS_CHECK(pl->st.committed > 0 && pl->st.committed <= pl->st.reserved);
}

void fs_pool_forget(unsigned i)
{
	struct fs_pool *pl = &fs.pool[i];

	for (size_t k = 0; k < pl->n; k++) {
		unsigned g = fs.nghost++ % FS_GHOSTS;

		fs.ghost_lo[g] = pl->s[k].lo;
		fs.ghost_hi[g] = pl->s[k].hi;
	}
	pl->p = NULL;
	pl->n = pl->held = pl->cached = 0;
}

long fs_find(unsigned i, uintptr_t lo, uintptr_t hi)
{
	const struct fs_pool *pl = &fs.pool[i];

	for (size_t k = 0; k < pl->n; k++)
		if (pl->s[k].lo == lo && pl->s[k].hi == hi && pl->s[k].state != FS_RETIRED &&
		    pl->s[k].state != FS_ASIDE)
			return (long)k;
	return -1;
}

long fs_pick(unsigned i, enum fs_state st, unsigned pick)
{
	const struct fs_pool *pl = &fs.pool[i];
	size_t in_state = st == FS_HELD ? pl->held : pl->cached;

	if (!in_state)
		return -1;
	pick %= in_state;
	for (size_t k = 0; k < pl->n; k++)
		if (pl->s[k].state == st && pick-- == 0)
			return (long)k;
	return -1;
}

/* The stack and its guard: [lo - guard, hi), or [lo, hi + guard) on hppa. */
static void guarded(const struct fs_pool *pl, uintptr_t lo, uintptr_t hi, uintptr_t *a,
                    uintptr_t *b)
{
	*a = FS_GROWS_UP ? lo : lo - pl->guard;
	*b = FS_GROWS_UP ? hi + pl->guard : hi;
}

void fs_check_handed_out(unsigned i, const struct rtm_stack *s, long self)
{
	const struct fs_pool *pl = &fs.pool[i];
	uintptr_t lo = (uintptr_t)s->lo, hi = (uintptr_t)s->hi, a, b;

	FS_CHECK(lo % fs.ps == 0 && hi % fs.ps == 0);
	FS_CHECK(hi > lo && hi - lo == pl->size);
	FS_CHECK((uintptr_t)s->sp == (FS_GROWS_UP ? lo + FS_UP_FRAME : hi));
	guarded(pl, lo, hi, &a, &b);
	FS_CHECK(a < b); /* the guard does not wrap around the address space */
	for (unsigned j = 0; j < FS_POOLS; j++) {
		const struct fs_pool *q = &fs.pool[j];

		if (!q->p)
			continue;
		/* Nor does it cover a pool's header. */
		FS_CHECK(!((uintptr_t)q->p >= a && (uintptr_t)q->p < b));
		for (size_t k = 0; k < q->n; k++) {
			uintptr_t c, d;

			if ((j == i && (long)k == self) || q->s[k].state == FS_RETIRED)
				continue;
			guarded(q, q->s[k].lo, q->s[k].hi, &c, &d);
			if (a < d && c < b)
				fprintf(stderr,
				        "fuzz_stack: pool %u's [%p, %p) meets pool %u's stack "
				        "[%p, %p) (%s)\n",
				        i, (void *)lo, (void *)hi, j, (void *)q->s[k].lo,
				        (void *)q->s[k].hi,
				        q->s[k].state == FS_HELD ? "held" : "cached");
			FS_CHECK(!(a < d && c < b));
		}
	}
}

size_t fs_add(unsigned i, uintptr_t lo, uintptr_t hi)
{
	struct fs_pool *pl = &fs.pool[i];
	struct fs_stack *st;
	size_t k = 0;

	while (k < pl->n && pl->s[k].state != FS_RETIRED)
		k++;
	FS_CHECK(k < FS_MAX_STACKS);
	if (k == pl->n)
		pl->n++;
	st = &pl->s[k];
	memset(st, 0, sizeof *st);
	st->lo = lo;
	st->hi = hi;
	st->state = FS_HELD;
	st->pat = 0;
	st->zero = 0; /* a fresh commit reads zero */
	pl->held++;
	return k;
}

/* The bytes at depths [d0, d1) from the start of use. */
static unsigned char *at_depth(const struct fs_pool *pl, const struct fs_stack *st, size_t d0,
                               size_t d1)
{
	(void)pl;
	return (unsigned char *)(FS_GROWS_UP ? st->lo + d0 : st->hi - d1);
}

static unsigned phase_at(const struct fs_stack *st, const unsigned char *mem)
{
	return (unsigned)((st->phase + ((uintptr_t)mem - st->lo)) % FZ_PERIOD);
}

void fs_verify(unsigned i, size_t k)
{
	const struct fs_pool *pl = &fs.pool[i];
	const struct fs_stack *st = &pl->s[k];
	int pat_ok = 1, zero_ok = 1;

	FS_CHECK(st->pat <= st->zero && st->zero <= pl->size);
	if (st->pat) {
		const unsigned char *m = at_depth(pl, st, 0, st->pat);

		pat_ok = fz_intact(m, st->pat, phase_at(st, m), st->x);
	}
	if (st->zero < pl->size)
		zero_ok = fz_all_zero(at_depth(pl, st, st->zero, pl->size), pl->size - st->zero);
	if (!pat_ok || !zero_ok)
		fprintf(stderr,
		        "fuzz_stack: pool %u's stack [%p, %p) (%s): %s changed "
		        "(pattern depth %zu, zeros from depth %zu of %zu)\n",
		        i, (void *)st->lo, (void *)st->hi,
		        st->state == FS_HELD ? "held" : "cached",
		        !pat_ok ? "its holder's pattern" : "what must read zero", st->pat, st->zero,
		        pl->size);
	FS_CHECK(pat_ok);
	FS_CHECK(zero_ok);
}

void fs_write(unsigned i, size_t k, size_t depth)
{
	const struct fs_pool *pl = &fs.pool[i];
	struct fs_stack *st = &fs.pool[i].s[k];
	unsigned char *m = at_depth(pl, st, 0, depth);

	FS_CHECK(st->state == FS_HELD && depth <= pl->size);
	fs.seq++;
	st->phase = (unsigned char)((fs.seq * 37u + 11u) % FZ_PERIOD);
	st->x = (unsigned char)(fs.seq * 101u >> 2);
	st->pat = depth;
	if (st->zero < depth)
		st->zero = depth;
	if (depth)
		fz_fill(m, 0, depth, phase_at(st, m), st->x);
}

void fs_released(unsigned i, size_t k, int purge, int err)
{
	struct fs_pool *pl = &fs.pool[i];
	struct fs_stack *st = &pl->s[k];
	size_t keep = pl->keep;

	FS_CHECK(st->state == FS_HELD);
	st->state = FS_CACHED;
	pl->held--;
	pl->cached++;
	if (pl->zero) {
		/* Cleared by hand where nothing was purged (all of it, if the
		 * purge was refused or there was none), the rest by the OS. */
		st->pat = 0;
		st->zero = 0;
		return;
	}
	if (!purge)
		return; /* resident, as its holder left it */
	if (err) {
		/* Resident (stack.h). On Linux the refused purge changed
		 * nothing. A Windows purge is a decommit and a commit: when
		 * the commit was refused, the decommit had gone through and
		 * the commit back gave zero pages. */
#if defined(_WIN32)
		if (st->pat > keep)
			st->pat = keep;
#endif
		return;
	}
	/* The kept part stays as its holder left it. What went back reads
	 * zero: stack.h says its contents are gone, and both systems give
	 * zero pages (MADV_DONTNEED on private anonymous memory; a decommit
	 * and a commit), so anything else means the purge did not happen. */
	if (st->pat > keep)
		st->pat = keep;
	if (st->zero > keep)
		st->zero = keep;
}

void fs_retired(unsigned i, size_t k)
{
	struct fs_pool *pl = &fs.pool[i];

	FS_CHECK(pl->s[k].state == FS_HELD);
	pl->s[k].state = FS_RETIRED;
	pl->held--;
}

void fs_set_aside(unsigned i, size_t k)
{
	struct fs_pool *pl = &fs.pool[i];

	FS_CHECK(pl->s[k].state == FS_HELD);
	pl->s[k].state = FS_ASIDE;
	pl->held--;
}

void fs_reacquired(unsigned i, size_t k)
{
	struct fs_pool *pl = &fs.pool[i];
	struct fs_stack *st = &pl->s[k];

	FS_CHECK(st->state == FS_CACHED);
	st->state = FS_HELD;
	pl->held++;
	pl->cached--;
	/* RTM_STACK_ZERO: every acquired stack reads as zeros. */
	if (pl->zero)
		FS_CHECK(st->pat == 0 && st->zero == 0);
}

void fs_check_pools(void)
{
	struct rtm_vm_stats v = rtm_vm_stats();
	size_t reserved = 0, committed = 0;

	for (unsigned i = 0; i < FS_POOLS; i++) {
		struct fs_pool *pl = &fs.pool[i];
		struct rtm_stack_stats s;

		if (!pl->p)
			continue;
		s = rtm_stack_pool_stats(pl->p);
		FS_CHECK(s.acquired == pl->held);
		FS_CHECK(s.cached == pl->cached);
		if (pl->limit)
			FS_CHECK(s.acquired <= pl->limit);
		/* Nothing is given back while the pool lives: cached stacks
		 * stay committed (a retired slot is the one exception, which
		 * release_held sees). */
		FS_CHECK(s.reserved >= pl->st.reserved && s.committed >= pl->st.committed);
		FS_CHECK(s.committed <= s.reserved);
		if (!pl->unreachable) {
			size_t live = pl->held + pl->cached;

			FS_CHECK(s.committed > live * pl->size); /* and the header */
			FS_CHECK(s.reserved > live * (pl->size + pl->guard));
		}
		pl->st = s;
		reserved += s.reserved;
		committed += s.committed;
	}
	FS_CHECK(v.reserved - fs.base.reserved == reserved);
	FS_CHECK(v.committed - fs.base.committed == committed);
}

int fs_pool_full(unsigned i)
{
	const struct fs_pool *pl = &fs.pool[i];

	return pl->held + pl->cached == FS_MAX_STACKS;
}
