/* rtm_reserve: None -> Reserved. Alignment, no access, the hint, every
 * documented error, and that aligning leaves no slack behind. */
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>

#include <rtmem/vm.h>

#include "proc.h"
#include "rec_hooks.h"
#include "suite.h"

#define MiB ((size_t)1 << 20)

START_TEST(reserve_rounds_up_and_maps_without_access)
{
	size_t ps = page_size(), lines0, lines1;
	size_t total0 = maps_total(&lines0);
	struct rtm_vm_stats s0 = rtm_vm_stats();
	rtm_mmap_result r = rtm_reserve(NULL, 2 * ps + 1, 0);

	if (skip_under_emulator32("PROT_NONE mappings may be missing from the maps"))
		return;
	ck_assert_int_eq(r.err, 0);
	ck_assert_ptr_nonnull(r.addr);
	ck_assert_uint_eq((uintptr_t)r.addr % ps, 0);
	ck_assert_uint_eq(rtm_vm_stats().reserved - s0.reserved, 3 * ps);
	ck_assert_uint_eq(rtm_vm_stats().committed, s0.committed);
	ck_assert_str_eq(perms_at(r.addr), "---p");
	ck_assert_str_eq(perms_at((char *)r.addr + 3 * ps - 1), "---p");
	ck_assert_uint_eq(maps_total(&lines1) - total0, 3 * ps);
	ck_assert_uint_le(lines1 - lines0, 1);
	ck_assert_int_eq(rtm_release(r.addr, 2 * ps + 1), 0);
	ck_assert_uint_eq(maps_total(NULL), total0);
}
END_TEST

START_TEST(reading_reserved_memory_faults)
{
	rtm_mmap_result r = rtm_reserve(NULL, page_size(), 0);

	ck_assert_int_eq(r.err, 0);
	(void)*(volatile char *)r.addr;
}
END_TEST

START_TEST(writing_reserved_memory_faults)
{
	rtm_mmap_result r = rtm_reserve(NULL, 4 * page_size(), 0);

	ck_assert_int_eq(r.err, 0);
	((volatile char *)r.addr)[3 * page_size()] = 1;
}
END_TEST

static size_t test_align(int i)
{
	const size_t aligns[] = { 0, page_size(), 64 << 10, 2 * MiB, (size_t)1 << 30 };

	return aligns[i];
}
/* A 1 GiB alignment needs 1 GiB of free address space in one piece,
 * which a 32-bit process may not have. */
#define N_ALIGNS (sizeof(void *) == 8 ? 5 : 4)

START_TEST(alignment_is_honoured_and_the_slack_is_trimmed)
{
	size_t align = test_align(_i), ps = page_size(), n = 3 * ps + 5, lines0, lines1;
	size_t total0 = maps_total(&lines0);
	struct rtm_vm_stats s0 = rtm_vm_stats();
	rtm_mmap_result r[4];

	if (skip_under_emulator32("PROT_NONE mappings may be missing from the maps"))
		return;
	/* Several in a row, so one does not pass by luck of where the
	 * kernel put it. */
	for (int k = 0; k < 4; k++) {
		r[k] = rtm_reserve(NULL, n, align);
		ck_assert_int_eq(r[k].err, 0);
		ck_assert_uint_eq((uintptr_t)r[k].addr % (align ? align : ps), 0);
		ck_assert_uint_eq(pages_mapped(r[k].addr, 4 * ps), 4);
	}
	ck_assert_uint_eq(rtm_vm_stats().reserved - s0.reserved, 4 * 4 * ps);
	/* Exactly what was asked for is mapped: neither the head nor the
	 * tail of the slack survived. */
	ck_assert_uint_eq(maps_total(&lines1) - total0, 4 * 4 * ps);
	ck_assert_uint_le(lines1 - lines0, 4);
	for (int k = 0; k < 4; k++) {
		ck_assert_int_eq(rtm_release(r[k].addr, n), 0);
		ck_assert_uint_eq(pages_mapped(r[k].addr, 4 * ps), 0);
	}
	ck_assert_uint_eq(maps_total(&lines1), total0);
	ck_assert_uint_eq(lines1, lines0);
	ck_assert_uint_eq(rtm_vm_stats().reserved, s0.reserved);
}
END_TEST

