/* libFuzzer harness for the stack pool (<rtmem/stack.h>): an input is a
 * pool configuration and a program of acquires, releases (of held stacks
 * and of things that are not), writes and destroys on two pools, each
 * answer checked against the model of fuzz_stack_model.h.
 *
 * Input layout (every read past the end gives 0, see fuzz_input.h;
 * make_corpus_stack.py spells seeds in it):
 *   route byte   & 3: 1 libc hooks, 2 refusing hooks (then 4 bytes of
 *                refusal mask), else raw system calls (fuzz_hooks.h)
 *   config       for pool 0 (create)
 *   operations   one byte each plus arguments: low 4 bits the operation
 *                (the table in run_op), bit 4 the pool (0 or 1). An
 *                operation on an empty pool slot creates a pool there
 *                instead, reading a config.
 *
 * Through the refusing route the harness knows which calls the OS
 * refused during each operation (fz_refused), and stack.h says what each
 * refusal must do, so every answer is exact: an acquire fails exactly
 * when the limit is reached, the pool's slot cannot exist, or a call was
 * refused; a release returns an error exactly when its purge was refused,
 * retires the slot exactly when the commit back was refused too, and sets
 * it aside when the retiring decommit was refused as well (Windows).
 * After every operation the counters must be the model's and
 * the process-wide accounting their sum; at the end, with every pool
 * destroyed, the accounting is back where it started. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rtmem/stack.h>
#include <rtmem/sys.h>

#include "fuzz_hooks.h"
#include "fuzz_input.h"
#include "fuzz_stack_model.h"

#define FS_MAX_OPS 1024

#define FS_UNKNOWN_FLAG 0x2u

#define FS_DEFAULT_SIZE ((size_t)256 << 10)
#define FS_DEFAULT_KEEP ((size_t)16 << 10)

/* What a refused purge answers: the refusing route's madvise says
 * EAGAIN; its VirtualFree and VirtualAlloc say ENOMEM. */
#if defined(_WIN32)
#define FS_PURGE_REFUSED RTM_ENOMEM
#define FS_PURGE_CALLS   2 /* a decommit and a commit */
#else
#define FS_PURGE_REFUSED RTM_EAGAIN
#define FS_PURGE_CALLS   1
#endif

static struct fz_in in;
static int refusing;

/* RTM_FUZZ_TRACE=1 prints each operation as it runs: reading a crash. */
static int tracing;
#define TRACE(...) (tracing ? (void)fprintf(stderr, __VA_ARGS__) : (void)0)

/* Something no pool handed out, whose addresses are real. */
static unsigned char stranger[(64 << 10) + (64 << 10)];

static int stats_equal(struct rtm_stack_stats a, struct rtm_stack_stats b)
{
	return a.acquired == b.acquired && a.cached == b.cached && a.reserved == b.reserved &&
	       a.committed == b.committed;
}

static int vm_equal(struct rtm_vm_stats a, struct rtm_vm_stats b)
{
	return a.reserved == b.reserved && a.committed == b.committed;
}

/* n rounded up to pages, 0 if that overflows (as the pool rounds). */
static size_t pages_up(size_t n)
{
	return n > SIZE_MAX - (fs.ps - 1) ? 0 : (n + fs.ps - 1) & ~(fs.ps - 1);
}

static struct rtm_stack stack_of(const struct fs_stack *st)
{
	struct rtm_stack s;

	s.lo = (void *)st->lo;
	s.hi = (void *)st->hi;
	s.sp = (void *)(FS_GROWS_UP ? st->lo + FS_UP_FRAME : st->hi);
	return s;
}

/* --- creating ------------------------------------------------------------ */

/* Small sizes, so many stacks fit in an input's budget; below a page
 * multiple by a few bytes where the byte says, which must round up. */
