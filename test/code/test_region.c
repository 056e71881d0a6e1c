/* <rtmem/code.h>'s code region, with real machine code (machine_code.h),
 * in both modes (each test runs once per mode, _i: 0 DUAL, 1 FLIP): code
 * written, published, called; patched and called again; W^X checked in
 * /proc/self/maps after every step; what must fault faults (a forked
 * child writing the executable view, or the parent's writable view after
 * fork); bad input; reset; the mode chosen when the kernel refuses exec
 * gain (PR_SET_MDWE); threads calling code while more is published; the
 * hooks seeing every mapping.
 *
 * Under qemu-user (emulator.h): it does not see writes made through a
 * DUAL region's writable view to code it has already translated, nor
 * does it honour MADV_DONTFORK, so DUAL patching, DUAL reuse after reset
 * and the forked child's write are checked natively only. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rtmem/code.h>
#include <rtmem/sys.h>
#include <rtmem/syscall.h>
#include <rtmem/vm.h>

#include "machine_code.h"
#include "region_util.h"
#include "rec_hooks.h"
#include "suite.h"

START_TEST(code_runs_and_patches_run_again)
{
	rtm_code *c = region(modes[_i], 4u << 20);
	struct rtm_code_buf k[4], add;

	for (uint32_t i = 0; i < 4; i++)
		k[i] = const_fn(c, 1000 + i);
	ck_assert_int_eq(rtm_code_alloc(c, MC_MAX, 16, &add), 0);
	mc_add(add.write);
	ck_assert_int_eq(wx_mappings(), 0);
	ck_assert_int_eq(rtm_code_publish(c, &add), 0);
	/* FLIP: that publish made all of them executable. */
	for (uint32_t i = 0; i < 4; i++) {
		if (modes[_i] == RTM_CODE_DUAL)
			ck_assert_int_eq(rtm_code_publish(c, &k[i]), 0);
		ck_assert_int_eq(mc_const_at(k[i].exec)(), (int32_t)(1000 + i));
	}
	ck_assert_int_eq(mc_add_at(add.exec)(40, 2), 42);
	ck_assert_int_eq(wx_mappings(), 0);
	if (modes[_i] == RTM_CODE_FLIP)
		ck_assert_ptr_eq(k[0].write, k[0].exec);
	else
		ck_assert_ptr_ne(k[0].write, k[0].exec);

	/* A patch: the constant changed, published, called again. */
	if (modes[_i] == RTM_CODE_DUAL && emulator())
		return; /* qemu-user does not see writes through the other view */
	ck_assert_int_eq(rtm_code_patch_begin(c, &k[2]), 0);
	ck_assert_int_eq(wx_mappings(), 0);
	mc_patch_const(k[2].write, 77);
	ck_assert_int_eq(rtm_code_publish(c, &k[2]), 0);
	ck_assert_int_eq(mc_const_at(k[2].exec)(), 77);
	ck_assert_int_eq(mc_const_at(k[1].exec)(), 1001);
	ck_assert_int_eq(wx_mappings(), 0);
	rtm_code_destroy(c);
}
END_TEST

/* FLIP: published code stays executable while later code is written,
 * which therefore starts on a fresh page; DUAL: both views, one never
 * executable, the other never writable. */
START_TEST(published_code_stays_executable_and_views_keep_their_rights)
{
	size_t ps = rtm_page_size();
	rtm_code *c = region(modes[_i], 4u << 20);
	struct rtm_code_buf a = const_fn(c, 5), b;
	struct vma v;

	ck_assert_int_eq(rtm_code_publish(c, &a), 0);
	b = const_fn(c, 6);
	ck_assert(vma_at(a.exec, &v));
	ck_assert_str_eq(v.perms, modes[_i] == RTM_CODE_FLIP ? "r-xp" : "r-xs");
	ck_assert(vma_at(b.write, &v));
	ck_assert_str_eq(v.perms, modes[_i] == RTM_CODE_FLIP ? "rw-p" : "rw-s");
	if (modes[_i] == RTM_CODE_FLIP)
		ck_assert_uint_eq((uintptr_t)b.exec % ps, 0);
	else /* sealed: the executable view can never be made writable */
		ck_assert_int_ne(rtm_mprotect(a.exec, ps, RTM_PROT_READ | RTM_PROT_WRITE), 0);
	ck_assert_int_eq(mc_const_at(a.exec)(), 5);
	ck_assert_int_eq(rtm_code_publish(c, &b), 0);
	ck_assert_int_eq(mc_const_at(b.exec)(), 6);
	ck_assert_int_eq(mc_const_at(a.exec)(), 5);
	rtm_code_destroy(c);
}
END_TEST

