/* The code region (<rtmem/code.h>) under fault injection, on Linux and on
 * Windows (where maps_perms_at spells VirtualQuery's protections as
 * /proc/self/maps does, a view of a section shared): create in the
 * default mode, DUAL and FLIP, each
 * followed by alloc, publish and a call (DUAL's, which make no OS call,
 * also by a patch and a reset); FLIP's alloc (a commit), publish
 * (mprotect) and calls; FLIP's patch (mprotect there and back, one patch
 * across two pages); FLIP's reset (a decommit) twice; destroy in both
 * modes. What each public call must do when one of its OS calls fails,
 * as code.h documents it:
 *
 *   create       NULL with nothing left mapped or open; with flags 0 a
 *                refused DUAL call falls back to FLIP instead (only a
 *                refusal of the region's header is NULL there): a region
 *                of the mode it reports, with that mode's views, usable
 *   alloc        the OS's error, *out untouched, the region as before
 *   publish      the OS's error, nothing changed: FLIP's code still
 *                writable and not executable, a patch still open
 *   patch_begin  the OS's error, the code still executable and running
 *   reset        FLIP, its decommit refused: the old pages as they were,
 *                new code past them on fresh pages; a later reset gives
 *                everything back
 *   destroy      nothing left mapped
 *
 * and a call fails when one of its OS calls fails, never else, but for
 * one on Windows: a refused placeholder reservation is what a system
 * without placeholders answers, and DUAL maps its views apart instead. "The
 * region as before" is checked by where allocations land: a faulted run
 * must hand out the offsets the clean run did (a failed call that moved
 * the bump pointer or the published mark shifts them, or makes the retry
 * EINVAL). After every call no mapping in the process is writable and
 * executable; a faulted run's cleanup allocates, writes, publishes and
 * calls one more function before destroying the region; and the driver
 * checks that nothing stays mapped, counted or open. */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>

#if defined(_WIN32)
#include "win_check.h"
#else
#include <check.h>
#endif

#include <rtmem/code.h>
#include <rtmem/sys.h>
#include <rtmem/vm.h>

#if defined(_WIN32)
/* Windows runs under Wine, which runs x86 code as it is. */
static const char *emulator(void)
{
	return NULL;
}
#else
#include "emulator.h"
#endif
#include "fault_hooks.h"
#include "machine_code.h"
#include "maps.h"
#include "scenario.h"

#define REGION_BYTES ((size_t)1 << 20)
#define FN_ALIGN     (MC_ALIGN > 16 ? MC_ALIGN : 16)
/* What create asks of the OS before either mode: the header's
 * reservation and its commit. */
#define HEADER_CALLS 2
#define MAX_ALLOCS   32

static struct {
	rtm_code *c;
	unsigned mode;
	uintptr_t base;      /* the region's first allocation: its start */
	struct rtm_code_buf f0;
	uint32_t f0_value;
	struct rtm_code_buf pending; /* FLIP: allocated, never published */
	size_t traced;       /* allocations of this run compared so far */
	int untraced;        /* a refused reset moved every later one */
	int rewritten;       /* DUAL: code written where code already ran */
} cs;

/* The clean run's offsets, which every faulted run must repeat. */
static size_t clean_off[MAX_ALLOCS];

/* ---- checks ---- */

static void assert_wx_none(const char *after)
{
	size_t wx = maps_snapshot().wx;

	ck_assert_msg(wx == 0, "%zu mappings writable and executable after %s", wx, after);
}

static void assert_perms(const void *p, const char *want, const char *what)
{
	const char *perms = maps_perms_at(p);

	ck_assert_msg(strcmp(perms, want) == 0, "%s at %p: %s, expected %s", what, p, perms, want);
}

/* qemu-user does not see a write through DUAL's writable view to code it
 * has translated already (emulator.h, test/code/test_region.c): code
 * written where code ran before is called natively only. */
static int may_call(void)
{
	return !(cs.mode == RTM_CODE_DUAL && cs.rewritten && emulator());
}

