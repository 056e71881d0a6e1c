/* A program linked with the core alone: no C runtime (-nostdlib), its own
 * entry point, kernel32 for ExitProcess. It serves requests from an arena,
 * resets and destroys it, and exits with the sum of the checks that
 * failed. core_imports.py asserts that it imports from KERNEL32.dll and
 * nothing else: what the compiler or the library might add (msvcrt,
 * ___chkstk_ms, memset) would not link or would show there. */
#include <windows.h>

#include <rtmem/arena.h>
#include <rtmem/vm.h>

void mainCRTStartup(void);

void mainCRTStartup(void)
{
	struct rtm_arena_config cfg = { 0, 0, 16 << 10, 1 << 20, 0, NULL };
	rtm_arena *a = rtm_arena_create(&cfg);
	UINT bad = !a;

	for (int req = 0; a && req < 10; req++) {
		for (int i = 0; i < 1000; i++) {
			char *p = rtm_arena_alloc(a, 8 + (size_t)(i & 127), 8);
			if (!p)
				bad |= 2;
			else
				p[0] = (char)i;
		}
		rtm_arena_reset(a);
	}
	rtm_arena_destroy(a);
	if (rtm_vm_stats().reserved || rtm_vm_stats().committed)
		bad |= 4;
	ExitProcess(bad);
}
