/* The check every ignored rewind gets (test_badinput_arena.c and, on
 * Windows, test_badinput_arena_windows.c). */
#ifndef TEST_BADINPUT_MARKS_H
#define TEST_BADINPUT_MARKS_H

#include <rtmem/arena.h>

#include "arena_util.h"
#include "state.h"

/* The arena ignored a rewind to m: stats, counters and maps unchanged,
 * and the next allocation lands right after the last one. */
static inline void assert_rewind_ignored(rtm_arena *a, struct rtm_arena_mark m)
{
	unsigned char *last = rtm_arena_alloc(a, 8, 1);
	struct rtm_arena_stats as0 = rtm_arena_stats(a);
	struct state s0, s1;

	ck_assert_ptr_nonnull(last);
	s0 = state_now();
	rtm_arena_rewind(a, m);
	s1 = state_now();
	ASSERT_STATS_EQ(rtm_arena_stats(a), as0);
	ASSERT_STATE_EQ(s1, s0);
	ck_assert_ptr_eq(rtm_arena_alloc(a, 8, 1), last + 8);
}

#endif