START_TEST(a_free_hint_is_used)
{
	size_t ps = page_size();
	rtm_mmap_result hole = rtm_reserve(NULL, 16 * ps, 0), r;

	ck_assert_int_eq(hole.err, 0);
	ck_assert_int_eq(rtm_release(hole.addr, 16 * ps), 0);
	r = rtm_reserve(hole.addr, 16 * ps, 0);
	ck_assert_int_eq(r.err, 0);
	ck_assert_ptr_eq(r.addr, hole.addr);
	ck_assert_int_eq(rtm_release(r.addr, 16 * ps), 0);
}
END_TEST

START_TEST(a_free_aligned_hint_is_used_with_alignment)
{
	/* Free 8 MiB at a 2 MiB boundary, then ask for 2 MiB there: the
	 * slack of the aligned request fits inside the hole. */
	rtm_mmap_result hole = rtm_reserve(NULL, 8 * MiB, 2 * MiB), r;
	char *want;

	if (skip_under_emulator32("PROT_NONE mappings may be missing from the maps"))
		return;
	ck_assert_int_eq(hole.err, 0);
	ck_assert_int_eq(rtm_release(hole.addr, 8 * MiB), 0);
	want = (char *)hole.addr + 2 * MiB;
	r = rtm_reserve(want, 2 * MiB, 2 * MiB);
	ck_assert_int_eq(r.err, 0);
	ck_assert_ptr_eq(r.addr, want);
	ck_assert_uint_eq(pages_mapped(hole.addr, 8 * MiB), 2 * MiB / page_size());
	ck_assert_int_eq(rtm_release(r.addr, 2 * MiB), 0);
}
END_TEST

START_TEST(a_taken_hint_is_not_forced)
{
	size_t ps = page_size();
	rtm_mmap_result a = rtm_reserve(NULL, 4 * ps, 0), b;

	ck_assert_int_eq(a.err, 0);
	ck_assert_int_eq(rtm_commit(a.addr, 4 * ps), 0);
	memset(a.addr, 0x5a, 4 * ps);
	b = rtm_reserve(a.addr, 4 * ps, 0);
	ck_assert_int_eq(b.err, 0);
	ck_assert_ptr_ne(b.addr, a.addr);
	ck_assert((uintptr_t)b.addr + 4 * ps <= (uintptr_t)a.addr ||
	          (uintptr_t)b.addr >= (uintptr_t)a.addr + 4 * ps);
	/* The mapping at the hint is untouched: still writable, still ours. */
	ck_assert_str_eq(perms_at(a.addr), "rw-p");
	for (size_t k = 0; k < 4 * ps; k++)
		ck_assert_uint_eq(((unsigned char *)a.addr)[k], 0x5a);
	ck_assert_int_eq(rtm_release(b.addr, 4 * ps), 0);
	ck_assert_int_eq(rtm_release_ready(a.addr, 4 * ps, 4 * ps), 0);
}
END_TEST

/* A failed reserve returns NULL and its error, and changes nothing. */
static void assert_refused(size_t n, size_t align, int err)
{
	size_t lines0, lines1;
	size_t total0 = maps_total(&lines0);
	struct rtm_vm_stats s0 = rtm_vm_stats();
	rtm_mmap_result r = rtm_reserve(NULL, n, align);

	ck_assert_msg(r.err == err && r.addr == NULL, "reserve(%zu, %zu) gave %p, %d; want %d", n,
	              align, r.addr, r.err, err);
	ck_assert_uint_eq(rtm_vm_stats().reserved, s0.reserved);
	ck_assert_uint_eq(maps_total(&lines1), total0);
	ck_assert_uint_eq(lines1, lines0);
}