static void call(const struct rtm_code_buf *b, uint32_t v)
{
	if (may_call())
		ck_assert_int_eq(mc_const_at(b->exec)(), (int32_t)v);
}

static void trace(const struct rtm_code_buf *b)
{
	size_t off = (uintptr_t)b->exec - cs.base;

	if (!fault_active() || cs.untraced)
		return;
	ck_assert_uint_lt(cs.traced, MAX_ALLOCS);
	if (clean_run())
		clean_off[cs.traced] = off;
	else
		ck_assert_msg(off == clean_off[cs.traced],
		              "allocation %zu at offset %zu; the clean run had it at %zu",
		              cs.traced, off, clean_off[cs.traced]);
	cs.traced++;
}

/* ---- the public calls, checked ---- */

static struct rtm_code_buf checked_alloc(size_t size, size_t align)
{
	struct rtm_code_buf b, untouched;
	unsigned f0 = failed_now();
	int err;

	memset(&b, 0xee, sizeof b);
	untouched = b;
	err = rtm_code_alloc(cs.c, size, align, &b);
	assert_wx_none("alloc");
	if (failed_now() != f0) {
		ck_assert_msg(err == err_now(), "alloc returned %d; the OS call failed with %d", err,
		              err_now());
		ck_assert(memcmp(&b, &untouched, sizeof b) == 0);
		err = rtm_code_alloc(cs.c, size, align, &b);
	}
	ck_assert_msg(err == 0, "alloc returned %d with no OS call failed", err);
	if (!cs.base)
		cs.base = (uintptr_t)b.exec;
	trace(&b);
	if (cs.mode == RTM_CODE_FLIP) {
		ck_assert_ptr_eq(b.write, b.exec);
		assert_perms(b.write, "rw-p", "fresh FLIP code");
	} else {
		ck_assert_ptr_ne(b.write, b.exec);
		assert_perms(b.write, "rw-s", "DUAL's writable view");
		assert_perms(b.exec, "r-xs", "DUAL's executable view");
	}
	return b;
}

static struct rtm_code_buf fn(uint32_t v)
{
	struct rtm_code_buf b = checked_alloc(MC_MAX, FN_ALIGN);

	mc_ret_const(b.write, v);
	return b;
}

/* Ends a patch of b when patching, else publishes fresh code. */
static void checked_publish(const struct rtm_code_buf *b, int patching)
{
	unsigned f0 = failed_now(), calls = calls_now();
	const char *last = (const char *)b->write + b->size - 1;
	int err = rtm_code_publish(cs.c, b);

	assert_wx_none("publish");
	if (failed_now() != f0) {
		ck_assert_msg(err == err_now(), "publish returned %d; the OS call failed with %d",
		              err, err_now());
		/* Nothing changed: writable and not executable as before, the
		 * patch still open (one at a time). */
		assert_perms(b->write, "rw-p", "code whose publish failed");
		assert_perms(last, "rw-p", "code whose publish failed, its end");
		if (patching)
			ck_assert_int_eq(rtm_code_patch_begin(cs.c, b), RTM_EINVAL);
		err = rtm_code_publish(cs.c, b);
	}
	ck_assert_msg(err == 0, "publish returned %d with no OS call failed", err);
	if (cs.mode == RTM_CODE_DUAL) {
		ck_assert_msg(calls_now() == calls, "a DUAL publish made %u OS calls",
		              calls_now() - calls);
		assert_perms(b->write, "rw-s", "DUAL's writable view");
		assert_perms(b->exec, "r-xs", "published DUAL code");
	} else {
		assert_perms(b->exec, "r-xp", "published FLIP code");
		assert_perms(last, "r-xp", "published FLIP code, its end");
	}
}

