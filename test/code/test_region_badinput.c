/* <rtmem/code.h>'s bad input, the rows of TESTING.md's matrix that
 * test_region.c leaves open: the defaults a NULL or zero config stands
 * for, a reserve rounded up to pages, a reserve that overflows when DUAL
 * doubles it, align 0, *out and the region untouched by every refused
 * alloc, another region's code, part of an allocation, a second publish
 * or patch_begin, reset twice, and what the OS refuses (a mode, a commit,
 * an mprotect, FLIP's decommit on reset), through a recording hook table
 * (../vm/rec_hooks.h) that vetoes chosen calls, and a refused cache
 * flush (the link wraps the library's internal flush: meson.build). Each test runs once per
 * mode where the mode matters (_i: 0 DUAL, 1 FLIP). "Nothing changes":
 * rtm_vm_stats, /proc/self/maps' lines and bytes, the open descriptors,
 * and the protections and contents of the code. No mapping of the
 * process is writable and executable at any check.
 *
 * Under qemu-user (emulator.h) DUAL code rewritten where code ran before
 * is not called: the emulator keeps its old translation
 * (test_region.c). */
#include <dirent.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>

#include <rtmem/code.h>
#include <rtmem/sys.h>
#include <rtmem/vm.h>

#include "machine_code.h"
#include "region_util.h"
#include "rec_hooks.h"
#include "suite.h"

#define DEFAULT_RESERVE (sizeof(void *) == 8 ? (size_t)64 << 20 : (size_t)16 << 20)

/* ---- the process as the tests compare it ---- */

struct state {
	struct rtm_vm_stats vm;
	size_t lines, bytes, fds;
};

static size_t open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1; /* the directory's own */
}

/* Taken with no Check assertion in between that could allocate. */
static struct state state_now(void)
{
	struct state s;

	s.fds = open_fds();
	s.bytes = maps_total(&s.lines);
	s.vm = rtm_vm_stats();
	return s;
}

static void assert_state_eq(struct state a, struct state b)
{
	ck_assert_uint_eq(a.vm.reserved, b.vm.reserved);
	ck_assert_uint_eq(a.vm.committed, b.vm.committed);
	ck_assert_uint_eq(a.lines, b.lines);
	ck_assert_uint_eq(a.bytes, b.bytes);
	ck_assert_uint_eq(a.fds, b.fds);
}

/* ---- regions and code ---- */

static void call(const struct rtm_code_buf *b, int32_t v)
{
	ck_assert_int_eq(mc_const_at(b->exec)(), v);
}

/* What FLIP's code pages are while being written, and once published. */
static const char *writable(unsigned mode)
{
	return mode == RTM_CODE_FLIP ? "rw-p" : "rw-s";
}

static const char *executable(unsigned mode)
{
	return mode == RTM_CODE_FLIP ? "r-xp" : "r-xs";
}

static size_t ps(void)
{
	return rtm_page_size();
}

/* Reserved only: "---p", a line that qemu-user with a 32-bit guest
 * leaves out of /proc/self/maps (emulator.h). */
static void assert_reserved_only(const void *p)
{
	if (!emulator32())
		ck_assert_str_eq(perms_at(p), "---p");
}

/* ---- create ---- */

/* NULL config: DUAL on this kernel (test_region.c's MDWE test asks
 * that), the default reserve in each view, the default name; a zero
 * config asking for FLIP gets the same reserve and name. */
START_TEST(a_null_or_zero_config_is_every_default)
{
	struct rtm_code_config flip = { 0, RTM_CODE_FLIP, NULL };
	rtm_code *c = _i == 0 ? rtm_code_create(NULL) : rtm_code_create(&flip);
	struct rtm_code_buf all, one;
	struct vma v;

	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(rtm_code_mode(c), modes[_i]);
	/* Exactly the default fits (FLIP commits it: a protection change,
	 * nothing touched). */
	ck_assert_int_eq(rtm_code_alloc(c, DEFAULT_RESERVE, 0, &all), 0);
	ck_assert_int_eq(rtm_code_alloc(c, 1, 1, &one), RTM_ENOMEM);
	ck_assert(vma_at(all.exec, &v));
	if (modes[_i] == RTM_CODE_DUAL) {
		ck_assert_msg(strncmp(v.name, "/memfd:rtmem-code", 17) == 0, "named %s", v.name);
	} else {
		/* Best effort: where this kernel names anonymous memory. */
		rtm_mmap_result r = rtm_reserve(0, ps(), 0);

		ck_assert_int_eq(r.err, 0);
		if (rtm_name(r.addr, ps(), "probe") == 0)
			ck_assert_str_eq(v.name, "[anon:rtmem-code]");
		ck_assert_int_eq(rtm_release(r.addr, ps()), 0);
	}
	rtm_code_destroy(c);
}
END_TEST

