/* libFuzzer harness: an input is a program of arena operations, each
 * checked against the reference model of fuzz_model.h.
 *
 * Input layout (every read past the end gives 0, see fuzz_input.h;
 * make_corpus.py spells seeds in it):
 *   route byte   & 3: 1 libc hooks, 2 refusing hooks (then 4 bytes of
 *                refusal mask), else raw system calls
 *   config       for arena 0: a kind/flags byte, then the fields (create)
 *   operations   one byte each plus arguments: low 4 bits the operation
 *                (the table in run_op), bit 4 the arena (0 or 1). An
 *                operation on an empty arena slot creates one instead,
 *                reading a config.
 *
 * The driver checks after every operation that every live allocation
 * still holds its pattern and that the process-wide accounting equals the
 * sum over the arenas; at the end, with everything destroyed, that the
 * accounting is back where it started. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rtmem/arena.h>

#include "fuzz_hooks.h"
#include "fuzz_input.h"
#include "fuzz_model.h"
#include "fuzz_pattern.h"

/* Bounds that keep one input's memory small; operations past them are
 * skipped, not failed. */
#define FZ_LIVE_BUDGET   ((size_t)24 << 20)
#define FZ_COMMIT_BUDGET ((size_t)160 << 20)
#define FZ_MAX_OPS       4096

#define FZ_UNKNOWN_FLAG     0x8u
#define FZ_IN_PLACE_PRIVATE 0x80000000u /* the arena's own internal flag */

#define FZ_BUF_SIZE (((size_t)1 << 20) + 256)
static _Alignas(64) unsigned char bufs[FZ_ARENAS][FZ_BUF_SIZE];

static struct fz_in in;

/* RTM_FUZZ_TRACE=1 prints each operation as it runs: reading a crash. */
static int tracing;
#define TRACE(...) (tracing ? (void)fprintf(stderr, __VA_ARGS__) : (void)0)

static int stats_equal(struct rtm_arena_stats a, struct rtm_arena_stats b)
{
	return a.used == b.used && a.committed == b.committed && a.reserved == b.reserved &&
	       a.peak == b.peak && a.blocks == b.blocks;
}

static size_t at_least_one(size_t n)
{
	return n ? n : 1;
}

static size_t room(unsigned i)
{
	const struct fz_arena *ar = &fz.ar[i];
	return ar->limit ? ar->limit - ar->st.used : SIZE_MAX;
}

/* Sizes and alignments that may succeed; anything else must fail. */
static int sane(size_t size, size_t align)
{
	return size <= FZ_SANE_MAX + 256 && fz_pow2(align) && align <= FZ_SANE_MAX;
}

static int over_budget(unsigned i, size_t size)
{
	size_t committed = 0;

	for (unsigned k = 0; k < FZ_ARENAS; k++)
		if (fz.ar[k].a)
			committed += fz.ar[k].st.committed;
	return fz.live_bytes + size > FZ_LIVE_BUDGET || fz.nlive == FZ_MAX_LIVE ||
	       committed > FZ_COMMIT_BUDGET || fz.ar[i].st.blocks + 1 >= FZ_MAX_CHAIN;
}

/* Whether a fresh allocation of size at align must succeed: nothing in
 * the contract lets it fail. */
static int must_fit(unsigned i, size_t size, size_t align)
{
	const struct fz_arena *ar = &fz.ar[i];

	if (fz.refusing || !sane(size, align) || (ar->flags & RTM_ARENA_FIXED) || ar->in_place)
		return 0;
	/* The padding is below align, wherever the allocation lands. */
	return !ar->limit || at_least_one(size) + (align - 1) <= room(i);
}

/* --- creating ------------------------------------------------------------ */

static void create_in_slot(unsigned i)
{
	unsigned off = fz_u8(&in), v = fz_u16(&in);
	size_t len = (v & 1) ? v >> 1 : (size_t)(v >> 1) << 5;
	unsigned char *buf = off == 255 ? 0 : bufs[i] + off;
	rtm_arena *a;

	if (len > FZ_BUF_SIZE - off)
		len = FZ_BUF_SIZE - off;
	a = rtm_arena_create_in(buf, len);
	TRACE("arena %u: create_in(%p, %zu) = %p\n", i, (void *)buf, len, (void *)a);
	if (!buf || len < rtm_arena_create_in_min()) {
		FZ_CHECK(!a);
		return;
	}
	FZ_CHECK(a);
	FZ_CHECK((unsigned char *)a >= buf && (unsigned char *)a < buf + len);
	fz_arena_track(i, a, 1, RTM_ARENA_FIXED, 0);
	FZ_CHECK(fz.ar[i].st.reserved == len && fz.ar[i].st.committed == len);
}

