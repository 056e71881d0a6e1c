/* The page size and the allocation granularity, from GetSystemInfo
 * (Go: getPageSize and the 64 KiB of mem_windows.go). */
#include <stdatomic.h>
#include <stdint.h>

#include <rtmem/vm.h>

#include "win.h"

/* 0 until known; racing first callers ask the same question and store
 * the same answers, so relaxed ordering is enough. */
static _Atomic size_t rtm_win_page;
static _Atomic size_t rtm_win_gran;
static _Atomic size_t rtm_win_user;

static void rtm_win_system_info(void)
{
	SYSTEM_INFO si;

	GetSystemInfo(&si);
	atomic_store_explicit(&rtm_win_user,
	                      (size_t)((uintptr_t)si.lpMaximumApplicationAddress -
	                               (uintptr_t)si.lpMinimumApplicationAddress + 1),
	                      memory_order_relaxed);
	atomic_store_explicit(&rtm_win_gran, si.dwAllocationGranularity, memory_order_relaxed);
	atomic_store_explicit(&rtm_win_page, si.dwPageSize, memory_order_relaxed);
}

size_t rtm_page_size(void)
{
	size_t ps = atomic_load_explicit(&rtm_win_page, memory_order_relaxed);

	if (!ps) {
		rtm_win_system_info();
		ps = atomic_load_explicit(&rtm_win_page, memory_order_relaxed);
	}
	return ps;
}

size_t rtm_win_granularity(void)
{
	size_t g = atomic_load_explicit(&rtm_win_gran, memory_order_relaxed);

	if (!g) {
		rtm_win_system_info();
		g = atomic_load_explicit(&rtm_win_gran, memory_order_relaxed);
	}
	return g;
}

size_t rtm_win_user_bytes(void)
{
	size_t u = atomic_load_explicit(&rtm_win_user, memory_order_relaxed);

	if (!u) {
		rtm_win_system_info();
		u = atomic_load_explicit(&rtm_win_user, memory_order_relaxed);
	}
	return u;
}

/* Windows has no auxiliary vector: nothing to take. */
void rtm_set_auxv(const unsigned long *auxv)
{
	(void)auxv;
}
