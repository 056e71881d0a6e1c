/* state.h on Windows: the same snapshot, taken from VirtualQuery instead
 * of /proc/self/maps, under the same rules (state.h): one snapshot right
 * before the call under test and one right after, no Check assertion
 * between them, and a snapshot makes no Check call and no allocation
 * (VirtualQuery into a local, nothing else; the C runtime's heap commits
 * pages as it grows, and Check mallocs on every assertion).
 *
 * The figures, for the whole user address space:
 *   maps_lines  runs: pages that share one state, protection, type and
 *               reservation (what VirtualQuery answers at a time; /proc's
 *               lines are the same idea)
 *   maps_bytes  bytes that are not free (reserved or committed)
 *   committed   bytes committed
 *   digest      every run's base, size, state, protection, type and
 *               reservation, mixed: a change that leaves the totals as
 *               they were (one page committed here, another decommitted
 *               there) still shows.
 *
 * Wine's own reservations count like any other: on i686 it holds large
 * ones that VirtualAlloc carves from, so a new reservation may split a
 * run without adding bytes (the tests that count bytes say so). */
#ifndef TEST_BADINPUT_STATE_WINDOWS_H
#define TEST_BADINPUT_STATE_WINDOWS_H

#include <stdint.h>
#include <stdlib.h>

#include <windows.h>

#include <rtmem/vm.h>

#include "win_check.h"

struct state {
	struct rtm_vm_stats vm;
	size_t maps_bytes, maps_lines, committed;
	uint64_t digest;
};

static inline uint64_t state_mix(uint64_t h, uint64_t v)
{
	/* FNV-1a over the value's bytes: order matters, nothing allocates. */
	for (int k = 0; k < 8; k++) {
		h ^= (v >> (8 * k)) & 0xff;
		h *= 0x100000001b3ull;
	}
	return h;
}

static inline struct state state_now(void)
{
	SYSTEM_INFO si;
	uintptr_t at, end;
	struct state s = { rtm_vm_stats(), 0, 0, 0, 0xcbf29ce484222325ull };

	GetSystemInfo(&si);
	at = (uintptr_t)si.lpMinimumApplicationAddress;
	end = (uintptr_t)si.lpMaximumApplicationAddress;
	while (at < end) {
		MEMORY_BASIC_INFORMATION m;
		uintptr_t next;

		if (VirtualQuery((const void *)at, &m, sizeof m) != sizeof m)
			abort(); /* inside the user address space it always answers */
		next = (uintptr_t)m.BaseAddress + m.RegionSize;
		if (next <= at)
			abort();
		s.maps_lines++;
		s.digest = state_mix(s.digest, at);
		s.digest = state_mix(s.digest, m.RegionSize);
		s.digest = state_mix(s.digest, m.State);
		if (m.State != MEM_FREE) {
			s.maps_bytes += m.RegionSize;
			/* Protect means something for committed pages only. */
			s.digest = state_mix(s.digest, m.State == MEM_COMMIT ? m.Protect : 0);
			s.digest = state_mix(s.digest, m.Type);
			s.digest = state_mix(s.digest, (uintptr_t)m.AllocationBase);
		}
		if (m.State == MEM_COMMIT)
			s.committed += m.RegionSize;
		at = next;
	}
	return s;
}

/* What state.h's state_name_at gives on Linux: the name of the mapping
 * that holds p. Windows keeps no names, so every reserved or committed
 * page has none (""); 0 when p is free. Same rules as state_now. */
static inline int state_name_at(const void *p, char name[128])
{
	MEMORY_BASIC_INFORMATION m;

	name[0] = 0;
	return VirtualQuery(p, &m, sizeof m) == sizeof m && m.State != MEM_FREE;
}

#define ASSERT_STATE_EQ(now, before)                                                       \
	do {                                                                               \
		struct state n_ = (now), b_ = (before);                                    \
		ck_assert_msg(n_.vm.reserved == b_.vm.reserved &&                          \
		                      n_.vm.committed == b_.vm.committed,                  \
		              "rtm_vm_stats moved: reserved %zu -> %zu, committed %zu -> %zu", \
		              b_.vm.reserved, n_.vm.reserved, b_.vm.committed,             \
		              n_.vm.committed);                                            \
		ck_assert_msg(n_.maps_bytes == b_.maps_bytes &&                            \
		                      n_.maps_lines == b_.maps_lines &&                    \
		                      n_.committed == b_.committed,                        \
		              "the address space moved: %zu -> %zu bytes not free, "       \
		              "%zu -> %zu runs, %zu -> %zu bytes committed",               \
		              b_.maps_bytes, n_.maps_bytes, b_.maps_lines, n_.maps_lines,  \
		              b_.committed, n_.committed);                                 \
		ck_assert_msg(n_.digest == b_.digest,                                      \
		              "the address space moved: the same totals, other runs");     \
	} while (0)

#endif
