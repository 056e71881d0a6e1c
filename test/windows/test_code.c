/* The code region (<rtmem/code.h>) on Windows, with the machine code of
 * ../code/machine_code.h (x64: arguments in ecx and edx; i686: cdecl):
 * written through the writable view, published, called at the executable
 * one, patched, published and called again, in DUAL, in FLIP and in the
 * default mode. After every step a VirtualQuery walk over the whole
 * address space finds no page writable and executable at once but those
 * the process had before the first region (Wine's own), and the views'
 * protections are what the mode says. DUAL's executable view refuses to
 * be made writable, and a write to it faults (in a child process,
 * win_child.h); bad input is RTM_EINVAL with nothing changed; every OS
 * call the region makes, refused by a hook (win_rec_hooks.h), is its
 * error with nothing left mapped, counted or open and the region usable
 * after; reset; a full region; threads calling code while more is
 * published; destroy gives everything back. */
#include <stdint.h>
#include <string.h>

#include <windows.h>

#include <rtmem/code.h>
#include <rtmem/sys.h>
#include <rtmem/vm.h>

#include "../code/machine_code.h"
#include "win_check.h"
#include "win_child.h"
#include "win_rec_hooks.h"
#include "win_suite.h"

#define PAGE ((size_t)4096) /* x86 Windows */
#define REGION ((size_t)1 << 20)

static const unsigned modes[] = { RTM_CODE_DUAL, RTM_CODE_FLIP, 0 };

/* ---- what the process looks like ---- */

/* The runs of pages writable and executable at once before any region
 * was made: Wine's own (none on Windows). */
#define WX_MAX 64
static struct {
	uintptr_t lo[WX_MAX], hi[WX_MAX];
	unsigned n;
} wx_before;

static int wx(unsigned long protect)
{
	protect &= 0xff;
	return protect == PAGE_EXECUTE_READWRITE || protect == PAGE_EXECUTE_WRITECOPY;
}

/* Calls f for every committed run in the user address space (f NULL:
 * none); answers how many views of sections (MEM_MAPPED allocations)
 * there are. */
static unsigned walk(void (*f)(const MEMORY_BASIC_INFORMATION *))
{
	unsigned views = 0;
	SYSTEM_INFO si;
	uintptr_t a, end;
	MEMORY_BASIC_INFORMATION m;

	GetSystemInfo(&si);
	a = (uintptr_t)si.lpMinimumApplicationAddress;
	end = (uintptr_t)si.lpMaximumApplicationAddress;
	while (a < end && VirtualQuery((void *)a, &m, sizeof m) == sizeof m) {
		if (m.State == MEM_COMMIT && f)
			f(&m);
		if (m.State != MEM_FREE && m.Type == MEM_MAPPED && m.AllocationBase == m.BaseAddress)
			views++;
		if ((uintptr_t)m.BaseAddress + m.RegionSize <= a)
			break;
		a = (uintptr_t)m.BaseAddress + m.RegionSize;
	}
	return views;
}

static void wx_note(const MEMORY_BASIC_INFORMATION *m)
{
	if (wx(m->Protect) && wx_before.n < WX_MAX) {
		wx_before.lo[wx_before.n] = (uintptr_t)m->BaseAddress;
		wx_before.hi[wx_before.n] = (uintptr_t)m->BaseAddress + m->RegionSize;
		wx_before.n++;
	}
}

static void wx_check(const MEMORY_BASIC_INFORMATION *m)
{
	uintptr_t lo = (uintptr_t)m->BaseAddress, hi = lo + m->RegionSize;

	if (!wx(m->Protect))
		return;
	for (unsigned i = 0; i < wx_before.n; i++)
		if (lo >= wx_before.lo[i] && hi <= wx_before.hi[i])
			return;
	ck_abort_msg("writable and executable: %p + %#zx, protection %#lx", m->BaseAddress,
	             (size_t)m->RegionSize, (unsigned long)m->Protect);
}

/* No page writable and executable that was not so before. */
static void wx_scan(void)
{
	(void)walk(wx_check);
}

static unsigned long protection(const void *p)
{
	MEMORY_BASIC_INFORMATION m;

	ck_assert_uint_eq(VirtualQuery(p, &m, sizeof m), sizeof m);
	return m.State == MEM_COMMIT ? m.Protect : 0;
}