static void fields(struct rtm_stack_config *cfg)
{
	unsigned s = fz_u8(&in), g = fz_u8(&in), k = fz_u8(&in);
	size_t ps = fs.ps, pages;

	pages = (s & 15) * ((s & 0x80) ? 4 : 1);
	cfg->size = pages ? pages * ps - ((s >> 4) & 7) * 97 : 0;
	pages = g & 7;
	cfg->guard = pages * ps + ((g >> 3) & 31) * 67;
	if (pages && (g >> 3))
		cfg->guard -= ps; /* a few bytes past pages - 1 */
	cfg->keep_resident = k ? (k & 31) * ps + ((k >> 5) & 7) * 301 : 0;
}

/* Sizes no address space holds, and sizes whose rounding overflows. */
static void far(struct rtm_stack_config *cfg)
{
	unsigned sel = fz_u8(&in);

	switch (sel % 6) {
	case 0:
		cfg->size = FZ_HUGE_FLOOR + (sel >> 3);
		break;
	case 1:
		cfg->guard = FZ_HUGE_FLOOR + (sel >> 3);
		break;
	case 2:
		cfg->size = SIZE_MAX - (sel >> 3);
		break;
	case 3:
		cfg->guard = SIZE_MAX - (sel >> 3);
		break;
	case 4:
		cfg->keep_resident = SIZE_MAX - (sel >> 3);
		break;
	default:
		cfg->size = cfg->guard = SIZE_MAX / 2 + 1;
		break;
	}
}

static void create(unsigned i)
{
	unsigned b = fz_u8(&in);
	struct rtm_stack_config cfg = { 0, 0, 0, 0, 0, 0 };
	size_t size, guard, keep, slot;
	int valid, unreachable;
	unsigned r0 = fz_refused();
	rtm_stack_pool *p;

	if ((b & 3) < 2)
		fields(&cfg);
	else if ((b & 3) == 3)
		far(&cfg);
	if (b & 4)
		cfg.flags |= RTM_STACK_ZERO;
	if ((b >> 5) == 7)
		cfg.flags |= FS_UNKNOWN_FLAG;
	if (b & 8)
		cfg.name = "rtm-fuzz-stack";
	if (b & 0x10)
		cfg.limit = fz_u8(&in);

	/* stack.h: zero means the default; rounded up to pages; a slot and
	 * a header page must fit in size_t. */
	size = pages_up(cfg.size ? cfg.size : FS_DEFAULT_SIZE);
	guard = pages_up(cfg.guard ? cfg.guard : fs.ps);
	keep = pages_up(cfg.keep_resident ? cfg.keep_resident : FS_DEFAULT_KEEP);
	valid = !(cfg.flags & ~RTM_STACK_ZERO) && size && guard && keep &&
	        !__builtin_add_overflow(size, guard, &slot) && slot <= SIZE_MAX - fs.ps;
	unreachable = size >= FZ_HUGE_FLOOR || guard >= FZ_HUGE_FLOOR;

	p = (b & 3) == 2 ? rtm_stack_pool_create(NULL) : rtm_stack_pool_create(&cfg);
	TRACE("pool %u: create(size %zu, guard %zu, keep %zu, limit %zu, flags %#x%s) = %p\n", i,
	      cfg.size, cfg.guard, cfg.keep_resident, cfg.limit, cfg.flags,
	      (b & 3) == 2 ? ", NULL cfg" : "", (void *)p);
	if ((b & 3) == 2) {
		valid = 1;
		unreachable = 0;
		size = FS_DEFAULT_SIZE;
		guard = fs.ps;
		keep = FS_DEFAULT_KEEP;
		cfg.limit = 0;
		cfg.flags = 0;
	}
	/* Only the two calls for the header can fail it, and then nothing
	 * stays mapped (fs_check_pools sees that). */
	FS_CHECK(!p == (!valid || fz_refused() != r0));
	if (p)
		fs_pool_track(i, p, size, guard, keep, cfg.limit, !!(cfg.flags & RTM_STACK_ZERO),
		              unreachable);
}

/* --- acquiring ----------------------------------------------------------- */