/* Writing through the executable view faults. */
START_TEST(writing_the_executable_view_faults)
{
	rtm_code *c = region(modes[_i], 4u << 20);
	struct rtm_code_buf a = const_fn(c, 5);

	ck_assert_int_eq(rtm_code_publish(c, &a), 0);
	*(volatile unsigned char *)a.exec = 0;
}
END_TEST

/* DUAL: a forked child has no writable view (MADV_DONTFORK): writing it
 * faults, while the parent's stays writable. */
START_TEST(a_forked_child_cannot_write_the_code)
{
	rtm_code *c = region(RTM_CODE_DUAL, 4u << 20);
	struct rtm_code_buf a = const_fn(c, 5);
	pid_t pid;
	int status;

	if (skip_under_emulator("qemu-user ignores MADV_DONTFORK"))
		return;
	ck_assert_int_eq(rtm_code_publish(c, &a), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		*(volatile unsigned char *)a.write = 0xcc;
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
	              "the child wrote the code (status %#x)", status);
	ck_assert_int_eq(mc_const_at(a.exec)(), 5);
	rtm_code_destroy(c);
}
END_TEST

START_TEST(bad_input_is_an_error_and_changes_nothing)
{
	size_t ps = rtm_page_size();
	rtm_code *c = region(modes[_i], 4 * ps);
	struct rtm_code_buf b, x, stranger;
	static unsigned char local[64];

	ck_assert_int_eq(rtm_code_alloc(NULL, 16, 0, &b), RTM_EINVAL);
	ck_assert_int_eq(rtm_code_alloc(c, 16, 0, NULL), RTM_EINVAL);
	ck_assert_int_eq(rtm_code_alloc(c, 0, 0, &b), RTM_EINVAL);
	ck_assert_int_eq(rtm_code_alloc(c, 16, 3, &b), RTM_EINVAL);
	ck_assert_int_eq(rtm_code_alloc(c, 16, 2 * ps, &b), RTM_EINVAL);
	ck_assert_int_eq(rtm_code_alloc(c, SIZE_MAX, 0, &b), RTM_ENOMEM);
	ck_assert_int_eq(rtm_code_alloc(c, 4 * ps + 1, 0, &b), RTM_ENOMEM);
	x = const_fn(c, 9);
	/* Not this region's: a stranger, a size past what was allocated,
	 * views that do not match. */
	stranger.write = stranger.exec = local;
	stranger.size = sizeof local;
	ck_assert_int_eq(rtm_code_publish(c, &stranger), RTM_EINVAL);
	b = x;
	b.size = 4 * ps;
	ck_assert_int_eq(rtm_code_publish(c, &b), RTM_EINVAL);
	b = x;
	b.write = (char *)x.write + 1;
	ck_assert_int_eq(rtm_code_publish(c, &b), RTM_EINVAL);
	ck_assert_int_eq(rtm_code_publish(NULL, &x), RTM_EINVAL);
	ck_assert_int_eq(rtm_code_publish(c, NULL), RTM_EINVAL);
	/* Not yet published: no patch. */
	ck_assert_int_eq(rtm_code_patch_begin(c, &x), RTM_EINVAL);
	ck_assert_int_eq(wx_mappings(), 0);
	ck_assert_int_eq(rtm_code_publish(c, &x), 0);
	ck_assert_int_eq(mc_const_at(x.exec)(), 9);
	if (modes[_i] == RTM_CODE_FLIP) {
		/* Published and not being patched: no second publish; one
		 * patch at a time. */
		ck_assert_int_eq(rtm_code_publish(c, &x), RTM_EINVAL);
		ck_assert_int_eq(rtm_code_patch_begin(c, &x), 0);
		ck_assert_int_eq(rtm_code_patch_begin(c, &x), RTM_EINVAL);
		ck_assert_int_eq(rtm_code_publish(c, &x), 0);
	}
	ck_assert_uint_eq(rtm_code_mode(NULL), 0);
	rtm_code_reset(NULL);
	rtm_code_destroy(NULL);
	rtm_code_destroy(c);
}
END_TEST