static DWORD state(const void *p)
{
	MEMORY_BASIC_INFORMATION m;

	ck_assert_uint_eq(VirtualQuery(p, &m, sizeof m), sizeof m);
	return m.State;
}

/* What a test must give back: the totals, the views and the open handles (Wine's
 * GetProcessHandleCount answers 0: there, every section the recording
 * table saw made must be closed). held_now installs that table, refusing
 * nothing. */
struct held {
	struct rtm_vm_stats vm;
	DWORD handles;
	unsigned views;
};

static struct held held_now(void)
{
	struct held h;

	h.vm = rtm_vm_stats();
	ck_assert(GetProcessHandleCount(GetCurrentProcess(), &h.handles));
	h.views = walk(NULL);
	rec_begin(H_ALLOC, 0, 0);
	return h;
}

static void held_same(struct held was)
{
	struct rtm_vm_stats vm = rtm_vm_stats();
	DWORD handles, flags;

	rec_end();
	ck_assert_uint_eq(vm.reserved, was.vm.reserved);
	ck_assert_uint_eq(vm.committed, was.vm.committed);
	ck_assert(GetProcessHandleCount(GetCurrentProcess(), &handles));
	ck_assert_uint_eq(handles, was.handles);
	ck_assert_uint_eq(walk(NULL), was.views);
	for (unsigned i = 0; i < rec.nsections; i++)
		ck_assert_msg(!GetHandleInformation(rec.sections[i], &flags), "section %u open", i);
}

static rtm_code *region(unsigned mode, size_t reserve)
{
	struct rtm_code_config cfg = { reserve, mode, NULL };
	rtm_code *c = rtm_code_create(&cfg);

	ck_assert_msg(c != NULL, "mode %u refused", mode);
	ck_assert_uint_eq(rtm_code_mode(c), mode ? mode : RTM_CODE_DUAL);
	wx_scan();
	return c;
}

/* The views' protections as the mode says, for published code b. */
static void views_published(rtm_code *c, const struct rtm_code_buf *b)
{
	ck_assert_uint_eq(protection(b->exec), PAGE_EXECUTE_READ);
	if (rtm_code_mode(c) == RTM_CODE_DUAL)
		ck_assert_uint_eq(protection(b->write), PAGE_READWRITE);
	wx_scan();
}

/* A function returning v: allocated, written, published, called. */
static struct rtm_code_buf const_fn(rtm_code *c, uint32_t v)
{
	struct rtm_code_buf b;

	ck_assert_int_eq(rtm_code_alloc(c, MC_MAX, 0, &b), 0);
	ck_assert_uint_eq(protection(b.write), PAGE_READWRITE);
	wx_scan();
	ck_assert_uint_le(mc_ret_const(b.write, v), MC_MAX);
	ck_assert_int_eq(rtm_code_publish(c, &b), 0);
	views_published(c, &b);
	ck_assert_int_eq(mc_const_at(b.exec)(), (int32_t)v);
	return b;
}

static void patch(rtm_code *c, const struct rtm_code_buf *b, uint32_t v)
{
	ck_assert_int_eq(rtm_code_patch_begin(c, b), 0);
	ck_assert_uint_eq(protection(b->write), PAGE_READWRITE);
	wx_scan();
	mc_patch_const(b->write, v);
	ck_assert_int_eq(rtm_code_publish(c, b), 0);
	views_published(c, b);
	ck_assert_int_eq(mc_const_at(b->exec)(), (int32_t)v);
}

/* ---- tests ---- */

/* Constants and sums, written, published, called, patched and called
 * again, in each mode; destroy leaves the views free and nothing held. */
