/* A program linked with the core alone: no C runtime (-nostdlib), its own
 * entry point, kernel32 for ExitProcess. It serves requests from an arena,
 * resets and destroys it, runs code through a code region in both modes,
 * and exits with the sum of the checks that failed. core_imports.py asserts that it imports from KERNEL32.dll and
 * nothing else: what the compiler or the library might add (msvcrt,
 * ___chkstk_ms, memset) would not link or would show there. */
#include <windows.h>

#include <rtmem/arena.h>
#include <rtmem/code.h>
#include <rtmem/vm.h>

void mainCRTStartup(void);

/* x86 and x64 alike: mov eax, v; ret. 0 if the function answered v. */
static UINT code_runs(unsigned flags, unsigned v)
{
	struct rtm_code_config cfg = { 1 << 20, flags, NULL };
	rtm_code *c = rtm_code_create(&cfg);
	struct rtm_code_buf b;
	unsigned char *p;
	UINT bad = 1;

	if (c && rtm_code_alloc(c, 6, 0, &b) == 0) {
		p = b.write;
		p[0] = 0xb8;
		p[1] = (unsigned char)v;
		p[2] = (unsigned char)(v >> 8);
		p[3] = (unsigned char)(v >> 16);
		p[4] = (unsigned char)(v >> 24);
		p[5] = 0xc3;
		if (rtm_code_publish(c, &b) == 0)
			bad = ((unsigned (*)(void))b.exec)() != v;
	}
	rtm_code_destroy(c);
	return bad;
}

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
	bad |= code_runs(RTM_CODE_DUAL, 0x12345678u) << 3;
	bad |= code_runs(RTM_CODE_FLIP, 0x9abcdef0u) << 4;
	if (rtm_vm_stats().reserved || rtm_vm_stats().committed)
		bad |= 4;
	ExitProcess(bad);
}
