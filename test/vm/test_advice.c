/* rtm_hugepage and rtm_name: advice and labels. Each asserts what this
 * kernel supports, found out independently of rtmem: the THP switch in
 * sysfs, and a prctl made straight through libc. */
#include <stdint.h>
#include <sys/prctl.h>

#include <rtmem/vm.h>

#include "proc.h"
#include "rec_hooks.h"
#include "suite.h"

#define MiB ((size_t)1 << 20)

static unsigned char *ready(size_t n)
{
	rtm_mmap_result r = rtm_reserve(NULL, n, 0);

	ck_assert_int_eq(r.err, 0);
	ck_assert_int_eq(rtm_commit(r.addr, n), 0);
	memset(r.addr, 0x5a, n);
	return r.addr;
}

static int have_thp(void)
{
	return access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) == 0;
}

START_TEST(hugepage_advice_is_taken_or_einval_without_thp)
{
	size_t n = 4 * MiB;
	unsigned char *p = ready(n);

	if (skip_under_emulator("MADV_HUGEPAGE is not applied"))
		return;
	if (have_thp()) {
		ck_assert_int_eq(rtm_hugepage(p, n, 1), 0);
		ck_assert(smaps_flag(p, "hg") && !smaps_flag(p, "nh"));
		ck_assert_int_eq(rtm_hugepage(p, n, 0), 0);
		ck_assert(smaps_flag(p, "nh") && !smaps_flag(p, "hg"));
	} else {
		ck_assert_int_eq(rtm_hugepage(p, n, 1), RTM_EINVAL);
		ck_assert_int_eq(rtm_hugepage(p, n, 0), RTM_EINVAL);
	}
	/* Advice only: contents, protections and counts stay. */
	ck_assert_str_eq(perms_at(p), "rw-p");
	ck_assert_uint_eq(p[n - 1], 0x5a);
}
END_TEST

START_TEST(hugepage_advice_on_reserved_memory_is_fine)
{
	rtm_mmap_result r = rtm_reserve(NULL, 4 * MiB, 2 * MiB);

	if (skip_under_emulator32("PROT_NONE mappings may be missing from the maps"))
		return;
	ck_assert_int_eq(r.err, 0);
	ck_assert_int_eq(rtm_hugepage(r.addr, 4 * MiB, 1), have_thp() ? 0 : RTM_EINVAL);
	ck_assert_str_eq(perms_at(r.addr), "---p");
}
END_TEST

START_TEST(hugepage_bad_ranges_are_refused)
{
	size_t ps = page_size();
	unsigned char *p = ready(3 * ps);

	ck_assert_int_eq(rtm_hugepage(p + 1, ps, 1), RTM_EINVAL);
	ck_assert_int_eq(rtm_hugepage(p, 0, 1), RTM_EINVAL);
	ck_assert_int_eq(rtm_hugepage(p, SIZE_MAX, 1), RTM_EINVAL);
	ck_assert_int_eq(rtm_release_ready(p + ps, ps, ps), 0);
	if (!emulator()) /* its madvise reports no hole (emulator.h) */
		ck_assert_int_eq(rtm_hugepage(p, 3 * ps, 1), have_thp() ? RTM_ENOMEM : RTM_EINVAL);
	ck_assert(!page_mapped(p + ps));
	ck_assert_uint_eq(p[0], 0x5a);
}
END_TEST

#define RTM_TEST_PR_SET_VMA 0x53564d41

