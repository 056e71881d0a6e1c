/* The address space as rtmem could leave it changed: a VirtualQuery walk
 * over the whole user address space. VirtualQuery allocates nothing.
 *
 * Only private reservations made PAGE_NOACCESS are counted, which is how
 * rtmem reserves every one (MEM_RESERVE, PAGE_NOACCESS, then commits
 * inside). The rest changes under the driver without rtmem: Check and
 * msvcrt allocate as the tests run (a passing assertion included), and
 * the process heap grows by committing more of its reservations and by
 * reserving new ones for large blocks, all of them PAGE_READWRITE from
 * the start; images and mapped files are MEM_IMAGE and MEM_MAPPED. Under
 * Wine, two walks with malloc, printf and tmpfile between them differ in
 * those alone. What rtmem can leave behind, a reservation, a page left
 * committed, a release that came undone, all lies in what is counted.
 *
 * Besides the totals, a fingerprint of every counted run (address, size,
 * state, protection) catches a change that keeps them: a reservation
 * moved, a committed run that went to another place. Wine's own
 * PAGE_NOACCESS reservations of a 32-bit process (its reserved areas)
 * are counted too; they do not change while the driver runs. */
#ifndef RTM_TEST_MAPS_WINDOWS_H
#define RTM_TEST_MAPS_WINDOWS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <windows.h>

struct maps_snapshot {
	size_t count;     /* reservations: distinct AllocationBase */
	size_t bytes;     /* reserved in them, committed or not */
	size_t committed; /* committed in them */
	size_t runs;      /* runs of one state and protection */
	uint64_t print;   /* FNV-1a over each run's address, size, state, protection */
};

static inline uint64_t maps_mix(uint64_t h, uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		h ^= (v >> (8 * i)) & 0xff;
		h *= 0x100000001b3u;
	}
	return h;
}

static inline struct maps_snapshot maps_snapshot(void)
{
	struct maps_snapshot s = { 0, 0, 0, 0, 0xcbf29ce484222325u };
	SYSTEM_INFO si;
	uintptr_t at, end;
	void *last = NULL;

	GetSystemInfo(&si);
	at = (uintptr_t)si.lpMinimumApplicationAddress;
	end = (uintptr_t)si.lpMaximumApplicationAddress;
	while (at < end) {
		MEMORY_BASIC_INFORMATION m;

		if (VirtualQuery((const void *)at, &m, sizeof m) != sizeof m)
			break;
		at = (uintptr_t)m.BaseAddress + m.RegionSize;
		if (m.State == MEM_FREE || m.Type != MEM_PRIVATE ||
		    m.AllocationProtect != PAGE_NOACCESS)
			continue;
		if (m.AllocationBase != last)
			s.count++;
		last = m.AllocationBase;
		s.bytes += m.RegionSize;
		if (m.State == MEM_COMMIT)
			s.committed += m.RegionSize;
		s.runs++;
		s.print = maps_mix(s.print, (uintptr_t)m.BaseAddress);
		s.print = maps_mix(s.print, m.RegionSize);
		s.print = maps_mix(s.print, m.State);
		s.print = maps_mix(s.print, m.State == MEM_COMMIT ? m.Protect : 0);
	}
	return s;
}

static inline int maps_equal(struct maps_snapshot a, struct maps_snapshot b)
{
	return a.count == b.count && a.bytes == b.bytes && a.committed == b.committed &&
	       a.runs == b.runs && a.print == b.print;
}

/* For a failure's message only: snprintf may allocate. */
static inline const char *maps_describe(struct maps_snapshot s, char *buf, size_t n)
{
	snprintf(buf, n, "%zu reservations, %zu bytes, %zu committed, %zu runs, print %016llx",
	         s.count, s.bytes, s.committed, s.runs, (unsigned long long)s.print);
	return buf;
}

#endif