START_TEST(zero_size_is_einval)
{
	assert_refused(0, 0, RTM_EINVAL);
	assert_refused(0, 2 * MiB, RTM_EINVAL);
}
END_TEST

START_TEST(alignment_not_a_power_of_two_is_einval)
{
	size_t ps = page_size();

	assert_refused(ps, 3 * ps, RTM_EINVAL);
	assert_refused(ps, ps + 1, RTM_EINVAL);
	assert_refused(ps, (64 << 10) - 1, RTM_EINVAL);
	assert_refused(ps, SIZE_MAX, RTM_EINVAL);
}
END_TEST

START_TEST(alignment_below_a_page_is_einval)
{
	size_t ps = page_size();

	assert_refused(ps, 1, RTM_EINVAL);
	assert_refused(ps, 16, RTM_EINVAL);
	assert_refused(ps, ps / 2, RTM_EINVAL);
}
END_TEST

START_TEST(sizes_that_overflow_are_enomem)
{
	size_t ps = page_size();

	assert_refused(SIZE_MAX, 0, RTM_ENOMEM);
	/* Rounding up to a page wraps. */
	assert_refused(SIZE_MAX - ps + 2, 0, RTM_ENOMEM);
	/* Page-aligned, but the alignment slack wraps. */
	assert_refused(SIZE_MAX & ~(ps - 1), 2 * MiB, RTM_ENOMEM);
	assert_refused(SIZE_MAX - 2 * MiB, (size_t)1 << 30, RTM_ENOMEM);
	/* Reaches PTRDIFF_MAX, alone or with the slack. */
	assert_refused((size_t)PTRDIFF_MAX, 0, RTM_ENOMEM);
	assert_refused((size_t)PTRDIFF_MAX - MiB, 2 * MiB, RTM_ENOMEM);
#if UINTPTR_MAX > 0xffffffffu
	/* Representable, but more than any address space. */
	assert_refused((size_t)1 << 62, 0, RTM_ENOMEM);
#endif
}
END_TEST

START_TEST(reserve_past_rlimit_as_is_enomem)
{
	struct rlimit lim;
	rtm_mmap_result r;

	if (skip_under_emulator("RLIMIT_AS limits nothing"))
		return;
	lim.rlim_cur = lim.rlim_max = (rlim_t)status_kb("VmSize") * 1024 + 16 * MiB;
	ck_assert_int_eq(setrlimit(RLIMIT_AS, &lim), 0);
	assert_refused(64 * MiB, 0, RTM_ENOMEM);
	assert_refused(8 * MiB, 32 * MiB, RTM_ENOMEM); /* the slack counts too */
	r = rtm_reserve(NULL, MiB, 0);
	ck_assert_int_eq(r.err, 0);
	ck_assert_int_eq(rtm_release(r.addr, MiB), 0);
}
END_TEST

static int veto_mmap_eperm(const struct rec_call *c, unsigned nth)
{
	(void)nth;
	return c->op == REC_MMAP ? RTM_EPERM : 0;
}

START_TEST(a_hook_error_from_mmap_is_returned)
{
	struct rtm_vm_stats s0 = rtm_vm_stats();
	size_t total0 = maps_total(NULL);
	rtm_mmap_result r;

	rec_begin(veto_mmap_eperm);
	r = rtm_reserve(NULL, MiB, 2 * MiB);
	rec_end();
	ck_assert_int_eq(r.err, RTM_EPERM);
	ck_assert_ptr_null(r.addr);
	ck_assert_uint_eq(rec.calls[REC_MMAP], 1);
	ck_assert_uint_eq(rtm_vm_stats().reserved, s0.reserved);
	ck_assert_uint_eq(maps_total(NULL), total0);
}
END_TEST

static unsigned fail_munmap_nth;

static int veto_nth_munmap(const struct rec_call *c, unsigned nth)
{
	return c->op == REC_MUNMAP && nth == fail_munmap_nth ? RTM_EAGAIN : 0;
}

