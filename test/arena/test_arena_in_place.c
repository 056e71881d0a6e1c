/* rtm_arena_create_in: an arena in caller memory works like any fixed
 * arena and never calls the OS, not even to learn the page size. */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "arena_util.h"
#include "proc.h"
#include "rec_hooks.h"
#include "suite.h"

/* An arena in buf: allocations stay inside, it fills up and stops, reset
 * and rewind work, destroy leaves the bytes alone. */
static void exercise_in_place(unsigned char *buf, size_t len)
{
	rtm_arena *a = rtm_arena_create_in(buf, len);
	unsigned char *p, *first = NULL;
	struct rtm_arena_mark m;
	size_t n = 0;

	ck_assert_ptr_nonnull(a);
	ck_assert((unsigned char *)a >= buf && (unsigned char *)a < buf + len);
	ck_assert_uint_eq(rtm_arena_stats(a).blocks, 1);
	while ((p = rtm_arena_alloc(a, 100, 4)) != NULL) {
		ck_assert(p >= buf && p + 100 <= buf + len);
		first = first ? first : p;
		fill(p, 100, (unsigned)n++);
	}
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_eq(rtm_arena_stats(a).blocks, 1);
	for (size_t i = 0; i < n; i++)
		ASSERT_FILLED(first + 100 * i, 100, (unsigned)i);
	rtm_arena_reset(a);
	ck_assert_ptr_eq(rtm_arena_alloc(a, 100, 4), first);
	m = rtm_arena_save(a);
	ck_assert_ptr_nonnull(rtm_arena_alloc(a, 100, 4));
	rtm_arena_rewind(a, m);
	ck_assert_ptr_eq(rtm_arena_alloc(a, 100, 4), first + 100);
	p = rtm_arena_resize(a, first + 100, 100, 50, 4);
	ck_assert_ptr_eq(p, first + 100);
	ck_assert_ptr_nonnull(rtm_arena_alloc_zeroed(a, 10, 1));
	fill(first, 100, 4242);
	rtm_arena_destroy(a);
	ASSERT_FILLED(first, 100, 4242);
}

START_TEST(an_arena_works_in_a_stack_buffer)
{
	unsigned char buf[8192];

	exercise_in_place(buf, sizeof buf);
	exercise_in_place(buf + 1, sizeof buf - 1); /* any alignment */
}
END_TEST

START_TEST(an_arena_works_in_a_static_buffer)
{
	static unsigned char buf[100000];

	exercise_in_place(buf, sizeof buf);
}
END_TEST

START_TEST(an_arena_in_caller_memory_makes_no_hooked_call)
{
	static unsigned char buf[65536];
	struct rtm_vm_stats vm0 = rtm_vm_stats();

	rec_begin(NULL);
	exercise_in_place(buf, sizeof buf);
	rec_end();
	ck_assert_uint_eq(rec_total_calls(), 0);
	ck_assert_uint_eq(rtm_vm_stats().reserved, vm0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, vm0.committed);
}
END_TEST

/* Hooks see mapping calls only; the page-size probe and prctl are raw
 * syscalls. A seccomp filter kills the process on any memory-management
 * syscall, so the in-place arena is run in a child, with nothing that
 * could allocate: _exit(0) only if every step behaved. */
static int in_place_child(void)
{
	static unsigned char buf[16384];
	static const long nrs[] = {
		SYS_munmap, SYS_mprotect, SYS_madvise, SYS_mremap, SYS_brk, SYS_prctl,
#ifdef SYS_mmap /* not on arm EABI: mmap2 only */
		SYS_mmap,
#endif
#ifdef SYS_mmap2
		SYS_mmap2,
#endif
	};
	enum { N = sizeof nrs / sizeof nrs[0] };
	struct sock_filter insns[1 + 2 * N + 1];
	struct sock_fprog prog;
	unsigned k = 0;
	rtm_arena *a;
	struct rtm_arena_mark m;
	unsigned char *p;

	insns[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	                                          offsetof(struct seccomp_data, nr));
	for (unsigned i = 0; i < N; i++) {
		insns[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nrs[i], 0, 1);
		insns[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	}
	insns[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog.len = (unsigned short)k;
	prog.filter = insns;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		return 10;

	if (!(a = rtm_arena_create_in(buf, sizeof buf)))
		return 11;
	for (int i = 0; i < 100; i++)
		if (!(p = rtm_arena_alloc(a, 100, 16)))
			return 12;
	m = rtm_arena_save(a);
	while (rtm_arena_alloc(a, 100, 16))
		;
	rtm_arena_rewind(a, m);
	if (!rtm_arena_alloc_zeroed(a, 100, 1) || !rtm_arena_resize(a, p, 100, 50, 16))
		return 13;
	(void)rtm_arena_stats(a);
	rtm_arena_reset(a);
	if (!rtm_arena_alloc(a, 100, 16))
		return 14;
	rtm_arena_destroy(a);
	return 0;
}

START_TEST(an_arena_in_caller_memory_makes_no_system_call_for_memory)
{
	int status;
	pid_t pid;

	if (skip_under_emulator("PR_SET_SECCOMP is refused"))
		return;
	/* The page size must not be cached yet: that would hide a probe. */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(in_place_child());
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status), "killed by signal %d: a memory syscall was made",
	              WIFSIGNALED(status) ? WTERMSIG(status) : -1);
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

START_TEST(create_in_refuses_null_and_short_buffers)
{
	static unsigned char buf[4096];
	size_t min = rtm_arena_create_in_min();
	rtm_arena *a;

	ck_assert_uint_lt(min, sizeof buf);
	ck_assert_ptr_null(rtm_arena_create_in(NULL, sizeof buf));
	ck_assert_ptr_null(rtm_arena_create_in(buf, 0));
	ck_assert_ptr_null(rtm_arena_create_in(buf, min - 1));
	ck_assert_ptr_null(rtm_arena_create_in(buf + 1, min - 1));
	/* A range that wraps the address space (min is 100 on 32-bit: a
	 * start 100 bytes below the top would end exactly at it). */
	ck_assert_ptr_null(rtm_arena_create_in((void *)(UINTPTR_MAX - min / 2), min));
	/* The minimum holds the header and at least one byte, whatever the
	 * alignment of buf. */
	for (size_t off = 0; off < 16; off++) {
		a = rtm_arena_create_in(buf + off, min);
		ck_assert_ptr_nonnull(a);
		ck_assert_ptr_nonnull(rtm_arena_alloc(a, 1, 1));
		rtm_arena_destroy(a);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arena_in_place");
	TCase *tc = tcase_create("in_place");

	tcase_add_test(tc, an_arena_works_in_a_stack_buffer);
	tcase_add_test(tc, an_arena_works_in_a_static_buffer);
	/* With -Dhooks=false the library never calls a hook table. */
	if (rtm_hooks_enabled())
		tcase_add_test(tc, an_arena_in_caller_memory_makes_no_hooked_call);
	tcase_add_test(tc, an_arena_in_caller_memory_makes_no_system_call_for_memory);
	tcase_add_test(tc, create_in_refuses_null_and_short_buffers);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