START_TEST(code_is_written_published_called_and_patched)
{
	struct held was = held_now();
	rtm_code *c = region(modes[_i], REGION);
	struct rtm_code_buf f[8], add;
	uint32_t want[8];
	size_t n;

	for (unsigned i = 0; i < 8; i++) {
		want[i] = 0x01010101u * i + 0x70000000u;
		f[i] = const_fn(c, want[i]);
	}
	ck_assert_int_eq(rtm_code_alloc(c, MC_MAX, 0, &add), 0);
	n = mc_add(add.write);
	ck_assert_uint_le(n, MC_MAX);
	ck_assert_int_eq(rtm_code_publish(c, &add), 0);
	views_published(c, &add);
	ck_assert_int_eq(mc_add_at(add.exec)(2, 40), 42);
	ck_assert_int_eq(mc_add_at(add.exec)(INT32_MAX, 1), INT32_MIN);
	for (uint32_t v = 1; v < 40; v += 7) {
		want[v % 8] = v * 0x01020304u;
		patch(c, &f[v % 8], want[v % 8]);
	}
	for (unsigned i = 0; i < 8; i++)
		ck_assert_int_eq(mc_const_at(f[i].exec)(), (int32_t)want[i]);
	rtm_code_destroy(c);
	ck_assert_uint_eq(state(f[0].exec), MEM_FREE);
	ck_assert_uint_eq(state(f[0].write), MEM_FREE);
	wx_scan();
	held_same(was);
}
END_TEST

/* The default is DUAL with the views as the system put them: under Wine
 * 8, which has no placeholders, apart; with them, side by side. The
 * hooks see the section, both views, and both given back. */
START_TEST(dual_maps_one_section_twice_through_the_hooks)
{
	struct held was = held_now();
	struct rtm_code_buf b;
	rtm_code *c;

	rec_begin(H_ALLOC, 0, 0);
	c = region(0, REGION);
	ck_assert_uint_eq(rec.calls[H_SECTION], 1);
	ck_assert_uint_eq(rec.calls[H_MAP], 2);
	ck_assert_uint_eq(rec.types[H_MAP], PAGE_READWRITE | PAGE_EXECUTE_READ);
	ck_assert_uint_eq(rec.types[H_SECTION], PAGE_EXECUTE_READWRITE | SEC_COMMIT);
	b = const_fn(c, 7);
	ck_assert_ptr_ne(b.write, b.exec);
	if (rec.calls[H_ALIGNED] == 1 && rec.calls[H_FREE] == 1)
		ck_assert_ptr_eq((char *)b.exec, (char *)b.write + REGION);
	rtm_code_destroy(c);
	ck_assert_uint_eq(rec.calls[H_UNMAP], 2);
	rec_end();
	held_same(was);
}
END_TEST

/* The executable view cannot be made writable, nor written through. */
START_TEST(dual_exec_view_refuses_to_become_writable)
{
	rtm_code *c = region(RTM_CODE_DUAL, REGION);
	struct rtm_code_buf b = const_fn(c, 5);
	void *page = (void *)((uintptr_t)b.exec & ~(PAGE - 1));

	ck_assert_int_ne(rtm_sys_virtual_protect(page, PAGE, PAGE_READWRITE, NULL), 0);
	ck_assert_int_ne(rtm_sys_virtual_protect(page, PAGE, PAGE_EXECUTE_READWRITE, NULL), 0);
	ck_assert_uint_eq(protection(b.exec), PAGE_EXECUTE_READ);
	wx_scan();
	ck_assert_int_eq(mc_const_at(b.exec)(), 5);
	rtm_code_destroy(c);
}
END_TEST

/* The child's cases: published code written at its executable address;
 * the control writes the writable view. */
static int child_case(const char *name)
{
	struct rtm_code_config cfg = { REGION, RTM_CODE_DUAL, NULL };
	struct rtm_code_buf b;
	rtm_code *c;

	if (strcmp(name, "flip_exec") == 0)
		cfg.flags = RTM_CODE_FLIP;
	c = rtm_code_create(&cfg);
	if (!c || rtm_code_alloc(c, MC_MAX, 0, &b))
		return win_child_touch(NULL);
	mc_ret_const(b.write, 3);
	if (rtm_code_publish(c, &b) || mc_const_at(b.exec)() != 3)
		return win_child_touch(NULL);
	if (strcmp(name, "dual_write") == 0)
		return win_child_touch(b.write);
	return win_child_touch(b.exec);
}

START_TEST(a_write_to_executable_code_faults)
{
	ck_assert_uint_eq(win_run_child("dual_exec"), CHILD_FAULT_THERE);
	ck_assert_uint_eq(win_run_child("flip_exec"), CHILD_FAULT_THERE);
	ck_assert_uint_eq(win_run_child("dual_write"), CHILD_NO_FAULT);
}
END_TEST