/* Whether this kernel names anonymous memory, asked without rtmem. */
static int kernel_names_vmas(void)
{
	void *q = mmap(NULL, page_size(), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ok;

	ck_assert_ptr_ne(q, MAP_FAILED);
	ok = prctl(RTM_TEST_PR_SET_VMA, 0, (unsigned long)q, page_size(), (unsigned long)"probe") ==
	     0;
	ck_assert(ok || errno == EINVAL);
	munmap(q, page_size());
	return ok;
}

START_TEST(name_labels_the_range_or_is_einval)
{
	size_t ps = page_size();
	unsigned char *p = ready(4 * ps);
	struct vma v;

	if (kernel_names_vmas()) {
		ck_assert_int_eq(rtm_name(p + ps, 2 * ps, "rtmem-test"), 0);
		ck_assert(vma_at(p + ps, &v));
		ck_assert_str_eq(v.name, "[anon:rtmem-test]");
		ck_assert_uint_eq(v.lo, (uintptr_t)p + ps);
		ck_assert_uint_eq(v.hi, (uintptr_t)p + 3 * ps);
		ck_assert(vma_at(p, &v));
		ck_assert_str_eq(v.name, "");
		/* NULL takes the name off again. */
		ck_assert_int_eq(rtm_name(p + ps, 2 * ps, NULL), 0);
		ck_assert(vma_at(p + ps, &v));
		ck_assert_str_eq(v.name, "");
	} else {
		ck_assert_int_eq(rtm_name(p + ps, 2 * ps, "rtmem-test"), RTM_EINVAL);
		ck_assert(vma_at(p + ps, &v));
		ck_assert_str_eq(v.name, "");
		ck_assert(strstr(proc_read("/proc/self/maps"), "[anon:rtmem-test]") == NULL);
	}
	ck_assert_uint_eq(p[ps], 0x5a);
}
END_TEST

START_TEST(name_refuses_what_the_kernel_refuses)
{
	size_t ps = page_size();
	unsigned char *p = ready(3 * ps);
	char longest[80], too_long[81];
	int named = kernel_names_vmas();

	memset(longest, 'x', sizeof longest - 1);
	longest[sizeof longest - 1] = 0;
	memset(too_long, 'x', sizeof too_long - 1);
	too_long[sizeof too_long - 1] = 0;
	ck_assert_int_eq(rtm_name(p, ps, longest), named ? 0 : RTM_EINVAL);
	ck_assert_int_eq(rtm_name(p, ps, too_long), RTM_EINVAL);
	ck_assert_int_eq(rtm_name(p, ps, "a[b"), RTM_EINVAL);
	ck_assert_int_eq(rtm_name(p, ps, "a$b"), RTM_EINVAL);
	ck_assert_int_eq(rtm_name(p, ps, "tab\there"), RTM_EINVAL);
	ck_assert_int_eq(rtm_name(p + 1, ps, "x"), RTM_EINVAL);
	ck_assert_int_eq(rtm_release_ready(p + ps, ps, ps), 0);
	ck_assert_int_eq(rtm_name(p, 3 * ps, "x"), named ? RTM_ENOMEM : RTM_EINVAL);
}
END_TEST

START_TEST(naming_a_file_mapping_is_ebadf)
{
	char path[] = "/tmp/rtmem-vm-XXXXXX";
	int fd = mkstemp(path);
	void *q;

	ck_assert_int_ge(fd, 0);
	unlink(path);
	ck_assert_int_eq(ftruncate(fd, (off_t)page_size()), 0);
	q = mmap(NULL, page_size(), PROT_READ, MAP_PRIVATE, fd, 0);
	ck_assert_ptr_ne(q, MAP_FAILED);
	ck_assert_int_eq(rtm_name(q, page_size(), "file"), kernel_names_vmas() ? RTM_EBADF :
	                                                                         RTM_EINVAL);
	munmap(q, page_size());
	close(fd);
}
END_TEST

/* The hole check in front of commit, decommit, purge, purge_lazy and
 * release must not touch the caller's own advice: MADV_NORMAL would clear
 * MADV_RANDOM ("rr") and MADV_SEQUENTIAL ("sr"), which smaps shows. */
START_TEST(the_hole_check_keeps_the_callers_own_advice)
{
	size_t ps = page_size();
	unsigned char *p = ready(4 * ps);

	if (skip_under_emulator("madvise advice is not applied"))
		return;
	ck_assert_int_eq(madvise(p, 2 * ps, MADV_RANDOM), 0);
	ck_assert_int_eq(madvise(p + 2 * ps, 2 * ps, MADV_SEQUENTIAL), 0);
	ck_assert(smaps_flag(p, "rr") && smaps_flag(p + 2 * ps, "sr"));
	ck_assert_int_eq(rtm_purge(p, 4 * ps), 0);
	ck_assert_int_eq(rtm_purge_lazy(p, 4 * ps), 0);
	ck_assert_int_eq(rtm_commit(p, 4 * ps), 0);
	/* A release refused after the check (a hole past the region, or
	 * more than rtmem holds in all) changes nothing either. */
	ck_assert_int_eq(rtm_release(p, 8 * ps), RTM_EINVAL);
	ck_assert(smaps_flag(p, "rr") && smaps_flag(p + 2 * ps, "sr"));
}
END_TEST

/* The check is not a hooked call: a purge is one madvise, a commit one
 * mprotect, as a hook sees them. */
START_TEST(the_hole_check_is_not_a_hooked_call)
{
	size_t ps = page_size();
	unsigned char *p = ready(2 * ps);

	rec_begin(NULL);
	ck_assert_int_eq(rtm_purge(p, 2 * ps), 0);
	ck_assert_uint_eq(rec_total_calls(), 1);
	ck_assert_uint_eq(rec_count(REC_MADVISE, RTM_MADV_DONTNEED), 1);
	ck_assert_int_eq(rtm_commit(p, 2 * ps), 0);
	rec_end();
	ck_assert_uint_eq(rec_total_calls(), 2);
	ck_assert_uint_eq(rec.calls[REC_MPROTECT], 1);
}
END_TEST

/* rtm_decommit keeps the mapping, and with it the huge page advice and
 * the name: hugepage -> decommit -> commit still has THP. Under strict
 * overcommit it maps a new range in place to give the charge back, which
 * drops both (vm.h). */
START_TEST(decommit_keeps_huge_page_advice_and_name)
{
	size_t n = 4 * MiB;
	unsigned char *p = ready(n);
	int named = kernel_names_vmas(), keeps = !overcommit_strict();
	struct vma v;

	if (skip_under_emulator("MADV_HUGEPAGE is not applied"))
		return;
	if (have_thp())
		ck_assert_int_eq(rtm_hugepage(p, n, 1), 0);
	if (named)
		ck_assert_int_eq(rtm_name(p, n, "rtmem-kept"), 0);
	ck_assert_int_eq(rtm_decommit(p, n), 0);
	ck_assert_str_eq(perms_at(p), "---p");
	ck_assert_uint_eq(smaps_kb(p, p + n, "Rss"), 0);
	ck_assert_int_eq(rtm_commit(p, n), 0);
	ck_assert_uint_eq(p[0], 0);
	ck_assert_uint_eq(p[n - 1], 0);
	if (have_thp())
		ck_assert_int_eq(smaps_flag(p, "hg"), keeps);
	if (named) {
		ck_assert(vma_at(p, &v));
		ck_assert_str_eq(v.name, keeps ? "[anon:rtmem-kept]" : "");
	}
}
END_TEST

START_TEST(hooks_see_hugepage_advice_but_not_names)
{
	size_t ps = page_size();
	unsigned char *p = ready(2 * ps);

	rec_begin(NULL);
	(void)rtm_name(p, 2 * ps, "quiet");
	ck_assert_uint_eq(rec_total_calls(), 0);
	(void)rtm_hugepage(p, 2 * ps, 1);
	rec_end();
	ck_assert_uint_eq(rec_count(REC_MADVISE, RTM_MADV_HUGEPAGE), 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vm_advice");
	TCase *tc = tcase_create("advice");

	tcase_add_test(tc, hugepage_advice_is_taken_or_einval_without_thp);
	tcase_add_test(tc, hugepage_advice_on_reserved_memory_is_fine);
	tcase_add_test(tc, hugepage_bad_ranges_are_refused);
	tcase_add_test(tc, name_labels_the_range_or_is_einval);
	tcase_add_test(tc, name_refuses_what_the_kernel_refuses);
	tcase_add_test(tc, naming_a_file_mapping_is_ebadf);
	tcase_add_test(tc, the_hole_check_keeps_the_callers_own_advice);
	tcase_add_test(tc, decommit_keeps_huge_page_advice_and_name);
	if (rtm_hooks_enabled()) {
		tcase_add_test(tc, hooks_see_hugepage_advice_but_not_names);
		tcase_add_test(tc, the_hole_check_is_not_a_hooked_call);
	}
	suite_add_tcase(s, tc);
	return run_suite(s);
}