START_TEST(bad_configurations_are_null)
{
	struct rtm_code_config both = { 0, RTM_CODE_DUAL | RTM_CODE_FLIP, NULL };
	struct rtm_code_config unknown = { 0, 0x4, NULL };
	struct rtm_code_config huge = { SIZE_MAX, 0, NULL };
	struct rtm_vm_stats v0 = rtm_vm_stats();

	ck_assert_ptr_null(rtm_code_create(&both));
	ck_assert_ptr_null(rtm_code_create(&unknown));
	ck_assert_ptr_null(rtm_code_create(&huge));
	ck_assert_uint_eq(rtm_vm_stats().reserved, v0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, v0.committed);
}
END_TEST

/* Reset frees everything: the same addresses serve new code. */
START_TEST(reset_gives_the_region_back_for_new_code)
{
	rtm_code *c = region(modes[_i], 4u << 20);
	struct rtm_code_buf a = const_fn(c, 1), b;

	if (modes[_i] == RTM_CODE_DUAL &&
	    skip_under_emulator("qemu-user keeps running what it translated of the old code"))
		return;
	ck_assert_int_eq(rtm_code_publish(c, &a), 0);
	ck_assert_int_eq(mc_const_at(a.exec)(), 1);
	rtm_code_reset(c);
	b = const_fn(c, 2);
	ck_assert_ptr_eq(b.exec, a.exec);
	ck_assert_int_eq(wx_mappings(), 0);
	ck_assert_int_eq(rtm_code_publish(c, &b), 0);
	ck_assert_int_eq(mc_const_at(b.exec)(), 2);
	rtm_code_destroy(c);
}
END_TEST

START_TEST(a_full_region_is_enomem_and_stays_usable)
{
	size_t ps = rtm_page_size();
	rtm_code *c = region(modes[_i], 2 * ps);
	struct rtm_code_buf a, b;

	ck_assert_int_eq(rtm_code_alloc(c, ps + 16, 16, &a), 0);
	mc_ret_const(a.write, 3);
	ck_assert_int_eq(rtm_code_alloc(c, ps, 16, &b), RTM_ENOMEM);
	ck_assert_int_eq(rtm_code_publish(c, &a), 0);
	ck_assert_int_eq(mc_const_at(a.exec)(), 3);
	rtm_code_destroy(c);
}
END_TEST

/* With flags 0 the region is DUAL where the kernel allows it; under
 * PR_SET_MDWE's refusal of exec gain FLIP is refused, and DUAL (a new
 * executable mapping, no gain) still works. */
START_TEST(the_mode_follows_what_the_kernel_allows)
{
	rtm_code *c = rtm_code_create(NULL);
	struct rtm_code_config flip = { 0, RTM_CODE_FLIP, NULL };

	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(rtm_code_mode(c), RTM_CODE_DUAL);
	rtm_code_destroy(c);
	/* PR_SET_MDWE 65, PR_MDWE_REFUSE_EXEC_GAIN 1 (Linux 6.3). */
	if (prctl(65, 1, 0, 0, 0) != 0) {
		printf("%s: skipped: this kernel has no PR_SET_MDWE\n", __func__);
		return;
	}
	ck_assert_ptr_null(rtm_code_create(&flip));
	c = rtm_code_create(NULL);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(rtm_code_mode(c), RTM_CODE_DUAL);
	{
		struct rtm_code_buf a = const_fn(c, 11);

		ck_assert_int_eq(rtm_code_publish(c, &a), 0);
		ck_assert_int_eq(mc_const_at(a.exec)(), 11);
	}
	rtm_code_destroy(c);
}
END_TEST

/* A region registers the process for the core serializing membarrier
 * where the architecture needs it (its arch/ header), and not elsewhere,
 * as the kernel lists the registrations (MEMBARRIER_CMD_GET_REGISTRATIONS,
 * 512, Linux 6.3: skipped before; the bit is
 * MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE, 64). Under
 * qemu-user the host kernel answers. */