/* ---- bad input (TESTING.md's rows for <rtmem/code.h>) ---- */

START_TEST(bad_configurations_are_null_with_nothing_held)
{
	struct held was = held_now();
	struct rtm_code_config cfg = { REGION, RTM_CODE_DUAL | RTM_CODE_FLIP, NULL };

	ck_assert_ptr_null(rtm_code_create(&cfg));
	cfg.flags = 4;
	ck_assert_ptr_null(rtm_code_create(&cfg));
	cfg.flags = 0;
	cfg.reserve = SIZE_MAX - 1;
	ck_assert_ptr_null(rtm_code_create(&cfg));
	/* Doubled for DUAL, it overflows; as FLIP no address space holds it. */
	cfg.reserve = SIZE_MAX / 2 + PAGE;
	for (unsigned i = 0; i < 3; i++) {
		cfg.flags = modes[i];
		ck_assert_ptr_null(rtm_code_create(&cfg));
	}
	held_same(was);
	wx_scan();
	rtm_code_destroy(NULL);
	rtm_code_reset(NULL);
	ck_assert_uint_eq(rtm_code_mode(NULL), 0);
}
END_TEST

START_TEST(bad_input_is_einval_and_changes_nothing)
{
	rtm_code *c = region(modes[_i], REGION), *other = region(modes[_i], REGION);
	struct rtm_code_buf b, o, bad, out = { (void *)1, (void *)2, 3 }, next;
	static unsigned char stranger[64];

	ck_assert_int_eq(rtm_code_alloc(NULL, 16, 0, &out), RTM_EINVAL);
	ck_assert_int_eq(rtm_code_alloc(c, 16, 0, NULL), RTM_EINVAL);
	ck_assert_int_eq(rtm_code_alloc(c, 0, 0, &out), RTM_EINVAL);
	ck_assert_int_eq(rtm_code_alloc(c, 16, 3, &out), RTM_EINVAL);
	ck_assert_int_eq(rtm_code_alloc(c, 16, 2 * PAGE, &out), RTM_EINVAL);
	ck_assert_int_eq(rtm_code_alloc(c, SIZE_MAX, 0, &out), RTM_ENOMEM);
	ck_assert_int_eq(rtm_code_alloc(c, REGION + 1, 0, &out), RTM_ENOMEM);
	ck_assert_ptr_eq(out.write, (void *)1);
	ck_assert_ptr_eq(out.exec, (void *)2);
	ck_assert_uint_eq(out.size, 3);

	ck_assert_int_eq(rtm_code_alloc(c, MC_MAX, 0, &b), 0);
	ck_assert_uint_le(mc_ret_const(b.write, 9), MC_MAX);
	ck_assert_int_eq(rtm_code_patch_begin(c, &b), RTM_EINVAL); /* not published */
	ck_assert_int_eq(rtm_code_alloc(other, MC_MAX, 0, &o), 0);
	ck_assert_uint_le(mc_ret_const(o.write, 10), MC_MAX);
	ck_assert_int_eq(rtm_code_publish(other, &o), 0);

	ck_assert_int_eq(rtm_code_publish(NULL, &b), RTM_EINVAL);
	ck_assert_int_eq(rtm_code_publish(c, NULL), RTM_EINVAL);
	ck_assert_int_eq(rtm_code_publish(c, &o), RTM_EINVAL);
	ck_assert_int_eq(rtm_code_patch_begin(c, &o), RTM_EINVAL);
	bad.write = bad.exec = stranger;
	bad.size = sizeof stranger;
	ck_assert_int_eq(rtm_code_publish(c, &bad), RTM_EINVAL);
	ck_assert_int_eq(rtm_code_patch_begin(c, &bad), RTM_EINVAL);
	bad = b;
	bad.size = b.size + 1;
	ck_assert_int_eq(rtm_code_publish(c, &bad), RTM_EINVAL);
	bad.size = 0;
	ck_assert_int_eq(rtm_code_publish(c, &bad), RTM_EINVAL);
	if (b.write != b.exec) {
		bad.write = b.exec;
		bad.exec = b.write;
		bad.size = b.size;
		ck_assert_int_eq(rtm_code_publish(c, &bad), RTM_EINVAL);
		bad = b;
		bad.write = (char *)b.write + 1;
		ck_assert_int_eq(rtm_code_publish(c, &bad), RTM_EINVAL);
	}
	/* Nothing changed: b is still writable, not yet executable in FLIP,
	 * and publishes now. */
	ck_assert_uint_eq(protection(b.write), PAGE_READWRITE);
	wx_scan();
	ck_assert_int_eq(rtm_code_publish(c, &b), 0);
	ck_assert_int_eq(mc_const_at(b.exec)(), 9);
	ck_assert_int_eq(mc_const_at(o.exec)(), 10);
	/* Published again: DUAL has nothing to change, FLIP refuses. */
	ck_assert_int_eq(rtm_code_publish(c, &b), modes[_i] == RTM_CODE_FLIP ? RTM_EINVAL : 0);
	/* A second patch_begin before the publish: FLIP one at a time. */
	ck_assert_int_eq(rtm_code_patch_begin(c, &b), 0);
	ck_assert_int_eq(rtm_code_patch_begin(c, &b), modes[_i] == RTM_CODE_FLIP ? RTM_EINVAL : 0);
	mc_patch_const(b.write, 11);
	ck_assert_int_eq(rtm_code_publish(c, &b), 0);
	ck_assert_int_eq(mc_const_at(b.exec)(), 11);
	ck_assert_int_eq(rtm_code_alloc(c, MC_MAX, 0, &next), 0);
	ck_assert_uint_ge((uintptr_t)next.exec, (uintptr_t)b.exec + b.size);
	rtm_code_destroy(other);
	rtm_code_destroy(c);
	wx_scan();
}
END_TEST

