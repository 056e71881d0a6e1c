/* <rtmem/stack.h>: every configuration field and its default, the layout
 * the kernel sees (guard PROT_NONE, stack writable), the stats, bad
 * configurations, and destroy giving everything back. */
#include <signal.h>
#include <stdint.h>

#include <rtmem/stack.h>
#include <rtmem/vm.h>

#include "stack_util.h"

START_TEST(defaults_are_256k_stacks_one_guard_page_16k_kept)
{
	rtm_stack_pool *p = rtm_stack_pool_create(NULL);
	struct rtm_stack s;
	struct rtm_stack_stats st;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(rtm_stack_acquire(p, &s), 0);
	ck_assert_uint_eq(stack_bytes(&s), 256 * KiB);
	ck_assert_uint_eq((uintptr_t)s.lo % page_size(), 0);
	ck_assert_str_eq(perms_at(s.lo), "rw-p");
	ck_assert_str_eq(perms_at((char *)s.hi - 1), "rw-p");
	ck_assert_str_eq(perms_at(guard_page(&s, 1)), "---p");
#if defined(__hppa__)
	/* Above the 64-byte frame a function called at sp finds below it;
	 * one guard page above (then the chunk's next slot). */
	ck_assert_ptr_eq(s.sp, (char *)s.lo + 64);
#else
	ck_assert_ptr_eq(s.sp, s.hi);
	/* One guard page below, and below it the chunk's header page. */
	ck_assert_str_eq(perms_at((char *)s.lo - page_size() - 1), "rw-p");
#endif
	st = rtm_stack_pool_stats(p);
	ck_assert_uint_eq(st.acquired, 1);
	ck_assert_uint_eq(st.cached, 0);
	ck_assert_uint_ge(st.committed, 256 * KiB);
	ck_assert_uint_gt(st.reserved, st.committed);
	/* The default keep: fill the stack, release, 16 KiB stay (qemu-user
	 * applies no madvise advice: emulator.h). */
	touch_all(&s, 1);
	ck_assert_int_eq(rtm_stack_release(p, &s), 0);
	if (!emulator())
		ck_assert_uint_eq(resident_pages(s.lo, stack_bytes(&s)), 16 * KiB / page_size());
	rtm_stack_pool_destroy(p);
}
END_TEST

START_TEST(fields_round_up_to_pages)
{
	size_t ps = page_size();
	struct rtm_stack_config cfg = { 100 * KiB + 1, 3 * ps - 5, 2 * ps + 1, 0, 0, "rtm-stacks" };
	rtm_stack_pool *p = rtm_stack_pool_create(&cfg);
	struct rtm_stack s;
	size_t size = (100 * KiB + 1 + ps - 1) & ~(ps - 1);

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(rtm_stack_acquire(p, &s), 0);
	ck_assert_uint_eq(stack_bytes(&s), size);
	/* Three guard pages, all inaccessible. */
	for (size_t g = 1; g <= 3; g++)
		ck_assert_str_eq(perms_at(guard_page(&s, g)), "---p");
	touch_all(&s, 1);
	ck_assert_int_eq(rtm_stack_release(p, &s), 0);
	if (!emulator())
		ck_assert_uint_eq(resident_pages(s.lo, size), 3);
	rtm_stack_pool_destroy(p);
}
END_TEST

START_TEST(keep_resident_past_the_size_keeps_the_whole_stack)
{
	struct rtm_stack_config cfg = { 64 * KiB, 0, MiB, 0, 0, NULL };
	rtm_stack_pool *p = rtm_stack_pool_create(&cfg);
	struct rtm_stack s;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(rtm_stack_acquire(p, &s), 0);
	touch_all(&s, 1);
	ck_assert_int_eq(rtm_stack_release(p, &s), 0);
	ck_assert_uint_eq(resident_pages(s.lo, 64 * KiB), 64 * KiB / page_size());
	rtm_stack_pool_destroy(p);
}
END_TEST

START_TEST(the_name_shows_in_the_maps)
{
	struct rtm_stack_config cfg = { 0, 0, 0, 0, 0, "rtm-stacks" };
	rtm_stack_pool *p = rtm_stack_pool_create(&cfg);
	struct rtm_stack s;
	struct vma v;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(rtm_stack_acquire(p, &s), 0);
	ck_assert(vma_at(s.lo, &v));
	/* Naming needs Linux 5.17 with CONFIG_ANON_VMA_NAME: best effort. */
	if (strstr(v.name, "[anon:") != NULL)
		ck_assert_str_eq(v.name, "[anon:rtm-stacks]");
	rtm_stack_pool_destroy(p);
}
END_TEST

