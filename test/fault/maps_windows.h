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
 * are counted too; they do not change while the driver runs.
 *
 * Views of sections (MEM_MAPPED) that are read-write or read-execute
 * are counted apart, as the code region maps them (Wine maps its own
 * files read-only); and wx counts committed runs writable and executable
 * at once, anywhere (Wine 8 has none of its own). */
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
	size_t views;     /* read-write or read-execute views of sections */
	size_t wx;        /* runs writable and executable: checked to be 0 */
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
	struct maps_snapshot s = { 0, 0, 0, 0, 0xcbf29ce484222325u, 0, 0 };
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
		if (m.State == MEM_COMMIT && ((m.Protect & 0xff) == PAGE_EXECUTE_READWRITE ||
		                              (m.Protect & 0xff) == PAGE_EXECUTE_WRITECOPY))
			s.wx++;
		if (m.State != MEM_FREE && m.Type == MEM_MAPPED && m.AllocationBase == m.BaseAddress &&
		    (m.AllocationProtect == PAGE_READWRITE || m.AllocationProtect == PAGE_EXECUTE_READ))
			s.views++;
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
	       a.runs == b.runs && a.print == b.print && a.views == b.views;
}

/* The protection of the page at p as /proc/self/maps would spell it:
 * "rw-p", "r-xs" (a view of a section), "---p" (reserved). */
static inline const char *maps_perms_at(const void *p)
{
	static char perms[5];
	MEMORY_BASIC_INFORMATION m;
	unsigned long pr;

	if (VirtualQuery(p, &m, sizeof m) != sizeof m || m.State == MEM_FREE)
		return "none";
	pr = m.State == MEM_COMMIT ? m.Protect & 0xff : PAGE_NOACCESS;
	perms[0] = pr & (PAGE_READONLY | PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READ |
	                 PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY) ?
	                   'r' :
	                   '-';
	perms[1] = pr & (PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READWRITE |
	                 PAGE_EXECUTE_WRITECOPY) ?
	                   'w' :
	                   '-';
	perms[2] = pr & (PAGE_EXECUTE | PAGE_EXECUTE_READ | PAGE_EXECUTE_READWRITE |
	                 PAGE_EXECUTE_WRITECOPY) ?
	                   'x' :
	                   '-';
	perms[3] = m.Type == MEM_MAPPED ? 's' : 'p';
	perms[4] = 0;
	return perms;
}

/* For a failure's message only: snprintf may allocate. */
static inline const char *maps_describe(struct maps_snapshot s, char *buf, size_t n)
{
	snprintf(buf, n,
	         "%zu reservations, %zu bytes, %zu committed, %zu runs, print %016llx, %zu views, "
	         "%zu W+X",
	         s.count, s.bytes, s.committed, s.runs, (unsigned long long)s.print, s.views, s.wx);
	return buf;
}

#endif