/* Patches b's constant from was to v: patch_begin, the write, publish. */
static void checked_patch(const struct rtm_code_buf *b, uint32_t was, uint32_t v)
{
	unsigned f0 = failed_now(), calls = calls_now();
	const char *last = (const char *)b->write + b->size - 1;
	int err = rtm_code_patch_begin(cs.c, b);

	assert_wx_none("patch_begin");
	if (failed_now() != f0) {
		ck_assert_msg(err == err_now(), "patch_begin returned %d; the OS call failed with %d",
		              err, err_now());
		assert_perms(b->exec, "r-xp", "code whose patch_begin failed");
		assert_perms(last, "r-xp", "code whose patch_begin failed, its end");
		call(b, was);
		err = rtm_code_patch_begin(cs.c, b);
	}
	ck_assert_msg(err == 0, "patch_begin returned %d with no OS call failed", err);
	if (cs.mode == RTM_CODE_DUAL) {
		ck_assert_uint_eq(calls_now(), calls);
		cs.rewritten = 1;
	} else {
		assert_perms(b->write, "rw-p", "code being patched");
		assert_perms(last, "rw-p", "code being patched, its end");
	}
	mc_patch_const(b->write, v);
	checked_publish(b, 1);
	call(b, v);
}

/* ---- setups and cleanups ---- */

static rtm_code *create(unsigned flags)
{
	struct rtm_code_config cfg = { REGION_BYTES, flags, "rtm-fault-code" };

	return rtm_code_create(&cfg);
}

static void begin(void **state)
{
	memset(&cs, 0, sizeof cs);
	*state = &cs;
}

/* A region of the mode asked for, its first function published. */
static void region(unsigned mode, void **state)
{
	begin(state);
	cs.c = create(mode);
	ck_assert_ptr_nonnull(cs.c);
	cs.mode = mode;
	cs.f0_value = 100;
	cs.f0 = fn(cs.f0_value);
	checked_publish(&cs.f0, 0);
	call(&cs.f0, cs.f0_value);
}

static void flip_region(void **state)
{
	region(RTM_CODE_FLIP, state);
}

/* More published code on later pages, and an allocation written and
 * never published (FLIP: committed pages, writable). */
static void more_code(void)
{
	struct rtm_code_buf b = checked_alloc(rtm_page_size(), FN_ALIGN);

	mc_ret_const(b.write, 101);
	checked_publish(&b, 0);
	cs.pending = fn(102);
}

static void flip_region_more(void **state)
{
	flip_region(state);
	more_code();
}

static void dual_region_more(void **state)
{
	region(RTM_CODE_DUAL, state);
	more_code();
}

/* The region still serves code, then goes. */
static void usable_then_destroy(void **state)
{
	(void)state;
	if (!cs.c)
		return;
	{
		struct rtm_code_buf b = fn(0x5eed);

		checked_publish(&b, 0);
		call(&b, 0x5eed);
	}
	rtm_code_destroy(cs.c);
	cs.c = NULL;
}

static void no_cleanup(void **state)
{
	(void)state;
}

/* ---- the faulted parts ---- */

static unsigned clean_mode; /* what flags 0 gives when nothing fails */

/* DUAL: alloc, publish and patch make no OS call, so nothing of theirs
 * can fail, and a scenario of them alone would have no fault point: they
 * run after create in the create scenarios. Reset empties the region
 * (its pages stay, code.h: were an OS call added there, it would be
 * failed here too) and new code starts at the region's start again. */
static void dual_use(void)
{
	unsigned calls = calls_now();
	struct rtm_code_buf a, b;

	a = fn(1);
	checked_publish(&a, 0);
	call(&a, 1);
	checked_patch(&a, 1, 11);
	ck_assert_msg(calls_now() == calls, "DUAL alloc, publish and patch made %u OS calls",
	              calls_now() - calls);
	rtm_code_reset(cs.c);
	assert_wx_none("reset");
	cs.rewritten = 1;
	b = fn(2);
	ck_assert_uint_eq((uintptr_t)b.exec, cs.base);
	checked_publish(&b, 0);
	call(&b, 2);
}