START_TEST(bad_configurations_are_null_and_map_nothing)
{
	struct rtm_stack_config flags = { 0, 0, 0, 0, 0x2, NULL };
	struct rtm_stack_config huge_size = { (size_t)-1, 0, 0, 0, 0, NULL };
	struct rtm_stack_config huge_guard = { 0, (size_t)-1 - 4096, 0, 0, 0, NULL };
	struct rtm_stack_config huge_sum = { (size_t)-1 / 2 + 1, (size_t)-1 / 2 + 1, 0, 0, 0, NULL };
	struct rtm_stack_config huge_keep = { 0, 0, (size_t)-1, 0, 0, NULL };
	const struct rtm_stack_config *bad[] = { &flags, &huge_size, &huge_guard, &huge_sum,
	                                         &huge_keep };
	struct rtm_vm_stats v0 = rtm_vm_stats();
	size_t lines0, bytes0 = maps_total(&lines0), lines1;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(rtm_stack_pool_create(bad[i]) == NULL, "config %zu", i);
	ck_assert_uint_eq(rtm_vm_stats().reserved, v0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, v0.committed);
	ck_assert_uint_eq(maps_total(&lines1), bytes0);
	ck_assert_uint_eq(lines1, lines0);
}
END_TEST

START_TEST(null_arguments_are_einval_or_nothing)
{
	rtm_stack_pool *p = rtm_stack_pool_create(NULL);
	struct rtm_stack s;
	struct rtm_stack_stats z = rtm_stack_pool_stats(NULL);

	ck_assert_int_eq(rtm_stack_acquire(NULL, &s), RTM_EINVAL);
	ck_assert_int_eq(rtm_stack_acquire(p, NULL), RTM_EINVAL);
	ck_assert_int_eq(rtm_stack_release(NULL, &s), RTM_EINVAL);
	ck_assert_int_eq(rtm_stack_release(p, NULL), RTM_EINVAL);
	ck_assert_uint_eq(z.acquired + z.cached + z.reserved + z.committed, 0);
	ck_assert_uint_eq(rtm_stack_pool_stats(p).acquired, 0);
	rtm_stack_pool_destroy(NULL);
	rtm_stack_pool_destroy(p);
}
END_TEST

START_TEST(destroy_gives_every_byte_back_acquired_or_cached)
{
	struct rtm_vm_stats v0 = rtm_vm_stats();
	size_t lines0, bytes0 = maps_total(&lines0), lines1;
	struct rtm_stack_config cfg = { 64 * KiB, 0, 0, 0, 0, NULL };
	rtm_stack_pool *p = rtm_stack_pool_create(&cfg);
	struct rtm_stack s[150];

	ck_assert_ptr_nonnull(p);
	/* More than one chunk's worth (a word's bits), half released. */
	for (int i = 0; i < 150; i++)
		ck_assert_int_eq(rtm_stack_acquire(p, &s[i]), 0);
	for (int i = 0; i < 150; i += 2)
		ck_assert_int_eq(rtm_stack_release(p, &s[i]), 0);
	ck_assert_uint_eq(rtm_stack_pool_stats(p).acquired, 75);
	ck_assert_uint_eq(rtm_stack_pool_stats(p).cached, 75);
	ck_assert_uint_eq(rtm_vm_stats().reserved - v0.reserved, rtm_stack_pool_stats(p).reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed - v0.committed,
	                  rtm_stack_pool_stats(p).committed);
	rtm_stack_pool_destroy(p);
	ck_assert_uint_eq(rtm_vm_stats().reserved, v0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, v0.committed);
	ck_assert_uint_eq(maps_total(&lines1), bytes0);
	ck_assert_uint_eq(lines1, lines0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stack_config");
	TCase *tc = tcase_create("config");

	tcase_add_test(tc, defaults_are_256k_stacks_one_guard_page_16k_kept);
	tcase_add_test(tc, fields_round_up_to_pages);
	tcase_add_test(tc, keep_resident_past_the_size_keeps_the_whole_stack);
	tcase_add_test(tc, the_name_shows_in_the_maps);
	tcase_add_test(tc, bad_configurations_are_null_and_map_nothing);
	tcase_add_test(tc, null_arguments_are_einval_or_nothing);
	tcase_add_test(tc, destroy_gives_every_byte_back_acquired_or_cached);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
