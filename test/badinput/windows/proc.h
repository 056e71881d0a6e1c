/* What test/vm/proc.h gives the badinput suites, answered on Windows by
 * VirtualQuery (../../windows/win_state.h), so that one test source
 * serves both systems. The Windows build puts this directory where the
 * Linux build puts test/vm; arena_util.h includes "proc.h" too.
 *
 *   page_size()      GetSystemInfo's (win_state.h)
 *   perms_at(p)      the page's state spelled as /proc/self/maps spells
 *                    it: "rw-p" committed read-write, "---p" reserved or
 *                    committed with no access, "r--p" read-only, and so
 *                    on (s for a section view instead of p); "" free
 *   page_mapped(p)   reserved or committed
 *   pages_mapped(p, n)
 *   emulator()       NULL: Wine runs the program's own instructions, so
 *                    nothing is skipped as under qemu-user */
#ifndef TEST_BADINPUT_WINDOWS_PROC_H
#define TEST_BADINPUT_WINDOWS_PROC_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>

#include "win_check.h"
#include "win_state.h"

static inline const char *perms_at(const void *p)
{
	static char perms[5];
	MEMORY_BASIC_INFORMATION m = win_query(p);
	DWORD prot = m.State == MEM_COMMIT ? m.Protect & 0xff : PAGE_NOACCESS;
	int r = prot != PAGE_NOACCESS;
	int w = prot == PAGE_READWRITE || prot == PAGE_WRITECOPY || prot == PAGE_EXECUTE_READWRITE ||
	        prot == PAGE_EXECUTE_WRITECOPY;
	int x = prot == PAGE_EXECUTE || prot == PAGE_EXECUTE_READ || prot == PAGE_EXECUTE_READWRITE ||
	        prot == PAGE_EXECUTE_WRITECOPY;

	if (m.State == MEM_FREE)
		return "";
	perms[0] = r && prot != PAGE_EXECUTE ? 'r' : '-';
	perms[1] = w ? 'w' : '-';
	perms[2] = x ? 'x' : '-';
	perms[3] = m.Type == MEM_MAPPED ? 's' : 'p';
	perms[4] = 0;
	return perms;
}

static inline int page_mapped(const void *p)
{
	return state_at(p) != MEM_FREE;
}

static inline size_t pages_mapped(const void *p, size_t n)
{
	size_t k = 0;

	for (size_t off = 0; off < n; off += page_size())
		k += (size_t)page_mapped((const char *)p + off);
	return k;
}

static inline const char *emulator(void)
{
	return NULL;
}

#define skip_under_emulator(why)   ((void)(why), 0)
#define skip_under_emulator32(why) ((void)(why), 0)

#endif