/* Windows: the call failed was DUAL's placeholder reservation (both
 * views' span), which the region takes as a system without placeholders
 * would answer it: its views are then mapped apart, and nothing fails. */
static int placeholder_refused(void)
{
#if defined(_WIN32)
	const struct fault_plan *p = fault_active();
	const struct fault_call *k;

	if (!p || !p->failed || p->fail_at == 0 || p->fail_at > FAULT_LOG)
		return 0;
	k = &p->log[p->fail_at - 1];
	return k->op == FAULT_RESERVE && k->addr == NULL && k->len == 2 * REGION_BYTES;
#else
	return 0;
#endif
}

/* The executable view refuses to become writable (asked of the OS
 * itself, no hook). */
static int exec_view_refuses_write(const struct rtm_code_buf *b)
{
	void *page = (void *)((uintptr_t)b->exec & ~(uintptr_t)(rtm_page_size() - 1));

#if defined(_WIN32)
	return rtm_sys_virtual_protect(page, rtm_page_size(), RTM_PAGE_READWRITE, NULL) != 0;
#else
	return rtm_sys_mprotect(page, rtm_page_size(), RTM_PROT_READ | RTM_PROT_WRITE) != 0;
#endif
}

static void create_run(unsigned flags)
{
	unsigned f0 = failed_now();
	int failed;

	cs.c = create(flags);
	failed = failed_now() != f0 && !placeholder_refused();
	assert_wx_none("create");
	if (!cs.c) {
		ck_assert_msg(failed, "create (flags %u) NULL with no OS call failed", flags);
		/* With flags 0 a refused DUAL call falls back to FLIP. */
		if (flags == 0)
			ck_assert_msg(fault_active()->fail_at <= HEADER_CALLS,
			              "create with flags 0 NULL when call %u (%s) failed, not the "
			              "header's",
			              fault_active()->fail_at,
			              fault_op_name(fault_active()->log[fault_active()->fail_at - 1].op));
		return;
	}
	cs.mode = rtm_code_mode(cs.c);
	if (flags) {
		ck_assert_msg(!failed, "create (flags %u) succeeded though an OS call failed", flags);
		ck_assert_uint_eq(cs.mode, flags);
	} else if (failed) {
		ck_assert_msg(cs.mode == RTM_CODE_FLIP, "create fell back to mode %u, not FLIP",
		              cs.mode);
	} else if (clean_run()) {
		clean_mode = cs.mode;
	} else {
		ck_assert_uint_eq(cs.mode, clean_mode);
	}
	/* The mode it reports is the one its views have (checked_alloc,
	 * checked_publish); DUAL's executable view is sealed (Linux) or
	 * mapped without write access (Windows) against becoming writable. */
	{
		struct rtm_code_buf b = fn(7);

		if (cs.mode == RTM_CODE_DUAL)
			ck_assert(exec_view_refuses_write(&b));
		checked_publish(&b, 0);
		call(&b, 7);
	}
	if (cs.mode == RTM_CODE_DUAL)
		dual_use();
}

static void create_default_run(void **state)
{
	(void)state;
	create_run(0);
}

static void create_dual_run(void **state)
{
	(void)state;
	create_run(RTM_CODE_DUAL);
}

static void create_flip_run(void **state)
{
	(void)state;
	create_run(RTM_CODE_FLIP);
}

/* FLIP: a function on a fresh page (a commit), one a page long past it
 * (a commit), both published at once (one mprotect), another (a commit)
 * and its publish; every function runs after each publish. */
static void flip_publish_run(void **state)
{
	struct rtm_code_buf a, big, b;

	(void)state;
	a = fn(1);
	big = checked_alloc(rtm_page_size(), FN_ALIGN);
	mc_ret_const(big.write, 2);
	checked_publish(&a, 0);
	call(&a, 1);
	call(&big, 2);
	call(&cs.f0, cs.f0_value);
	b = fn(3);
	checked_publish(&b, 0);
	call(&b, 3);
	call(&big, 2);
	call(&a, 1);
	call(&cs.f0, cs.f0_value);
}