START_TEST(a_reserve_is_rounded_up_to_pages)
{
	rtm_code *c = region(modes[_i], ps() + 1);
	struct rtm_code_buf a, b;

	ck_assert_int_eq(rtm_code_alloc(c, 2 * ps(), 0, &a), 0);
	ck_assert_int_eq(rtm_code_alloc(c, 1, 1, &b), RTM_ENOMEM);
	rtm_code_destroy(c);
}
END_TEST

/* A reserve whose two views overflow: NULL in DUAL mode, nothing left
 * mapped, counted or open: half the address space, and a size that
 * rounds up to it. */
START_TEST(a_reserve_that_overflows_when_doubled_is_null_in_dual_mode)
{
	size_t half = ((size_t)1 << (sizeof(size_t) * 8 - 1));
	struct rtm_code_config doubled = { half, RTM_CODE_DUAL, NULL };
	struct rtm_code_config rounded = { half - ps() + 1, RTM_CODE_DUAL, NULL };
	struct state s0, s1;
	rtm_code *c1, *c2;

	s0 = state_now();
	c1 = rtm_code_create(&doubled);
	c2 = rtm_code_create(&rounded);
	s1 = state_now();
	ck_assert_ptr_null(c1);
	ck_assert_ptr_null(c2);
	assert_state_eq(s0, s1);
}
END_TEST

static int veto_shared_mmap(const struct rec_call *c, unsigned nth)
{
	(void)nth;
	return c->op == REC_MMAP && (c->arg & RTM_MAP_SHARED) ? RTM_EPERM : 0;
}

static int veto_exec_mprotect(const struct rec_call *c, unsigned nth)
{
	(void)nth;
	return c->op == REC_MPROTECT && (c->arg & RTM_PROT_EXEC) ? RTM_EACCES : 0;
}

static int veto_both_modes(const struct rec_call *c, unsigned nth)
{
	return veto_shared_mmap(c, nth) ? RTM_EPERM : veto_exec_mprotect(c, nth);
}

/* The OS refuses the mode asked for: NULL, nothing mapped, counted or
 * open; with flags 0 the other mode, and NULL when both are refused. */
START_TEST(a_mode_the_os_refuses_is_null_and_the_default_takes_the_other)
{
	static const rec_veto_fn vetoes[2] = { veto_shared_mmap, veto_exec_mprotect };
	struct rtm_code_config asked = { 4 * ps(), modes[_i], NULL };
	struct rtm_code_config any = { 4 * ps(), 0, NULL };
	struct state s0, s1;
	rtm_code *c;

	rec_begin(vetoes[_i]);
	s0 = state_now();
	c = rtm_code_create(&asked);
	s1 = state_now();
	ck_assert_ptr_null(c);
	assert_state_eq(s0, s1);
	ck_assert_uint_eq(rec_live_bytes(), 0);

	c = rtm_code_create(&any);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(rtm_code_mode(c), _i == 0 ? RTM_CODE_FLIP : RTM_CODE_DUAL);
	if (_i == 0) {
		/* FLIP publishes with an mprotect, which this veto lets by. */
		struct rtm_code_buf a = const_fn(c, 3);

		ck_assert_int_eq(rtm_code_publish(c, &a), 0);
		call(&a, 3);
	}
	rtm_code_destroy(c);

	rec.veto = veto_both_modes;
	s0 = state_now();
	c = rtm_code_create(&any);
	s1 = state_now();
	ck_assert_ptr_null(c);
	assert_state_eq(s0, s1);
	rec_end();
	ck_assert_uint_eq(rec_live_bytes(), 0);
}
END_TEST

/* ---- alloc ---- */

START_TEST(align_0_is_16)
{
	rtm_code *c = region(modes[_i], 4 * ps());
	struct rtm_code_buf a, b;

	ck_assert_int_eq(rtm_code_alloc(c, 1, 1, &a), 0);
	ck_assert_int_eq(rtm_code_alloc(c, 1, 0, &b), 0);
	ck_assert_ptr_eq(b.exec, (char *)a.exec + 16);
	ck_assert_ptr_eq(b.write, (char *)a.write + 16);
	rtm_code_destroy(c);
}
END_TEST