static void create(unsigned i)
{
	unsigned b = fz_u8(&in);
	struct rtm_arena_config cfg = { 0, 0, 0, 0, 0, 0 };
	unsigned v;
	int use_cfg = (b & 3) < 2;
	rtm_arena *a;

	if ((b & 3) == 3) {
		create_in_slot(i);
		return;
	}
	cfg.flags = (b >> 2) & (RTM_ARENA_FIXED | RTM_ARENA_GUARD | RTM_ARENA_HUGEPAGES);
	if (b & 0x20)
		cfg.flags |= (b & 0x40) ? FZ_IN_PLACE_PRIVATE : FZ_UNKNOWN_FLAG;
	if (b & 0x40)
		cfg.name = "rtm-fuzz";
	/* The top value of each field is SIZE_MAX, which no rounding
	 * survives: creating must then fail. */
	v = fz_u16(&in);
	cfg.reserve = v == 0xffff ? SIZE_MAX : (size_t)v << 7; /* up to 8 MiB; 0: the default */
	v = fz_u8(&in);
	cfg.commit_step = v == 0xff ? SIZE_MAX : ((size_t)v << 12) - (v & 1) * 1000;
	v = fz_u8(&in);
	cfg.retain = v == 0xff ? SIZE_MAX : ((size_t)v << 13) - (v & 1) * 100;
	if (b & 0x80) {
		v = fz_u16(&in);
		cfg.limit = (v & 1) ? v >> 1 : (size_t)(v >> 1) << 9;
	}
	if (!use_cfg && !(b & 0x20)) {
		a = rtm_arena_create(0);
		TRACE("arena %u: create(NULL) = %p\n", i, (void *)a);
		FZ_CHECK(a || fz.refusing);
		if (a)
			fz_arena_track(i, a, 0, 0, 0);
		return;
	}
	a = rtm_arena_create(&cfg);
	TRACE("arena %u: create(reserve %zu, step %zu, retain %zu, limit %zu, flags %#x) = %p\n", i,
	      cfg.reserve, cfg.commit_step, cfg.retain, cfg.limit, cfg.flags, (void *)a);
	if ((b & 0x20) || cfg.reserve == SIZE_MAX || cfg.commit_step == SIZE_MAX ||
	    cfg.retain == SIZE_MAX) {
		FZ_CHECK(!a);
		return;
	}
	FZ_CHECK(a || fz.refusing);
	if (!a)
		return;
	fz_arena_track(i, a, 0, cfg.flags, cfg.limit);
	if (!fz.refusing && cfg.reserve)
		FZ_CHECK(fz.ar[i].st.reserved >= cfg.reserve); /* halving happens only on refusal */
}

/* --- allocating ---------------------------------------------------------- */

enum how { PLAIN, SLOW, ZEROED, RESIZE_NULL };

static void alloc_checked(unsigned i, enum how how, size_t size, size_t align)
{
	struct fz_arena *ar = &fz.ar[i];
	struct rtm_arena_stats before = ar->st, after;
	int must_fail = !sane(size, align) || at_least_one(size) > room(i);
	int must_work = must_fit(i, size, align);
	unsigned char *p;
	size_t grew;

	if (!must_fail && over_budget(i, size))
		return;
	switch (how) {
	case ZEROED:
		p = rtm_arena_alloc_zeroed(ar->a, size, align);
		break;
	case SLOW:
		p = rtm_arena_alloc_slow(ar->a, size, align);
		break;
	case RESIZE_NULL:
		p = rtm_arena_resize(ar->a, 0, 0, size, align);
		break;
	default:
		p = rtm_arena_alloc(ar->a, size, align);
		break;
	}
	TRACE("arena %u: alloc#%d(%zu, %zu) = %p\n", i, (int)how, size, align, (void *)p);
	after = fz_stats_after(i, before);
	if (!p) {
		FZ_CHECK(!must_work);
		FZ_CHECK(stats_equal(before, after));
		return;
	}
	FZ_CHECK(!must_fail);
	grew = after.used - before.used;
	FZ_CHECK(after.used > before.used && grew >= at_least_one(size));
	FZ_CHECK(grew - at_least_one(size) < align); /* only alignment padding on top */
	FZ_CHECK(after.reserved >= before.reserved && after.committed >= before.committed);
	if (ar->in_place)
		FZ_CHECK(p >= bufs[i] && p + at_least_one(size) <= bufs[i] + FZ_BUF_SIZE);
	if (how == ZEROED && size)
		FZ_CHECK(fz_all_zero(p, size));
	fz_chain_sync(i, before.used, after.blocks);
	fz_live_add(i, p, size, align, (unsigned)(fz.seq * 37 + 11), (unsigned)(fz.seq * 101 >> 2));
	fz_fill(p, 0, size, fz.live[fz.nlive - 1].phase, fz.live[fz.nlive - 1].x);
}