/* ---- refused OS calls ---- */

/* One run of everything a region does, each step under the refusing
 * table: a refused step answers the hook's error, changes nothing that
 * can be seen (the allocation's out, protections), and succeeds once the
 * table is gone; a refused create holds nothing. 1 when some call was
 * refused. */
static int refused_run(unsigned mode, int op, unsigned nth)
{
	struct held was = held_now();
	struct rtm_code_config cfg = { REGION, mode, NULL };
	struct rtm_code_buf b, p, r, keep = { (void *)1, (void *)2, 3 };
	int refused = 0, err;
	rtm_code *c;
	unsigned before;

	rec_begin(op, ~0ul, nth);
	c = rtm_code_create(&cfg);
	if (!c) {
		rec_end();
		wx_scan();
		held_same(was);
		/* flags 0 falls back to FLIP, whose refusal is then NULL too. */
		ck_assert_uint_gt(rec.refusals, 0);
		return 1;
	}
	ck_assert_uint_eq(rtm_code_mode(c), mode ? mode : rtm_code_mode(c));
	/* alloc */
	before = rec.seen;
	b = keep;
	err = rtm_code_alloc(c, MC_MAX, 0, &b);
	if (err) {
		ck_assert_int_eq(err, RTM_ENOMEM);
		ck_assert_uint_gt(rec.seen, before);
		ck_assert_ptr_eq(b.write, keep.write);
		refused = 1;
		rec_end();
		ck_assert_int_eq(rtm_code_alloc(c, MC_MAX, 0, &b), 0);
		rtm_set_hooks(&rec_table);
	}
	mc_ret_const(b.write, 21);
	/* publish */
	before = rec.seen;
	err = rtm_code_publish(c, &b);
	if (err) {
		ck_assert_int_eq(err, RTM_ENOMEM);
		ck_assert_uint_gt(rec.seen, before);
		ck_assert_uint_eq(protection(b.write), PAGE_READWRITE);
		refused = 1;
		rec_end();
		ck_assert_int_eq(rtm_code_publish(c, &b), 0);
		rtm_set_hooks(&rec_table);
	}
	wx_scan();
	ck_assert_int_eq(mc_const_at(b.exec)(), 21);
	/* patch */
	before = rec.seen;
	err = rtm_code_patch_begin(c, &b);
	if (err) {
		ck_assert_int_eq(err, RTM_ENOMEM);
		ck_assert_uint_eq(protection(b.exec), PAGE_EXECUTE_READ);
		refused = 1;
		rec_end();
		ck_assert_int_eq(rtm_code_patch_begin(c, &b), 0);
		rtm_set_hooks(&rec_table);
	}
	mc_patch_const(b.write, 22);
	before = rec.seen;
	err = rtm_code_publish(c, &b);
	if (err) {
		ck_assert_int_eq(err, RTM_ENOMEM);
		ck_assert_uint_eq(protection(b.write), PAGE_READWRITE);
		refused = 1;
		rec_end();
		ck_assert_int_eq(rtm_code_publish(c, &b), 0);
		rtm_set_hooks(&rec_table);
	}
	wx_scan();
	ck_assert_int_eq(mc_const_at(b.exec)(), 22);
	/* reset, then new code (FLIP: past pages a refused reset kept) */
	rtm_code_reset(c);
	err = rtm_code_alloc(c, MC_MAX, 0, &r);
	if (err) {
		refused = 1;
		rec_end();
		ck_assert_int_eq(rtm_code_alloc(c, MC_MAX, 0, &r), 0);
		rtm_set_hooks(&rec_table);
	}
	mc_ret_const(r.write, 23);
	err = rtm_code_publish(c, &r);
	if (err) {
		refused = 1;
		rec_end();
		ck_assert_int_eq(rtm_code_publish(c, &r), 0);
		rtm_set_hooks(&rec_table);
	}
	ck_assert_int_eq(mc_const_at(r.exec)(), 23);
	wx_scan();
	/* one more function without the table: the region is usable */
	rec_end();
	p = const_fn(c, 24);
	ck_assert_int_eq(mc_const_at(r.exec)(), 23);
	ck_assert_int_eq(mc_const_at(p.exec)(), 24);
	/* destroy under the table: refused once, its second try gives all
	 * back; refused twice, a last destroy without it must be possible
	 * only where nothing was given back, so it is not refused twice
	 * here (nth picks one call). */
	rtm_set_hooks(&rec_table);
	rtm_code_destroy(c);
	rec_end();
	if (rec.refusals)
		refused = 1;
	wx_scan();
	held_same(was);
	return refused;
}