static int veto_commit(const struct rec_call *c, unsigned nth)
{
	(void)nth;
	return c->op == REC_MPROTECT && c->arg == (RTM_PROT_READ | RTM_PROT_WRITE) ? RTM_EAGAIN : 0;
}

/* Every refused alloc leaves *out as it was and the region too: the next
 * allocation lands right after the last good one. FLIP: a refused commit
 * is the OS's error, with nothing committed. */
START_TEST(a_refused_alloc_leaves_out_and_the_region_as_they_were)
{
	const struct {
		size_t size, align;
		int err;
	} bad[] = {
		{ 0, 0, RTM_EINVAL },
		{ 16, 3, RTM_EINVAL },
		{ 16, 48, RTM_EINVAL },
		{ 16, 2 * ps(), RTM_EINVAL },
		{ 16, (size_t)1 << (sizeof(size_t) * 8 - 1), RTM_EINVAL },
		{ SIZE_MAX, 0, RTM_ENOMEM },
		{ SIZE_MAX - 15, 16, RTM_ENOMEM }, /* wraps once past a */
		{ 4 * ps() - 16 + 1, 0, RTM_ENOMEM }, /* one byte past the end */
		{ 4 * ps(), 0, RTM_ENOMEM },
	};
	rtm_code *c = region(modes[_i], 4 * ps());
	struct rtm_code_buf a, b, untouched;
	struct state s0, s1;

	ck_assert_int_eq(rtm_code_alloc(c, 16, 16, &a), 0);
	memset(&untouched, 0xee, sizeof untouched);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int err;

		b = untouched;
		s0 = state_now();
		err = rtm_code_alloc(c, bad[i].size, bad[i].align, &b);
		s1 = state_now();
		ck_assert_msg(err == bad[i].err, "alloc(%zu, %zu): %d, expected %d", bad[i].size,
		              bad[i].align, err, bad[i].err);
		ck_assert(memcmp(&b, &untouched, sizeof b) == 0);
		assert_state_eq(s0, s1);
	}
	if (modes[_i] == RTM_CODE_FLIP && rtm_hooks_enabled()) {
		/* Past the first page: a commit, refused. */
		rec_begin(veto_commit);
		b = untouched;
		s0 = state_now();
		ck_assert_int_eq(rtm_code_alloc(c, ps(), 16, &b), RTM_EAGAIN);
		s1 = state_now();
		rec_end();
		ck_assert(memcmp(&b, &untouched, sizeof b) == 0);
		assert_state_eq(s0, s1);
		assert_reserved_only((char *)a.exec + ps());
	}
	ck_assert_int_eq(rtm_code_alloc(c, 16, 16, &b), 0);
	ck_assert_ptr_eq(b.exec, (char *)a.exec + 16);
	ck_assert_ptr_eq(b.write, (char *)a.write + 16);
	rtm_code_destroy(c);
}
END_TEST

/* ---- publish and patch_begin ---- */

/* Not this region's: NULLs, another region's code, a stranger, views that
 * do not match, a size past the allocation: RTM_EINVAL from publish and
 * patch_begin alike, and nothing changes (the code keeps its rights and
 * runs). */