/* 1 if the pool handed a stack out. */
static int acquire(unsigned i)
{
	struct fs_pool *pl = &fs.pool[i];
	size_t cached = pl->cached;
	int at_limit = pl->limit && pl->held >= pl->limit;
	struct rtm_stack s, untouched;
	struct rtm_stack_stats before = rtm_stack_pool_stats(pl->p), after;
	struct rtm_vm_stats vm = rtm_vm_stats();
	unsigned r0 = fz_refused(), c0 = fz_calls(), refused, calls;
	int err, want;
	long k;

	if (!pl->unreachable && !at_limit && !cached && fs_pool_full(i))
		return 0;
	memset(&s, 0xa5, sizeof s);
	untouched = s;
	err = rtm_stack_acquire(pl->p, &s);
	refused = fz_refused() - r0;
	calls = fz_calls() - c0;
	TRACE("pool %u: acquire = %d [%p, %p) (%u calls, %u refused)\n", i, err, s.lo, s.hi, calls,
	      refused);
	after = rtm_stack_pool_stats(pl->p);

	/* The limit comes before anything else. A pool whose slot no
	 * address space holds never has a stack, cached or counted. A
	 * cached stack costs no OS call, so nothing can refuse it. */
	if (at_limit)
		want = RTM_ENOMEM;
	else if (pl->unreachable)
		/* What the OS answered to the reservation (stack.h): the
		 * kernel and Windows say ENOMEM, valgrind's mmap EINVAL. */
		want = err == RTM_EINVAL ? RTM_EINVAL : RTM_ENOMEM;
	else if (cached)
		want = 0;
	else
		want = refused ? RTM_ENOMEM : 0;
	if (err != want)
		fprintf(stderr, "fuzz_stack: acquire answered %d, the model %d (held %zu, cached %zu, "
		        "limit %zu, %u calls refused)\n", err, want, pl->held, cached, pl->limit,
		        refused);
	FS_CHECK(err == want);
	if (at_limit || cached)
		FS_CHECK(calls == 0);
	if (err) {
		FS_CHECK(memcmp(&s, &untouched, sizeof s) == 0);
		FS_CHECK(stats_equal(before, after));
		FS_CHECK(vm_equal(vm, rtm_vm_stats()));
		return 0;
	}
	k = fs_find(i, (uintptr_t)s.lo, (uintptr_t)s.hi);
	fs_check_handed_out(i, &s, k);
	FS_CHECK(after.acquired == before.acquired + 1);
	if (cached) {
		/* A cached stack first. */
		FS_CHECK(k >= 0 && pl->s[k].state == FS_CACHED);
		FS_CHECK(after.cached == before.cached - 1);
		FS_CHECK(after.reserved == before.reserved && after.committed == before.committed);
		fs_reacquired(i, (size_t)k);
	} else {
		/* Fresh: one stack more committed, and a chunk header with it
		 * when a reservation was added. */
		FS_CHECK(k < 0);
		FS_CHECK(after.cached == 0);
		/* A fresh slot before a new reservation: a retired one is. */
		if (pl->n > pl->held + pl->cached)
			FS_CHECK(after.reserved == before.reserved);
		if (after.reserved == before.reserved)
			FS_CHECK(after.committed == before.committed + pl->size);
		else
			FS_CHECK(after.reserved > before.reserved &&
			         after.committed > before.committed + pl->size);
		k = (long)fs_add(i, (uintptr_t)s.lo, (uintptr_t)s.hi);
	}
	fs_verify(i, (size_t)k);
	return 1;
}

static void op_acquire_many(unsigned i)
{
	unsigned n = fz_u8(&in) % 96 + 1;

	while (n-- > 0 && acquire(i))
		;
}

/* --- releasing ----------------------------------------------------------- */