/* FLIP: published code that straddles two pages (its patch flips both),
 * then the first function, alone on its page. */
static struct rtm_code_buf straddle, after_straddle;

static void flip_patch_setup(void **state)
{
	size_t ps = rtm_page_size();
	struct rtm_code_buf filler;

	flip_region(state);
	/* f0's publish ended its page: the next page is filled up to 4
	 * bytes before its end. */
	filler = checked_alloc(ps - 4, 1);
	memset(filler.write, 0, filler.size);
	straddle = checked_alloc(MC_MAX, 4);
	ck_assert_uint_eq(((uintptr_t)straddle.exec + 4) % ps, 0);
	mc_ret_const(straddle.write, 200);
	after_straddle = fn(300);
	checked_publish(&straddle, 0);
	call(&straddle, 200);
}

static void flip_patch_run(void **state)
{
	(void)state;
	checked_patch(&straddle, 200, 201);
	call(&after_straddle, 300);
	call(&cs.f0, cs.f0_value);
	checked_patch(&cs.f0, cs.f0_value, 101);
	cs.f0_value = 101;
	call(&straddle, 201);
	call(&after_straddle, 300);
}

/* FLIP: reset, new code, reset again, new code. A refused decommit
 * leaves the old pages as they were (published ones executable, the
 * pending one writable) and the new code past them, on a fresh page; the
 * next reset takes all of it back. */
static uintptr_t page_end(const struct rtm_code_buf *b)
{
	size_t ps = rtm_page_size();

	return ((uintptr_t)b->exec + b->size + ps - 1) & ~(uintptr_t)(ps - 1);
}

static struct rtm_code_buf reset_checked(uintptr_t old_end, uint32_t v)
{
	unsigned f0 = failed_now();
	struct rtm_code_buf b;
	int refused;

	rtm_code_reset(cs.c);
	refused = failed_now() != f0;
	assert_wx_none("reset");
	if (refused) {
		assert_perms(cs.f0.exec, "r-xp", "published code a refused reset kept");
		if (cs.pending.size)
			assert_perms(cs.pending.write, "rw-p", "pending code a refused reset kept");
		cs.untraced = 1;
	}
	b = fn(v);
	if (refused) {
		ck_assert_msg((uintptr_t)b.exec >= old_end, "code at %p after a refused reset, "
		              "among the pages it kept (to %p)", b.exec, (void *)old_end);
		ck_assert_uint_eq((uintptr_t)b.exec % rtm_page_size(), 0);
	} else {
		ck_assert_uint_eq((uintptr_t)b.exec, cs.base);
	}
	checked_publish(&b, 0);
	call(&b, v);
	return b;
}

static void flip_reset_run(void **state)
{
	struct rtm_code_buf a;

	(void)state;
	a = reset_checked(page_end(&cs.pending), 1);
	cs.pending.size = 0; /* reset: no longer the region's, whatever the OS did */
	(void)reset_checked(page_end(&a), 2);
}

static void destroy_run(void **state)
{
	(void)state;
	rtm_code_destroy(cs.c);
	cs.c = NULL;
}

const struct scenario code_scenarios[] = {
	{ "code create, default mode", begin, create_default_run, usable_then_destroy },
	{ "code create DUAL", begin, create_dual_run, usable_then_destroy },
	{ "code create FLIP", begin, create_flip_run, usable_then_destroy },
	{ "code FLIP: alloc, publish, call", flip_region, flip_publish_run, usable_then_destroy },
	{ "code FLIP: patch, across pages", flip_patch_setup, flip_patch_run, usable_then_destroy },
	{ "code FLIP: reset twice", flip_region_more, flip_reset_run, usable_then_destroy },
	{ "code destroy FLIP", flip_region_more, destroy_run, no_cleanup },
	{ "code destroy DUAL", dual_region_more, destroy_run, no_cleanup },
};

const unsigned code_scenario_count = sizeof code_scenarios / sizeof code_scenarios[0];