START_TEST(what_is_not_this_regions_is_einval_to_publish_and_patch)
{
	unsigned mode = modes[_i];
	rtm_code *c = region(mode, 4 * ps()), *other = region(mode, 4 * ps());
	struct rtm_code_buf x = const_fn(c, 21), y = const_fn(other, 22), bad[6];
	static unsigned char local[64];

	bad[0] = y;
	bad[1].write = bad[1].exec = local;
	bad[1].size = sizeof local;
	bad[2] = x; /* the views a byte apart */
	bad[2].write = (char *)x.write + 1;
	bad[3] = x; /* past all the region handed out (FLIP: to a page end) */
	bad[3].size = ps() + 1;
	bad[4] = x;
	bad[4].size = 0;
	bad[5].write = x.exec; /* the views swapped (FLIP: the code a byte on) */
	bad[5].exec = mode == RTM_CODE_DUAL ? x.write : (char *)x.exec + 1;
	bad[5].size = x.size - 1;
	for (int round = 0; round < 2; round++) {
		/* round 0: x written, not published; 1: published. */
		for (size_t i = 0; i < 6; i++) {
			ck_assert_int_eq(rtm_code_publish(c, &bad[i]), RTM_EINVAL);
			ck_assert_int_eq(rtm_code_patch_begin(c, &bad[i]), RTM_EINVAL);
		}
		ck_assert_int_eq(rtm_code_publish(NULL, &x), RTM_EINVAL);
		ck_assert_int_eq(rtm_code_publish(c, NULL), RTM_EINVAL);
		ck_assert_int_eq(rtm_code_patch_begin(NULL, &x), RTM_EINVAL);
		ck_assert_int_eq(rtm_code_patch_begin(c, NULL), RTM_EINVAL);
		ck_assert_str_eq(perms_at(x.write), round && mode == RTM_CODE_FLIP ? "r-xp" :
		                                                                 writable(mode));
		if (mode == RTM_CODE_DUAL)
			ck_assert_str_eq(perms_at(x.exec), "r-xs");
		ck_assert_int_eq(wx_mappings(), 0);
		if (round == 0)
			ck_assert_int_eq(rtm_code_publish(c, &x), 0);
		call(&x, 21);
	}
	ck_assert_int_eq(rtm_code_publish(other, &y), 0);
	call(&y, 22);
	rtm_code_destroy(other);
	rtm_code_destroy(c);
}
END_TEST

/* "or lie within one": part of an allocation publishes and patches. */
START_TEST(part_of_an_allocation_publishes_and_patches)
{
	unsigned mode = modes[_i];
	rtm_code *c = region(mode, 4 * ps());
	struct rtm_code_buf whole, part;

	ck_assert_int_eq(rtm_code_alloc(c, 2 * MC_MAX, FN_ALIGN, &whole), 0);
	part.write = (char *)whole.write + MC_MAX;
	part.exec = (char *)whole.exec + MC_MAX;
	part.size = MC_MAX;
	mc_ret_const(part.write, 31);
	ck_assert_int_eq(rtm_code_publish(c, &part), 0);
	call(&part, 31);
	if (mode == RTM_CODE_DUAL && emulator())
		return; /* a patch through the other view */
	ck_assert_int_eq(rtm_code_patch_begin(c, &part), 0);
	mc_patch_const(part.write, 32);
	ck_assert_int_eq(rtm_code_publish(c, &part), 0);
	call(&part, 32);
	rtm_code_destroy(c);
}
END_TEST

/* A second publish of published code, and a second patch_begin: DUAL
 * has nothing to change and answers 0; FLIP answers RTM_EINVAL (neither
 * newly allocated nor being patched; one patch at a time) and nothing
 * changes. */
START_TEST(a_second_publish_or_patch_begin)
{
	unsigned mode = modes[_i];
	rtm_code *c = region(mode, 4 * ps());
	struct rtm_code_buf x = const_fn(c, 41);
	int again = mode == RTM_CODE_DUAL ? 0 : RTM_EINVAL;

	ck_assert_int_eq(rtm_code_publish(c, &x), 0);
	ck_assert_int_eq(rtm_code_publish(c, &x), again);
	ck_assert_str_eq(perms_at(x.exec), executable(mode));
	call(&x, 41);
	ck_assert_int_eq(rtm_code_patch_begin(c, &x), 0);
	ck_assert_int_eq(rtm_code_patch_begin(c, &x), again);
	ck_assert_str_eq(perms_at(x.write), writable(mode));
	ck_assert_int_eq(wx_mappings(), 0);
	ck_assert_int_eq(rtm_code_publish(c, &x), 0);
	ck_assert_str_eq(perms_at(x.exec), executable(mode));
	call(&x, 41);
	rtm_code_destroy(c);
}
END_TEST

static int veto_all_mprotect(const struct rec_call *c, unsigned nth)
{
	(void)nth;
	return c->op == REC_MPROTECT ? RTM_ENOMEM : 0;
}

/* FLIP: an mprotect refused is the OS's error and nothing changes, for a
 * publish (still writable), a patch_begin (still executable, running)
 * and the publish ending a patch (still writable, the patch still open);
 * each made again goes through. */