static void op_alloc(unsigned i, enum how how, unsigned repeat)
{
	size_t size = fz_size(&in, room(i));
	size_t align = fz_align(&in);

	while (repeat-- > 0 && fz.ar[i].a)
		alloc_checked(i, how, size, align);
}

/* The alignment passed with a resize: the allocation's own, a smaller
 * power of two (which it also has), or an invalid one. */
static size_t resize_align(size_t own)
{
	unsigned v = fz_u8(&in);

	switch (v & 3) {
	case 0:
	case 1:
		return own;
	case 2:
		own >>= 1 + (v >> 2) % 8;
		return own ? own : 1;
	default:
		return (v & 4) ? 0 : own * 3;
	}
}

static void op_resize(unsigned i)
{
	struct fz_arena *ar = &fz.ar[i];
	long k = fz_live_pick(i, fz_u8(&in));
	size_t new_size = fz_size(&in, room(i));
	struct rtm_arena_stats before = ar->st, after;
	struct fz_alloc l;
	size_t align, o1, n1;
	int must_fail, must_work;
	unsigned char *q;

	if (k < 0 || !fz.live[k].exact) {
		alloc_checked(i, RESIZE_NULL, new_size, fz_align(&in));
		return;
	}
	l = fz.live[k];
	align = resize_align(l.align);
	o1 = at_least_one(l.size);
	n1 = at_least_one(new_size);
	must_fail = !sane(new_size, align);
	must_work = !must_fail && (n1 <= o1 || must_fit(i, new_size, align));
	if (!must_fail && n1 > o1 && over_budget(i, new_size))
		return;

	q = rtm_arena_resize(ar->a, l.p, l.size, new_size, align);
	TRACE("arena %u: resize(%p, %zu, %zu, %zu) = %p\n", i, (void *)l.p, l.size, new_size, align,
	      (void *)q);
	after = fz_stats_after(i, before);
	if (!q) {
		FZ_CHECK(!must_work);
		FZ_CHECK(stats_equal(before, after));
		return;
	}
	FZ_CHECK(!must_fail);
	if (q == l.p) {
		/* In place: the newest allocation moves the bump pointer;
		 * any other can only shrink, and then nothing moves. */
		if (n1 > o1) {
			FZ_CHECK(after.used == before.used + (n1 - o1));
			FZ_CHECK(!fz_live_overlaps(q, new_size, (size_t)k));
		} else {
			FZ_CHECK(after.used == before.used || after.used == before.used - (o1 - n1));
			fz_position_lowered(i, after.used);
		}
		FZ_CHECK(after.blocks == before.blocks);
		if (new_size > l.size) /* 0 -> 1 too: the byte was there, never filled */
			fz_fill(q, l.size, new_size, l.phase, l.x);
		fz.live_bytes += new_size - l.size;
		fz.live[k].size = new_size;
		if (new_size < fz.live[k].min_size)
			fz.live[k].min_size = new_size;
		fz.live[k].changed = ++fz.seq;
		return;
	}
	/* Moved: only growth may move, and the old bytes come along. */
	FZ_CHECK(n1 > o1);
	FZ_CHECK(fz_intact(q, l.size, l.phase, l.x));
	FZ_CHECK(after.used - before.used >= n1 && after.used - before.used - n1 < align);
	FZ_CHECK(!fz_live_overlaps(q, new_size, (size_t)-1)); /* the old one included */
	fz_chain_sync(i, before.used, after.blocks);
	fz_live_remove((size_t)k); /* still mapped, but no longer the caller's */
	fz_live_add(i, q, new_size, align, l.phase, l.x);
	fz_fill(q, l.size, new_size, l.phase, l.x);
}