START_TEST(the_process_registers_for_core_serialization_where_needed)
{
	long before = syscall(SYS_membarrier, 512, 0), after;
	rtm_code *c;

	if (before < 0) {
		printf("%s: skipped: this kernel does not list membarrier registrations\n",
		       __func__);
		return;
	}
	c = rtm_code_create(NULL);
	ck_assert_ptr_nonnull(c);
	after = syscall(SYS_membarrier, 512, 0);
	if (RTM_ARCH_ICACHE_SYNC_CORE)
		ck_assert_msg(after & 64, "registrations %#lx", after);
	else
		ck_assert_int_eq(after, before);
	rtm_code_destroy(c);
}
END_TEST

/* ---- threads call published code while more is published ---- */

#define THREAD_FNS 200
static _Atomic(void *) published_fn[THREAD_FNS];
static _Atomic int published_count;
static _Atomic int bad_calls;

static void *caller(void *arg)
{
	int seen = 0;

	(void)arg;
	/* Every function, each once it is published: waits on the count,
	 * no time limit (meson's timeout catches a hang). */
	while (seen < THREAD_FNS) {
		int n = atomic_load_explicit(&published_count, memory_order_acquire);

		for (; seen < n; seen++) {
			void *f = atomic_load_explicit(&published_fn[seen], memory_order_relaxed);

			if (mc_const_at(f)() != 5000 + seen)
				atomic_fetch_add(&bad_calls, 1);
		}
	}
	return NULL;
}

START_TEST(threads_run_code_as_it_is_published)
{
	rtm_code *c = region(modes[_i], 4u << 20);
	pthread_t t[2];

	atomic_store(&published_count, 0);
	atomic_store(&bad_calls, 0);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, caller, NULL), 0);
	for (int i = 0; i < THREAD_FNS; i++) {
		struct rtm_code_buf b = const_fn(c, (uint32_t)(5000 + i));

		ck_assert_int_eq(rtm_code_publish(c, &b), 0);
		atomic_store_explicit(&published_fn[i], b.exec, memory_order_relaxed);
		atomic_store_explicit(&published_count, i + 1, memory_order_release);
	}
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	ck_assert_int_eq(atomic_load(&bad_calls), 0);
	ck_assert_int_eq(wx_mappings(), 0);
	rtm_code_destroy(c);
}
END_TEST

START_TEST(hooks_see_every_mapping_and_destroy_gives_all_back)
{
	struct rtm_vm_stats v0 = rtm_vm_stats();
	rtm_code *c;
	struct rtm_code_buf a;

	rec_begin(NULL);
	c = region(modes[_i], 4u << 20);
	a = const_fn(c, 8);
	ck_assert_int_eq(rtm_code_publish(c, &a), 0);
	ck_assert_uint_eq(rec_live_overlap((uintptr_t)a.exec, (uintptr_t)a.exec + a.size), a.size);
	ck_assert_uint_eq(rec_live_overlap((uintptr_t)a.write, (uintptr_t)a.write + a.size),
	                  a.size);
	ck_assert_int_eq(mc_const_at(a.exec)(), 8);
	rtm_code_destroy(c);
	ck_assert_uint_eq(rec_live_bytes(), 0);
	rec_end();
	ck_assert_uint_eq(rtm_vm_stats().reserved, v0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, v0.committed);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("code_region");
	TCase *tc = tcase_create("region");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, code_runs_and_patches_run_again, 0, 2);
	tcase_add_loop_test(tc, published_code_stays_executable_and_views_keep_their_rights, 0, 2);
	tcase_add_loop_test_raise_signal(tc, writing_the_executable_view_faults, SIGSEGV, 0, 2);
	tcase_add_test(tc, a_forked_child_cannot_write_the_code);
	tcase_add_loop_test(tc, bad_input_is_an_error_and_changes_nothing, 0, 2);
	tcase_add_test(tc, bad_configurations_are_null);
	tcase_add_loop_test(tc, reset_gives_the_region_back_for_new_code, 0, 2);
	tcase_add_loop_test(tc, a_full_region_is_enomem_and_stays_usable, 0, 2);
	tcase_add_test(tc, the_mode_follows_what_the_kernel_allows);
	tcase_add_test(tc, the_process_registers_for_core_serialization_where_needed);
	tcase_add_loop_test(tc, threads_run_code_as_it_is_published, 0, 2);
	if (rtm_hooks_enabled())
		tcase_add_loop_test(tc, hooks_see_every_mapping_and_destroy_gives_all_back, 0, 2);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