START_TEST(a_refused_mprotect_is_the_oss_error_and_changes_nothing)
{
	rtm_code *c = region(RTM_CODE_FLIP, 4 * ps());
	struct rtm_code_buf x = const_fn(c, 51);

	rec_begin(veto_all_mprotect);
	ck_assert_int_eq(rtm_code_publish(c, &x), RTM_ENOMEM);
	rec.veto = NULL;
	ck_assert_str_eq(perms_at(x.write), "rw-p");
	ck_assert_int_eq(rtm_code_publish(c, &x), 0);
	call(&x, 51);

	rec.veto = veto_all_mprotect;
	ck_assert_int_eq(rtm_code_patch_begin(c, &x), RTM_ENOMEM);
	rec.veto = NULL;
	ck_assert_str_eq(perms_at(x.exec), "r-xp");
	call(&x, 51);
	ck_assert_int_eq(rtm_code_patch_begin(c, &x), 0);
	mc_patch_const(x.write, 52);

	rec.veto = veto_all_mprotect;
	ck_assert_int_eq(rtm_code_publish(c, &x), RTM_ENOMEM);
	rec.veto = NULL;
	ck_assert_str_eq(perms_at(x.write), "rw-p");
	ck_assert_int_eq(rtm_code_patch_begin(c, &x), RTM_EINVAL); /* still open */
	ck_assert_int_eq(wx_mappings(), 0);
	ck_assert_int_eq(rtm_code_publish(c, &x), 0);
	rec_end();
	call(&x, 52);
	rtm_code_destroy(c);
}
END_TEST

/* The kernel's answer to the cache maintenance call (arm, riscv64 and
 * mips make one; a seccomp filter can refuse it), as the link's
 * -Wl,--wrap=rtm_icache_flush_checked hands it to the region: while
 * flush_refusal is set, that error and no maintenance; 0 passes every
 * call through. */
int __real_rtm_icache_flush_checked(void *p, size_t n);
int __wrap_rtm_icache_flush_checked(void *p, size_t n);
static int flush_refusal;

int __wrap_rtm_icache_flush_checked(void *p, size_t n)
{
	return flush_refusal ? flush_refusal : __real_rtm_icache_flush_checked(p, n);
}

/* A refused flush is the publish's error and changes nothing, in both
 * modes: new code is not published (FLIP: still writable; DUAL: not yet
 * patchable), a patch stays open (FLIP: still writable); the publish made
 * again goes through. */
START_TEST(a_refused_flush_is_the_publishs_error_and_changes_nothing)
{
	unsigned mode = modes[_i];
	rtm_code *c = region(mode, 4 * ps());
	struct rtm_code_buf x = const_fn(c, 61);
	struct state s0 = state_now(), s1;

	flush_refusal = RTM_EPERM;
	ck_assert_int_eq(rtm_code_publish(c, &x), RTM_EPERM);
	flush_refusal = 0;
	s1 = state_now();
	assert_state_eq(s1, s0);
	ck_assert_str_eq(perms_at(x.write), writable(mode));
	ck_assert_int_eq(rtm_code_patch_begin(c, &x), RTM_EINVAL); /* not published */
	ck_assert_int_eq(rtm_code_publish(c, &x), 0);
	call(&x, 61);

	ck_assert_int_eq(rtm_code_patch_begin(c, &x), 0);
	mc_patch_const(x.write, 62);
	flush_refusal = RTM_EPERM;
	ck_assert_int_eq(rtm_code_publish(c, &x), RTM_EPERM);
	flush_refusal = 0;
	if (mode == RTM_CODE_FLIP) {
		ck_assert_str_eq(perms_at(x.write), "rw-p");
		ck_assert_int_eq(rtm_code_patch_begin(c, &x), RTM_EINVAL); /* still open */
	}
	ck_assert_int_eq(wx_mappings(), 0);
	ck_assert_int_eq(rtm_code_publish(c, &x), 0);
	if (mode == RTM_CODE_FLIP || !emulator())
		call(&x, 62); /* qemu-user misses DUAL's write through the other view */
	rtm_code_destroy(c);
}
END_TEST

/* ---- reset ---- */

/* Twice: the second changes nothing; new code starts at the region's
 * start. */