/* _i = 1: the tail trim fails; _i = 2: the head trim fails. */
START_TEST(a_failed_trim_leaves_nothing_mapped)
{
	rtm_mmap_result hole = rtm_reserve(NULL, 8 * MiB, 2 * MiB), r;
	struct rtm_vm_stats s0;
	size_t total0;
	char *hint;

	ck_assert_int_eq(hole.err, 0);
	ck_assert_int_eq(rtm_release(hole.addr, 8 * MiB), 0);
	/* A hint 1 MiB past a 2 MiB boundary in a free hole: the kernel
	 * maps the 3 MiB - 1 page there, so 1 MiB of head and 1 MiB - 1 page
	 * of tail must be trimmed. */
	hint = (char *)hole.addr + MiB;
	s0 = rtm_vm_stats();
	total0 = maps_total(NULL);

	fail_munmap_nth = (unsigned)_i;
	rec_begin(veto_nth_munmap);
	r = rtm_reserve(hint, MiB, 2 * MiB);
	rec_end();

	ck_assert_int_eq(r.err, RTM_EAGAIN);
	ck_assert_ptr_null(r.addr);
	ck_assert_uint_eq(rec.calls[REC_MMAP], 1);
	ck_assert_uint_eq(rec.calls[REC_MUNMAP], (unsigned)_i + 1);
	ck_assert_uint_eq(rec.log[0].addr, (uintptr_t)hint);
	ck_assert_uint_eq(rec.nlive, 0);
	ck_assert_uint_eq(pages_mapped(hole.addr, 8 * MiB), 0);
	ck_assert_uint_eq(maps_total(NULL), total0);
	ck_assert_uint_eq(rtm_vm_stats().reserved, s0.reserved);
}
END_TEST

START_TEST(reserve_maps_through_the_hooks)
{
	rtm_mmap_result r;

	rec_begin(NULL);
	r = rtm_reserve(NULL, MiB, 2 * MiB);
	ck_assert_int_eq(r.err, 0);
	ck_assert_uint_eq(rec_live_bytes(), MiB);
	ck_assert_uint_eq(rec_live_overlap((uintptr_t)r.addr, (uintptr_t)r.addr + MiB), MiB);
	ck_assert_int_eq(rtm_release(r.addr, MiB), 0);
	ck_assert_uint_eq(rec.nlive, 0);
	rec_end();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vm_reserve");
	TCase *tc = tcase_create("reserve");
	TCase *hooks = tcase_create("reserve_hooks");

	tcase_add_test(tc, reserve_rounds_up_and_maps_without_access);
	tcase_add_test_raise_signal(tc, reading_reserved_memory_faults, SIGSEGV);
	tcase_add_test_raise_signal(tc, writing_reserved_memory_faults, SIGSEGV);
	tcase_add_loop_test(tc, alignment_is_honoured_and_the_slack_is_trimmed, 0, N_ALIGNS);
	tcase_add_test(tc, a_free_hint_is_used);
	tcase_add_test(tc, a_free_aligned_hint_is_used_with_alignment);
	tcase_add_test(tc, a_taken_hint_is_not_forced);
	tcase_add_test(tc, zero_size_is_einval);
	tcase_add_test(tc, alignment_not_a_power_of_two_is_einval);
	tcase_add_test(tc, alignment_below_a_page_is_einval);
	tcase_add_test(tc, sizes_that_overflow_are_enomem);
	tcase_add_test(tc, reserve_past_rlimit_as_is_enomem);
	suite_add_tcase(s, tc);
	/* With -Dhooks=false the library never calls a hook table. */
	if (rtm_hooks_enabled()) {
		tcase_add_test(hooks, a_hook_error_from_mmap_is_returned);
		tcase_add_loop_test(hooks, a_failed_trim_leaves_nothing_mapped, 1, 3);
		tcase_add_test(hooks, reserve_maps_through_the_hooks);
		suite_add_tcase(s, hooks);
	}
	return run_suite(s);
}