START_TEST(every_refused_os_call_is_an_error_and_leaves_nothing)
{
	static const int ops[] = { H_ALLOC, H_ALIGNED, H_FREE, H_PROTECT, H_SECTION, H_MAP,
		                   H_UNMAP };
	unsigned mode = modes[_i], runs = 0;

	for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++)
		for (unsigned nth = 1; nth < 16; nth++) {
			if (!refused_run(mode, ops[k], nth))
				break;
			runs++;
		}
	ck_assert_uint_gt(runs, 3);
}
END_TEST

/* ---- reset, a full region ---- */

START_TEST(reset_empties_the_region)
{
	struct held was = held_now();
	rtm_code *c = region(modes[_i], REGION);
	struct rtm_code_buf a = const_fn(c, 1), b;

	(void)const_fn(c, 2);
	rtm_code_reset(c);
	if (modes[_i] == RTM_CODE_FLIP)
		ck_assert_uint_eq(state(a.exec), MEM_RESERVE);
	wx_scan();
	b = const_fn(c, 3);
	ck_assert_ptr_eq(b.exec, a.exec);
	rtm_code_reset(c);
	rtm_code_reset(c);
	b = const_fn(c, 4);
	ck_assert_ptr_eq(b.exec, a.exec);
	rtm_code_destroy(c);
	held_same(was);
}
END_TEST

START_TEST(a_full_region_is_enomem_and_stays_usable)
{
	rtm_code *c = region(modes[_i], 64 << 10);
	struct rtm_code_buf b, keep = { (void *)1, (void *)2, 3 }, out = keep;
	unsigned n = 0;

	while (rtm_code_alloc(c, 1000, 0, &b) == 0)
		n++;
	/* 1000 bytes every 1008 (aligned to 16) */
	ck_assert_uint_eq(n, ((64 << 10) - 1000) / 1008 + 1);
	ck_assert_int_eq(rtm_code_alloc(c, 1000, 0, &out), RTM_ENOMEM);
	ck_assert_ptr_eq(out.write, keep.write);
	ck_assert_uint_eq(out.size, 3);
	ck_assert_int_eq(rtm_code_alloc(c, 8, 0, &out), 0);
	mc_ret_const(b.write, 99);
	ck_assert_int_eq(rtm_code_publish(c, &b), 0);
	ck_assert_int_eq(mc_const_at(b.exec)(), 99);
	rtm_code_reset(c);
	(void)const_fn(c, 100);
	rtm_code_destroy(c);
}
END_TEST