/* A release of held stack k, given as s (its own lo and hi; any sp). */
static void release_held(unsigned i, size_t k, const struct rtm_stack *s)
{
	struct fs_pool *pl = &fs.pool[i];
	struct rtm_stack_stats before = rtm_stack_pool_stats(pl->p), after;
	unsigned r0 = fz_refused(), c0 = fz_calls(), refused, calls;
	int purges = pl->size > pl->keep, err;

	fs_verify(i, k); /* still its holder's alone */
	err = rtm_stack_release(pl->p, s);
	refused = fz_refused() - r0;
	calls = fz_calls() - c0;
	TRACE("pool %u: release [%p, %p) = %d (%u calls, %u refused)\n", i, s->lo, s->hi, err,
	      calls, refused);
	after = rtm_stack_pool_stats(pl->p);
	if (!purges) {
		FS_CHECK(err == 0 && calls == 0);
	} else if (!refused) {
		FS_CHECK(err == 0);
		if (refusing)
			FS_CHECK(calls == FS_PURGE_CALLS);
	} else {
		FS_CHECK(err == FS_PURGE_REFUSED); /* the purge's, whatever came after */
	}
	FS_CHECK(after.acquired == before.acquired - 1 && after.reserved == before.reserved);
	/* Windows: a refused purge (a decommit and a commit) is followed by
	 * a commit of the range back. One refusal: the stack is cached all
	 * the same. The commit back refused too: the slot goes back unused
	 * and decommitted (stack.h); that decommit refused as well: the slot
	 * is set aside, still committed. (Linux's purge is one call.) */
	if (refused >= 3) {
		FS_CHECK(after.cached == before.cached && after.committed == before.committed);
		fs_set_aside(i, k);
		pl->st = after;
		return;
	}
	if (refused == 2) {
		FS_CHECK(after.cached == before.cached);
		FS_CHECK(after.committed == before.committed - pl->size);
		fs_retired(i, k);
		pl->st = after; /* committed went down: the one time it may */
		return;
	}
	FS_CHECK(after.cached == before.cached + 1 && after.committed == before.committed);
	fs_released(i, k, purges, err);
}

static void op_release(unsigned i)
{
	long k = fs_pick(i, FS_HELD, fz_u8(&in));
	struct rtm_stack s;

	if (k < 0)
		return;
	s = stack_of(&fs.pool[i].s[k]);
	release_held(i, (size_t)k, &s);
}

static void op_release_many(unsigned i)
{
	struct fs_pool *pl = &fs.pool[i];
	unsigned v = fz_u8(&in), mode = v & 3;
	size_t held[FS_MAX_STACKS], n = 0;

	for (size_t k = 0; k < pl->n; k++)
		if (pl->s[k].state == FS_HELD)
			held[n++] = k;
	for (size_t j = 0; j < n; j++) {
		size_t k = held[mode == 1 ? n - 1 - j : j];
		struct rtm_stack s;

		if (mode == 2 && j % 2)
			continue;
		if (mode == 3 && j > (v >> 2))
			break;
		s = stack_of(&pl->s[k]);
		release_held(i, k, &s);
	}
}

/* Something to release that this pool may not take back, by variant; a
 * variant that lands on one of the pool's held stacks after all (a
 * change by a whole slot) is a release of that stack. */
static struct rtm_stack not_held(unsigned i, unsigned variant, unsigned pick, unsigned d)
{
	const struct fs_pool *pl = &fs.pool[i], *other = &fs.pool[!i];
	uintptr_t slot = pl->size + pl->guard;
	const uintptr_t deltas[8] = { 1, (uintptr_t)-1, fs.ps, (uintptr_t)0 - fs.ps,
		                      slot, (uintptr_t)0 - slot, pl->guard, (uintptr_t)0 - pl->guard };
	uintptr_t delta = deltas[d % 8];
	long held = fs_pick(i, FS_HELD, pick), k;
	struct rtm_stack s;

