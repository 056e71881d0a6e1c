/* Under strict overcommit (vm.overcommit_memory = 2) the kernel charges
 * every writable private page against CommitLimit when it is committed,
 * and refuses what would pass it. These tests commit past the limit on
 * purpose: rtm_commit and the arena must answer with the error at the
 * call, change nothing, and stay usable; rtm_decommit must give the
 * charge back, or a second commit of the same size fails.
 *
 * The policy is the machine's: .ci/overcommit.sh sets 2, runs this with
 * RTMEM_REQUIRE_STRICT=1 (so a policy it could not set fails the run
 * instead of skipping) and puts the old value back. Elsewhere the program
 * says why it skips (exit 77). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <rtmem/arena.h>
#include <rtmem/vm.h>

#include "../arena/arena_util.h"
#include "../vm/proc.h"
#include "../vm/suite.h"

#define GiB ((size_t)1 << 30)

/* A "Key:   N kB" field of /proc/meminfo, in bytes. */
static size_t meminfo(const char *key)
{
	const char *s = proc_read("/proc/meminfo");
	const char *at = strstr(s, key);
	unsigned long long kb;

	ck_assert_msg(at && sscanf(at + strlen(key), ": %llu kB", &kb) == 1, "no %s", key);
	return (size_t)kb * 1024;
}

/* What can still be committed now. */
static size_t headroom(void)
{
	size_t limit = meminfo("CommitLimit"), used = meminfo("Committed_AS");

	return limit > used ? limit - used : 0;
}

/* More than can be committed: the headroom and a margin that no other
 * process's frees during the test can cover. */
static size_t too_much(void)
{
	return (headroom() + GiB) & ~(page_size() - 1);
}

START_TEST(commit_past_the_limit_is_enomem_and_changes_nothing)
{
	size_t n = too_much(), total0;
	rtm_mmap_result r = rtm_reserve(NULL, n, 0);
	struct rtm_vm_stats s0;
	unsigned char *p = r.addr;

	ck_assert_int_eq(r.err, 0);
	s0 = rtm_vm_stats();
	total0 = maps_total(NULL);
	ck_assert_int_eq(rtm_commit(p, n), RTM_ENOMEM);
	ck_assert_uint_eq(rtm_vm_stats().committed, s0.committed);
	ck_assert_uint_eq(rtm_vm_stats().reserved, s0.reserved);
	ck_assert_uint_eq(maps_total(NULL), total0);
	ck_assert_str_eq(perms_at(p), "---p");
	ck_assert_str_eq(perms_at(p + n - 1), "---p");
	/* Still a good reservation: a part that fits commits. */
	ck_assert_int_eq(rtm_commit(p, 16 * page_size()), 0);
	p[0] = 1;
	ck_assert_int_eq(rtm_release_ready(p, n, 16 * page_size()), 0);
	ck_assert_uint_eq(rtm_vm_stats().committed, s0.committed);
}
END_TEST

/* Two commits of 60% of the headroom each fit one after the other only if
 * the decommit in between gave the first one's charge back. A touched
 * page keeps its charge under mprotect(PROT_NONE) and MADV_DONTNEED; only
 * a new mapping returns it (vm.h, rtm_decommit). */
START_TEST(decommit_gives_the_charge_back)
{
	size_t n = (headroom() / 10 * 6) & ~(page_size() - 1);
	rtm_mmap_result a = rtm_reserve(NULL, n, 0), b = rtm_reserve(NULL, n, 0);
	unsigned char *pa = a.addr, *pb = b.addr;

	ck_assert_int_eq(a.err, 0);
	ck_assert_int_eq(b.err, 0);
	ck_assert_int_eq(rtm_commit(pa, n), 0);
	pa[0] = 1;
	pa[n - 1] = 1;
	ck_assert_int_eq(rtm_decommit(pa, n), 0);
	ck_assert_int_eq(rtm_commit(pb, n), 0);
	pb[n - 1] = 2;
	ck_assert_int_eq(rtm_commit(pa, n), RTM_ENOMEM);
	ck_assert_int_eq(rtm_release_ready(pb, n, n), 0);
	ck_assert_int_eq(rtm_commit(pa, n), 0);
	ck_assert_uint_eq(pa[0], 0);
	ck_assert_int_eq(rtm_release_ready(pa, n, n), 0);
}
END_TEST

/* An arena whose block is larger than the headroom: the allocation that
 * would commit past the limit is NULL, the arena is as it was, and it
 * serves what fits afterwards. */
START_TEST(an_arena_allocation_past_the_limit_is_null_and_the_arena_goes_on)
{
	size_t big = too_much();
	struct rtm_arena_config cfg = { big + GiB, 0, 64 * KiB, 0, 0, NULL };
	struct rtm_vm_stats v0 = rtm_vm_stats(), v1;
	rtm_arena *a = rtm_arena_create(&cfg);
	struct rtm_arena_stats s0;
	unsigned char *p, *q;

	ck_assert_ptr_nonnull(a);
	p = rtm_arena_alloc(a, 64 * KiB, 16);
	ck_assert_ptr_nonnull(p);
	fill(p, 64 * KiB, 7);
	s0 = rtm_arena_stats(a);
	v1 = rtm_vm_stats();
	ck_assert_ptr_null(rtm_arena_alloc(a, big, 16));
	ASSERT_STATS_EQ(rtm_arena_stats(a), s0);
	ck_assert_uint_eq(rtm_vm_stats().committed, v1.committed);
	ASSERT_FILLED(p, 64 * KiB, 7);
	q = rtm_arena_alloc(a, 1 * MiB, 16);
	ck_assert_ptr_nonnull(q);
	ck_assert_ptr_eq(q, p + 64 * KiB);
	fill(q, 1 * MiB, 8);
	/* A reset decommits what lies past retain (a new mapping in place,
	 * which gives the charge back) and destroy the rest. */
	rtm_arena_reset(a);
	ck_assert_uint_eq(rtm_arena_stats(a).committed, 64 * KiB);
	rtm_arena_destroy(a);
	ck_assert_uint_eq(rtm_vm_stats().committed, v0.committed);
	ck_assert_uint_eq(rtm_vm_stats().reserved, v0.reserved);
}
END_TEST

int main(void)
{
	const char *need = getenv("RTMEM_REQUIRE_STRICT");
	Suite *s = suite_create("overcommit");
	TCase *tc = tcase_create("strict");

	if (!overcommit_strict() || access("/proc/sys/vm/overcommit_memory", R_OK) != 0) {
		if (need && *need == '1') {
			fprintf(stderr, "vm.overcommit_memory is not 2, and RTMEM_REQUIRE_STRICT=1\n");
			return EXIT_FAILURE;
		}
		fprintf(stderr, "skipped: vm.overcommit_memory is not 2 (.ci/overcommit.sh sets it)\n");
		return 77;
	}
	if (sizeof(void *) < 8) {
		fprintf(stderr, "skipped: committing past CommitLimit needs more address space than 32 bits\n");
		return 77;
	}
	tcase_add_test(tc, commit_past_the_limit_is_enomem_and_changes_nothing);
	tcase_add_test(tc, decommit_gives_the_charge_back);
	tcase_add_test(tc, an_arena_allocation_past_the_limit_is_null_and_the_arena_goes_on);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
