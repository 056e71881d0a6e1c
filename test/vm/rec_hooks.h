/* A hook table that records every call rtmem makes through the hooked
 * entry points of <rtmem/sys.h>, passes it on to the raw system call, and
 * can refuse chosen calls. It keeps the set of ranges mapped through it and
 * not yet unmapped, so a test can ask "was everything that was mapped given
 * back?" without trusting the code under test.
 *
 * One recorder per process (a test runs in its own forked child), used from
 * one thread. */
#ifndef TEST_VM_REC_HOOKS_H
#define TEST_VM_REC_HOOKS_H

#include <stdint.h>
#include <string.h>

#include <check.h>
#include <rtmem/sys.h>

#include "proc.h"

enum rec_op { REC_MMAP, REC_MUNMAP, REC_MPROTECT, REC_MADVISE, REC_OPS };

struct rec_call {
	enum rec_op op;
	uintptr_t addr; /* for a mmap that succeeded: the address it returned */
	size_t n;
	int arg; /* prot, advice; flags for mmap */
	int err; /* what the call returned */
};

struct rec_range {
	uintptr_t lo, hi;
};

/* Returns the errno the call must fail with, or 0 to let it through; nth
 * counts this operation's calls from 1. */
typedef int (*rec_veto_fn)(const struct rec_call *c, unsigned nth);

#define REC_LOG_MAX  4096
#define REC_LIVE_MAX 1024

struct rec {
	unsigned calls[REC_OPS];
	struct rec_call log[REC_LOG_MAX];
	size_t nlog; /* calls made; the log keeps the first REC_LOG_MAX */
	struct rec_range live[REC_LIVE_MAX];
	size_t nlive;
	rec_veto_fn veto;
	const struct rtm_hooks *prev; /* put back by rec_end: START_HOOKS */
};

static struct rec rec;

static inline size_t rec_round(size_t n)
{
	return (n + page_size() - 1) & ~(page_size() - 1);
}

/* Takes [lo, hi) out of the live set, splitting ranges it cuts. */
static inline void rec_live_remove(uintptr_t lo, uintptr_t hi)
{
	for (size_t i = 0; i < rec.nlive;) {
		struct rec_range r = rec.live[i];

		if (r.hi <= lo || r.lo >= hi) {
			i++;
			continue;
		}
		rec.live[i] = rec.live[--rec.nlive];
		if (r.lo < lo) {
			ck_assert_uint_lt(rec.nlive, REC_LIVE_MAX);
			rec.live[rec.nlive++] = (struct rec_range){ r.lo, lo };
		}
		if (r.hi > hi) {
			ck_assert_uint_lt(rec.nlive, REC_LIVE_MAX);
			rec.live[rec.nlive++] = (struct rec_range){ hi, r.hi };
		}
	}
}

static inline void rec_note(const struct rec_call *c)
{
	if (rec.nlog < REC_LOG_MAX)
		rec.log[rec.nlog] = *c;
	rec.nlog++;
}

static inline int rec_vetoed(struct rec_call *c)
{
	unsigned nth = ++rec.calls[c->op];

	c->err = rec.veto ? rec.veto(c, nth) : 0;
	return c->err;
}

static inline rtm_mmap_result rec_mmap(void *ctx, void *addr, size_t n, int prot, int flags,
                                       int fd, uint64_t off)
{
	struct rec_call c = { REC_MMAP, (uintptr_t)addr, n, flags, 0 };
	rtm_mmap_result r = { NULL, 0 };

	(void)ctx;
	if (!rec_vetoed(&c)) {
		r = rtm_sys_mmap(addr, n, prot, flags, fd, off);
		c.err = r.err;
		if (!r.err) {
			c.addr = (uintptr_t)r.addr;
			/* MAP_FIXED replaces what was there: one live range. */
			rec_live_remove(c.addr, c.addr + rec_round(n));
			ck_assert_uint_lt(rec.nlive, REC_LIVE_MAX);
			rec.live[rec.nlive++] = (struct rec_range){ c.addr, c.addr + rec_round(n) };
		}
	} else {
		r.err = c.err;
	}
	rec_note(&c);
	return r;
}

static inline int rec_munmap(void *ctx, void *addr, size_t n)
{
	struct rec_call c = { REC_MUNMAP, (uintptr_t)addr, n, 0, 0 };

	(void)ctx;
	if (!rec_vetoed(&c)) {
		c.err = rtm_sys_munmap(addr, n);
		if (!c.err)
			rec_live_remove(c.addr, c.addr + rec_round(n));
	}
	rec_note(&c);
	return c.err;
}

static inline int rec_mprotect(void *ctx, void *addr, size_t n, int prot)
{
	struct rec_call c = { REC_MPROTECT, (uintptr_t)addr, n, prot, 0 };

	(void)ctx;
	if (!rec_vetoed(&c))
		c.err = rtm_sys_mprotect(addr, n, prot);
	rec_note(&c);
	return c.err;
}

static inline int rec_madvise(void *ctx, void *addr, size_t n, int advice)
{
	struct rec_call c = { REC_MADVISE, (uintptr_t)addr, n, advice, 0 };

	(void)ctx;
	if (!rec_vetoed(&c))
		c.err = rtm_sys_madvise(addr, n, advice);
	rec_note(&c);
	return c.err;
}

static const struct rtm_hooks rec_hooks = { rec_mmap, rec_munmap, rec_mprotect, rec_madvise,
	                                    NULL };

/* Clears the record and installs the recorder (with veto, may be NULL). */
static inline void rec_begin(rec_veto_fn veto)
{
	memset(&rec, 0, sizeof rec);
	rec.veto = veto;
	rec.prev = rtm_set_hooks(&rec_hooks);
}

static inline void rec_end(void)
{
	rtm_set_hooks(rec.prev);
}

static inline unsigned rec_total_calls(void)
{
	return rec.calls[REC_MMAP] + rec.calls[REC_MUNMAP] + rec.calls[REC_MPROTECT] +
	       rec.calls[REC_MADVISE];
}

static inline size_t rec_live_bytes(void)
{
	size_t sum = 0;

	for (size_t i = 0; i < rec.nlive; i++)
		sum += rec.live[i].hi - rec.live[i].lo;
	return sum;
}

/* Bytes of [lo, hi) inside the live set (its ranges never overlap). */
static inline size_t rec_live_overlap(uintptr_t lo, uintptr_t hi)
{
	size_t sum = 0;

	for (size_t i = 0; i < rec.nlive; i++) {
		uintptr_t a = rec.live[i].lo > lo ? rec.live[i].lo : lo;
		uintptr_t b = rec.live[i].hi < hi ? rec.live[i].hi : hi;
		if (a < b)
			sum += b - a;
	}
	return sum;
}

/* Calls of op in the log with this arg (advice, prot). */
static inline unsigned rec_count(enum rec_op op, int arg)
{
	unsigned k = 0;

	ck_assert_uint_le(rec.nlog, REC_LOG_MAX);
	for (size_t i = 0; i < rec.nlog; i++)
		k += rec.log[i].op == op && rec.log[i].arg == arg;
	return k;
}

#endif