START_TEST(reset_twice_leaves_the_region_empty)
{
	unsigned mode = modes[_i];
	rtm_code *c = region(mode, 4 * ps());
	struct rtm_code_buf a = const_fn(c, 61), b;
	struct state s0, s1;

	ck_assert_int_eq(rtm_code_publish(c, &a), 0);
	call(&a, 61);
	rtm_code_reset(c);
	s0 = state_now();
	rtm_code_reset(c);
	s1 = state_now();
	assert_state_eq(s0, s1);
	b = const_fn(c, 62);
	ck_assert_ptr_eq(b.exec, a.exec);
	ck_assert_int_eq(rtm_code_publish(c, &b), 0);
	if (!(mode == RTM_CODE_DUAL && emulator()))
		call(&b, 62);
	rtm_code_destroy(c);
}
END_TEST

/* FLIP's decommit: a new PROT_NONE private mapping in place. */
static int veto_decommit(const struct rec_call *c, unsigned nth)
{
	(void)nth;
	return c->op == REC_MMAP && (c->arg & RTM_MAP_FIXED) && (c->arg & RTM_MAP_ANONYMOUS) ?
	               RTM_ENOMEM :
	               0;
}

/* FLIP: the OS refuses to take the pages back. They stay as they are
 * (published code executable, pending code writable, still counted),
 * the space stays taken, new code starts past it on a fresh page; a
 * later reset gives everything back. */
START_TEST(a_refused_reset_keeps_the_pages_and_new_code_starts_past_them)
{
	rtm_code *c = region(RTM_CODE_FLIP, 8 * ps());
	struct rtm_code_buf a = const_fn(c, 71), pending, b, d;
	struct rtm_vm_stats v0;
	uintptr_t end;

	ck_assert_int_eq(rtm_code_publish(c, &a), 0);
	pending = const_fn(c, 72);
	end = ((uintptr_t)pending.exec + pending.size + ps() - 1) & ~(uintptr_t)(ps() - 1);
	v0 = rtm_vm_stats();
	rec_begin(veto_decommit);
	rtm_code_reset(c);
	rec_end();
	ck_assert_uint_eq(rec_count(REC_MMAP, RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS |
	                                               RTM_MAP_NORESERVE | RTM_MAP_FIXED),
	                  1);
	ck_assert_uint_eq(rtm_vm_stats().committed, v0.committed);
	ck_assert_str_eq(perms_at(a.exec), "r-xp");
	ck_assert_str_eq(perms_at(pending.write), "rw-p");
	b = const_fn(c, 73);
	ck_assert_ptr_eq(b.exec, (void *)end);
	ck_assert_int_eq(wx_mappings(), 0);
	ck_assert_int_eq(rtm_code_publish(c, &b), 0);
	call(&b, 73);

	rtm_code_reset(c);
	ck_assert_uint_eq(rtm_vm_stats().committed, v0.committed - 2 * ps());
	assert_reserved_only(a.exec);
	assert_reserved_only(b.exec);
	d = const_fn(c, 74);
	ck_assert_ptr_eq(d.exec, a.exec);
	ck_assert_int_eq(rtm_code_publish(c, &d), 0);
	call(&d, 74);
	rtm_code_destroy(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("code_region_badinput");
	TCase *tc = tcase_create("badinput");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, a_null_or_zero_config_is_every_default, 0, 2);
	tcase_add_loop_test(tc, a_reserve_is_rounded_up_to_pages, 0, 2);
	tcase_add_test(tc, a_reserve_that_overflows_when_doubled_is_null_in_dual_mode);
	tcase_add_loop_test(tc, align_0_is_16, 0, 2);
	tcase_add_loop_test(tc, a_refused_alloc_leaves_out_and_the_region_as_they_were, 0, 2);
	tcase_add_loop_test(tc, what_is_not_this_regions_is_einval_to_publish_and_patch, 0, 2);
	tcase_add_loop_test(tc, part_of_an_allocation_publishes_and_patches, 0, 2);
	tcase_add_loop_test(tc, a_second_publish_or_patch_begin, 0, 2);
	tcase_add_loop_test(tc, reset_twice_leaves_the_region_empty, 0, 2);
	tcase_add_loop_test(tc, a_refused_flush_is_the_publishs_error_and_changes_nothing, 0, 2);
	if (rtm_hooks_enabled()) {
		tcase_add_loop_test(tc, a_mode_the_os_refuses_is_null_and_the_default_takes_the_other,
		                    0, 2);
		tcase_add_test(tc, a_refused_mprotect_is_the_oss_error_and_changes_nothing);
		tcase_add_test(tc, a_refused_reset_keeps_the_pages_and_new_code_starts_past_them);
	}
	suite_add_tcase(s, tc);
	return run_suite(s);
}