	/* A stranger: real memory no pool handed out. */
	s.lo = (void *)(((uintptr_t)stranger + fs.ps - 1) & ~(uintptr_t)(fs.ps - 1));
	s.hi = (void *)((uintptr_t)s.lo + pl->size);
	switch (variant % 10) {
	case 0: /* a second release of a stack still cached */
		k = fs_pick(i, FS_CACHED, pick);
		if (k >= 0)
			s = stack_of(&pl->s[k]);
		break;
	case 1: /* changed: lo, hi or both moved */
	case 2:
	case 3:
		k = held >= 0 ? held : fs_pick(i, FS_CACHED, pick);
		if (k < 0)
			break;
		s = stack_of(&pl->s[k]);
		if (variant % 10 != 2)
			s.lo = (void *)((uintptr_t)s.lo + delta);
		if (variant % 10 != 1)
			s.hi = (void *)((uintptr_t)s.hi + delta);
		break;
	case 4:
		break;
	case 5: /* another pool's stack */
		if (other->p && other->n) {
			s = stack_of(&other->s[pick % other->n]);
			break;
		}
		/* fall through */
	case 6: /* a destroyed pool's stack */
		if (fs.nghost) {
			unsigned g = pick % (fs.nghost < FS_GHOSTS ? fs.nghost : FS_GHOSTS);

			s.lo = (void *)fs.ghost_lo[g];
			s.hi = (void *)fs.ghost_hi[g];
		}
		break;
	case 7: /* empty or reversed */
		k = held >= 0 ? held : fs_pick(i, FS_CACHED, pick);
		if (k < 0)
			break;
		s = stack_of(&pl->s[k]);
		if (d & 1) {
			s.hi = s.lo;
		} else {
			s.lo = (void *)pl->s[k].hi;
			s.hi = (void *)pl->s[k].lo;
		}
		break;
	case 8: /* the pool's own header */
		s.lo = (void *)pl->p;
		s.hi = (void *)((uintptr_t)pl->p + pl->size);
		break;
	default: /* the ends of the address space, hi wrapping past the top */
		s.lo = (void *)((d & 1) ? 0 : (uintptr_t)0 - fs.ps);
		s.hi = (void *)((uintptr_t)s.lo + pl->size);
		break;
	}
	s.sp = (void *)(FS_GROWS_UP ? (char *)s.lo + FS_UP_FRAME : s.hi);
	return s;
}

static void op_release_invalid(unsigned i)
{
	struct fs_pool *pl = &fs.pool[i];
	unsigned variant = fz_u8(&in), pick = fz_u8(&in), d = fz_u8(&in);
	struct rtm_stack s = not_held(i, variant, pick, d);
	long k = fs_find(i, (uintptr_t)s.lo, (uintptr_t)s.hi);
	struct rtm_stack_stats before = rtm_stack_pool_stats(pl->p);
	struct rtm_vm_stats vm = rtm_vm_stats();
	unsigned c0 = fz_calls();
	int err;

	if (k >= 0 && pl->s[k].state == FS_HELD) {
		release_held(i, (size_t)k, &s);
		return;
	}
	err = rtm_stack_release(pl->p, &s);
	TRACE("pool %u: release (variant %u) [%p, %p) = %d\n", i, variant % 10, s.lo, s.hi, err);
	/* Refused, and nothing changes: no purge, no counter. */
	FS_CHECK(err == RTM_EINVAL);
	FS_CHECK(fz_calls() == c0);
	FS_CHECK(stats_equal(before, rtm_stack_pool_stats(pl->p)));
	FS_CHECK(vm_equal(vm, rtm_vm_stats()));
}

static void op_reacquire(unsigned i)
{
	op_release(i);
	(void)acquire(i);
}

/* --- using --------------------------------------------------------------- */

static void op_write(unsigned i)
{
	const struct fs_pool *pl = &fs.pool[i];
	long k = fs_pick(i, FS_HELD, fz_u8(&in));
	unsigned v = fz_u8(&in);
	size_t depth;

	if (k < 0)
		return;
	/* Around keep_resident, where what a release keeps ends. */
	switch (v & 7) {
	case 0:
		depth = (v >> 3) + 1;
		break;
	case 1:
		depth = pl->keep;
		break;
	case 2:
		depth = pl->keep + fs.ps;
		break;
	case 3:
		depth = pl->keep - 1;
		break;
	case 4:
		depth = pl->size;
		break;
	case 5:
		depth = ((v >> 3) + 1) * fs.ps;
		break;
	default:
		depth = pl->size / 31 * (v >> 3);
		break;
	}
	if (depth > pl->size)
		depth = pl->size;
	if (!depth)
		depth = 1;
	TRACE("pool %u: write %zu bytes into [%p, %p)\n", i, depth, (void *)pl->s[k].lo,
	      (void *)pl->s[k].hi);
	fs_verify(i, (size_t)k);
	fs_write(i, (size_t)k, depth);
}

