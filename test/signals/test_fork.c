/* An arena after fork(): the child gets a copy of every block, header
 * included, and goes on using it (allocates, rewinds, which decommits,
 * resets, destroys); the parent's arena is untouched by all of it. The
 * hook table is inherited too, and the child's hook calls stay in the
 * child.
 *
 * The child cannot use Check (it is a copy of the test in the middle of a
 * run): it reports the first step that went wrong as its exit status. */
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rtmem/arena.h>
#include <rtmem/vm.h>

#include "../threads/threads.h"
#include "emulator.h"
#include "start_hooks.h"

#ifndef EXPECT_HOOKS
#error "meson passes EXPECT_HOOKS (1 or 0) from -Dhooks"
#endif

#define KiB ((size_t)1 << 10)

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 13 + (i >> 9));
}

static int intact(const unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed + i * 13 + (i >> 9)))
			return 0;
	return 1;
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Runs child(), which returns 0 or the number of its failed step, in a
 * child process; returns that number (or 100 + signal if it died). */
static int in_child(int (*child)(void))
{
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(child());
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

/* Small blocks, a retain budget: by the fork the arena has two blocks and
 * a rewind in the child decommits memory the parent still uses. */
static const struct rtm_arena_config small = { 256 * KiB, 16 * KiB, 32 * KiB, 0, 0, NULL };

static struct {
	rtm_arena *a;
	unsigned char *first, *second, *third;
	struct rtm_arena_mark after_first;
	size_t used_at_mark;
	struct rtm_arena_stats at_fork;
	struct rtm_vm_stats vm_at_fork;
} f;

enum { SIZE1 = 8 * 1024, SIZE2 = 100 * 1024, SIZE3 = 300 * 1024 };

static int child_uses_the_arena(void)
{
	unsigned char *p;
	struct rtm_arena_stats s;
	struct rtm_vm_stats v;

	if (!intact(f.first, SIZE1, 1) || !intact(f.second, SIZE2, 2) || !intact(f.third, SIZE3, 3))
		return 1; /* what was there before the fork */
	p = rtm_arena_alloc(f.a, 50 * KiB, 64);
	if (!p)
		return 2;
	fill(p, 50 * KiB, 4);
	fill(f.second, SIZE2, 99); /* the child's copy only */
	if (!intact(f.first, SIZE1, 1) || !intact(f.third, SIZE3, 3) || !intact(p, 50 * KiB, 4))
		return 3;
	rtm_arena_rewind(f.a, f.after_first);
	s = rtm_arena_stats(f.a);
	if (s.used != f.used_at_mark || s.blocks != 1 || !intact(f.first, SIZE1, 1))
		return 4;
	/* Past the retain budget the rewind decommitted: new memory there
	 * must read zero, where the child had just written. */
	p = rtm_arena_alloc_zeroed(f.a, 200 * KiB, 16);
	if (!p || !all_zero(p, 200 * KiB))
		return 5;
	rtm_arena_reset(f.a);
	if (rtm_arena_stats(f.a).used != 0 || !(p = rtm_arena_alloc(f.a, 1000, 8)))
		return 6;
	fill(p, 1000, 5);
	rtm_arena_destroy(f.a);
	/* The child's counters came with the fork and went down with the
	 * child's arena; the child's address space lost the blocks. */
	v = rtm_vm_stats();
	if (v.reserved != f.vm_at_fork.reserved - f.at_fork.reserved ||
	    v.committed != f.vm_at_fork.committed - f.at_fork.committed)
		return 7;
	/* qemu-user's madvise reports no hole (emulator.h). */
	if (!emulator() &&
	    rtm_sys_madvise((void *)((uintptr_t)f.first & ~(uintptr_t)(rtm_page_size() - 1)),
	                    rtm_page_size(), RTM_MADV_NORMAL) != RTM_ENOMEM)
		return 8;
	return 0;
}

START_TEST(arena_keeps_working_in_the_child_and_the_parent_does_not_notice)
{
	struct rtm_vm_stats vm0 = rtm_vm_stats();
	int step;

	f.a = rtm_arena_create(&small);
	ck_assert_ptr_nonnull(f.a);
	f.first = rtm_arena_alloc(f.a, SIZE1, 16);
	ck_assert_ptr_nonnull(f.first);
	fill(f.first, SIZE1, 1);
	f.after_first = rtm_arena_save(f.a);
	f.used_at_mark = rtm_arena_stats(f.a).used;
	f.second = rtm_arena_alloc(f.a, SIZE2, 16);
	f.third = rtm_arena_alloc(f.a, SIZE3, 16);
	ck_assert_ptr_nonnull(f.second);
	ck_assert_ptr_nonnull(f.third);
	fill(f.second, SIZE2, 2);
	fill(f.third, SIZE3, 3);
	f.at_fork = rtm_arena_stats(f.a);
	f.vm_at_fork = rtm_vm_stats();
	ck_assert_uint_eq(f.at_fork.blocks, 2);

	step = in_child(child_uses_the_arena);
	ck_assert_msg(step == 0, "the child failed at step %d", step);

	/* The parent's arena: same contents, same counts, still usable. */
	ck_assert(intact(f.first, SIZE1, 1) && intact(f.second, SIZE2, 2) &&
	          intact(f.third, SIZE3, 3));
	ck_assert_uint_eq(rtm_arena_stats(f.a).used, f.at_fork.used);
	ck_assert_uint_eq(rtm_arena_stats(f.a).committed, f.at_fork.committed);
	ck_assert_uint_eq(rtm_arena_stats(f.a).blocks, 2);
	ck_assert_uint_eq(rtm_vm_stats().reserved, f.vm_at_fork.reserved);
	rtm_arena_rewind(f.a, f.after_first);
	ck_assert(intact(f.first, SIZE1, 1));
	ck_assert_ptr_nonnull(rtm_arena_alloc(f.a, 64 * KiB, 8));
	rtm_arena_destroy(f.a);
	ck_assert_uint_eq(rtm_vm_stats().reserved, vm0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, vm0.committed);
}
END_TEST

/* A hook that counts in ordinary memory: after the fork each process has
 * its own counter. */
static long hook_mmaps;

static rtm_mmap_result h_mmap(void *ctx, void *addr, size_t n, int prot, int flags, int fd,
                              uint64_t off)
{
	(void)ctx;
	hook_mmaps++;
	return rtm_sys_mmap(addr, n, prot, flags, fd, off);
}

static const struct rtm_hooks counting = { .mmap = h_mmap };

static int child_maps_through_the_inherited_hook(void)
{
	long before = hook_mmaps;
	unsigned char *p;

	if (rtm_get_hooks() != &counting)
		return 1;
	/* Larger than the block: the arena must reserve a new one. */
	p = rtm_arena_alloc(f.a, 512 * KiB, 8);
	if (!p)
		return 2;
	fill(p, 512 * KiB, 6);
	if (hook_mmaps != before + (EXPECT_HOOKS ? 1 : 0))
		return 3;
	rtm_arena_destroy(f.a);
	return 0;
}

START_TEST(hooks_are_inherited_and_count_in_the_child_only)
{
	long parent_count;
	int step;

	ck_assert_ptr_eq(rtm_set_hooks(&counting), START_HOOKS);
	f.a = rtm_arena_create(&small);
	ck_assert_ptr_nonnull(f.a);
	parent_count = hook_mmaps;
	ck_assert_int_eq(parent_count, EXPECT_HOOKS ? 1 : 0);

	step = in_child(child_maps_through_the_inherited_hook);
	ck_assert_msg(step == 0, "the child failed at step %d", step);

	ck_assert_int_eq(hook_mmaps, parent_count);
	ck_assert_uint_eq(rtm_arena_stats(f.a).blocks, 1);
	ck_assert_ptr_eq(rtm_set_hooks(START_HOOKS), &counting);
	rtm_arena_destroy(f.a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fork");
	TCase *tc = tcase_create("arena");

	tcase_add_test(tc, arena_keeps_working_in_the_child_and_the_parent_does_not_notice);
	tcase_add_test(tc, hooks_are_inherited_and_count_in_the_child_only);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