/* --- marks, rewind, reset, destroy --------------------------------------- */

static void op_save(unsigned i)
{
	struct fz_arena *ar = &fz.ar[i];
	struct rtm_arena_stats before = ar->st;
	unsigned slot = fz_u8(&in) % FZ_MARKS;
	struct rtm_arena_mark m = rtm_arena_save(ar->a);

	FZ_CHECK(stats_equal(before, fz_stats_after(i, before)));
	fz_mark_save(slot, i, m);
	TRACE("arena %u: save -> slot %u at %zu\n", i, slot, fz.marks[slot].pos);
}

static void op_rewind(unsigned i)
{
	static const struct fz_mark unset; /* a zero mark: foreign to every arena */
	struct fz_arena *ar = &fz.ar[i];
	struct rtm_arena_stats before = ar->st, after;
	unsigned slot = fz_u8(&in) % FZ_MARKS;
	const struct fz_mark *mk = fz.marks[slot].set ? &fz.marks[slot] : &unset;
	size_t blocks = 0;
	enum fz_verdict v = fz_mark_verdict(mk, i, &blocks);

	TRACE("arena %u: rewind to slot %u (verdict %d, pos %zu)\n", i, slot, (int)v, mk->pos);
	fz_verify_live(1);
	rtm_arena_rewind(ar->a, mk->m);
	after = fz_stats_after(i, before);
	if (v == FZ_IGNORED) {
		FZ_CHECK(stats_equal(before, after));
		return;
	}
	FZ_CHECK(after.used == mk->pos);
	FZ_CHECK(after.blocks == blocks);
	FZ_CHECK(after.reserved <= before.reserved && after.committed <= before.committed);
	fz_chain_sync(i, 0, after.blocks);
	fz_rewound(i, mk->seq, mk->pos);
}

static void op_reset(unsigned i)
{
	struct fz_arena *ar = &fz.ar[i];
	struct rtm_arena_stats before = ar->st, after;

	TRACE("arena %u: reset\n", i);
	fz_verify_live(1);
	rtm_arena_reset(ar->a);
	after = fz_stats_after(i, before);
	FZ_CHECK(after.used == 0 && after.blocks == 1);
	FZ_CHECK(after.reserved <= before.reserved && after.committed <= before.committed);
	fz_chain_sync(i, 0, 1);
	fz_rewound(i, 0, 0);
}

static void op_destroy(unsigned i)
{
	TRACE("arena %u: destroy\n", i);
	fz_verify_live(1);
	rtm_arena_destroy(fz.ar[i].a);
	fz_arena_forget(i);
}

/* --- the program --------------------------------------------------------- */

static void run_op(unsigned op)
{
	unsigned i = (op >> 4) & 1;

	if (!fz.ar[i].a) {
		create(i);
		return;
	}
	switch (op & 15) {
	case 0:
	case 1:
	case 2:
		op_alloc(i, PLAIN, 1);
		break;
	case 3:
		op_alloc(i, SLOW, 1);
		break;
	case 4:
		op_alloc(i, ZEROED, 1);
		break;
	case 5:
	case 6:
		op_resize(i);
		break;
	case 7:
		op_alloc(i, (op >> 5) & 1 ? ZEROED : PLAIN, fz_u8(&in) % 32 + 1);
		break;
	case 8:
	case 9:
		op_save(i);
		break;
	case 10:
	case 11:
		op_rewind(i);
		break;
	case 12:
	case 13:
		op_reset(i);
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
	fz_model_begin(fz_route_from_input(&in));

	create(0);
	while (in.n && ops++ < FZ_MAX_OPS) {
		run_op(fz_u8(&in));
		fz_verify_live(0);
		fz_check_arenas();
		fz_check_vm();
	}
	for (unsigned i = 0; i < FZ_ARENAS; i++)
		if (fz.ar[i].a)
			op_destroy(i);
	rtm_arena_destroy(0); /* documented as ignored */
	fz_route_remove();
	{
		struct rtm_vm_stats v = rtm_vm_stats();
		FZ_CHECK(v.reserved == fz.base.reserved && v.committed == fz.base.committed);
	}
	return 0;
}