/* ---- threads ---- */

#define FNS 48
#define CALLERS 3

static struct {
	rtm_code *c;
	struct rtm_code_buf fn[FNS];
	LONG published;         /* fn[0, published) may be called */
	LONG seen[CALLERS];     /* the newest each caller has called */
	LONG wrong;
	LONG stop;
} th;

static DWORD WINAPI caller(void *arg)
{
	LONG me = (LONG)(intptr_t)arg;

	while (!InterlockedCompareExchange(&th.stop, 0, 0)) {
		LONG n = InterlockedCompareExchange(&th.published, 0, 0);

		for (LONG i = 0; i < n; i++)
			if (mc_const_at(th.fn[i].exec)() != (int32_t)(0x5000 + i))
				InterlockedIncrement(&th.wrong);
		InterlockedExchange(&th.seen[me], n);
	}
	return 0;
}

/* Each publish is followed by every caller calling the new function
 * (counted, not timed: the wait is for a hang only). */
START_TEST(threads_call_code_while_more_is_published)
{
	HANDLE t[CALLERS];

	memset(&th, 0, sizeof th);
	th.c = region(modes[_i], REGION);
	for (LONG i = 0; i < CALLERS; i++) {
		t[i] = CreateThread(NULL, 0, caller, (void *)(intptr_t)i, 0, NULL);
		ck_assert_ptr_nonnull(t[i]);
	}
	for (LONG i = 0; i < FNS; i++) {
		struct rtm_code_buf *b = &th.fn[i];

		ck_assert_int_eq(rtm_code_alloc(th.c, MC_MAX, 0, b), 0);
		mc_ret_const(b->write, (uint32_t)(0x5000 + i));
		ck_assert_int_eq(rtm_code_publish(th.c, b), 0);
		InterlockedExchange(&th.published, i + 1);
		for (LONG k = 0; k < CALLERS; k++) {
			DWORD waited = 0;

			while (InterlockedCompareExchange(&th.seen[k], 0, 0) < i + 1) {
				ck_assert_msg(waited < 60000, "caller %ld hangs", (long)k);
				Sleep(1);
				waited++;
			}
		}
	}
	InterlockedExchange(&th.stop, 1);
	ck_assert_uint_eq(WaitForMultipleObjects(CALLERS, t, TRUE, 60000), WAIT_OBJECT_0);
	for (int i = 0; i < CALLERS; i++)
		CloseHandle(t[i]);
	ck_assert_int_eq(th.wrong, 0);
	wx_scan();
	rtm_code_destroy(th.c);
}
END_TEST

int main(int argc, char **argv)
{
	const char *child = win_child_name(argc, argv);
	Suite *s;
	TCase *tc;

	if (child)
		return child_case(child);
	(void)walk(wx_note);
	s = suite_create("win_code");
	tc = tcase_create("code");
	tcase_add_loop_test(tc, code_is_written_published_called_and_patched, 0, 3);
	tcase_add_test(tc, dual_maps_one_section_twice_through_the_hooks);
	tcase_add_test(tc, dual_exec_view_refuses_to_become_writable);
	tcase_add_test(tc, a_write_to_executable_code_faults);
	tcase_add_test(tc, bad_configurations_are_null_with_nothing_held);
	tcase_add_loop_test(tc, bad_input_is_einval_and_changes_nothing, 0, 3);
	tcase_add_loop_test(tc, every_refused_os_call_is_an_error_and_leaves_nothing, 0, 3);
	tcase_add_loop_test(tc, reset_empties_the_region, 0, 3);
	tcase_add_loop_test(tc, a_full_region_is_enomem_and_stays_usable, 0, 3);
	tcase_add_loop_test(tc, threads_call_code_while_more_is_published, 0, 3);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