static void verify_held(unsigned i)
{
	const struct fs_pool *pl = &fs.pool[i];

	for (size_t k = 0; k < pl->n; k++)
		if (pl->s[k].state == FS_HELD)
			fs_verify(i, k);
}

/* Every call with a NULL it documents as RTM_EINVAL or as ignored. */
static void op_nulls(unsigned i)
{
	struct fs_pool *pl = &fs.pool[i];
	struct rtm_stack_stats before = rtm_stack_pool_stats(pl->p), none = rtm_stack_pool_stats(NULL);
	struct rtm_stack s, untouched;
	long k = fs_pick(i, FS_HELD, 0);

	memset(&s, 0x5a, sizeof s);
	untouched = s;
	FS_CHECK(rtm_stack_acquire(NULL, &s) == RTM_EINVAL);
	FS_CHECK(memcmp(&s, &untouched, sizeof s) == 0);
	FS_CHECK(rtm_stack_acquire(pl->p, NULL) == RTM_EINVAL);
	if (k >= 0)
		s = stack_of(&pl->s[k]);
	FS_CHECK(rtm_stack_release(NULL, &s) == RTM_EINVAL);
	FS_CHECK(rtm_stack_release(pl->p, NULL) == RTM_EINVAL);
	FS_CHECK(none.acquired == 0 && none.cached == 0 && none.reserved == 0 && none.committed == 0);
	rtm_stack_pool_destroy(NULL);
	FS_CHECK(stats_equal(before, rtm_stack_pool_stats(pl->p)));
}

static void op_destroy(unsigned i)
{
	TRACE("pool %u: destroy\n", i);
	verify_held(i);
	rtm_stack_pool_destroy(fs.pool[i].p);
	fs_pool_forget(i);
}

/* --- the program --------------------------------------------------------- */

static void run_op(unsigned op)
{
	unsigned i = (op >> 4) & 1;

	if (!fs.pool[i].p) {
		create(i);
		return;
	}
	switch (op & 15) {
	case 0:
	case 1:
	case 2:
	case 14:
		(void)acquire(i);
		break;
	case 3:
		op_acquire_many(i);
		break;
	case 4:
	case 5:
	case 15:
		op_release(i);
		break;
	case 6:
		op_release_invalid(i);
		break;
	case 7:
	case 13:
		op_write(i);
		break;
	case 8:
		op_reacquire(i);
		break;
	case 9:
		op_release_many(i);
		break;
	case 10:
		verify_held(i);
		break;
	case 11:
		op_nulls(i);
		break;
	default:
		op_destroy(i);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned ops = 0;

	in.p = data;
	in.n = size;
	tracing = getenv("RTM_FUZZ_TRACE") != NULL;
	/* A -Dhooks=false build never calls the table: nothing is refused,
	 * and no call is counted. */
	refusing = fz_route_from_input(&in) && rtm_hooks_enabled();
	fs_model_begin();

	create(0);
	fs_check_pools();
	while (in.n && ops++ < FS_MAX_OPS) {
		run_op(fz_u8(&in));
		fs_check_pools();
	}
	for (unsigned i = 0; i < FS_POOLS; i++)
		if (fs.pool[i].p)
			op_destroy(i);
	fz_route_remove();
	{
		struct rtm_vm_stats v = rtm_vm_stats();
		FS_CHECK(v.reserved == fs.base.reserved && v.committed == fs.base.committed);
	}
	return 0;
}
