/* rtmem-demo for Windows: the same program as demo.c with no C runtime
 * at all (-nostdlib, kernel32 alone). What it does with memory, what it
 * checks and the line it reports are demo.h's; here is only what is
 * Windows's: the entry, WriteFile, ExitProcess.
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

/* mingw-w64 names its targets i686 and x86_64. */
#if defined(_WIN64)
#define DEMO_ON "Windows x86_64"
#else
#define DEMO_ON "Windows i686"
#endif

/* One WriteFile per piece, as the Linux program makes one write(2):
 * a console or a pipe takes a short piece whole. The count written goes
 * unread, but WriteFile accepts NULL for it only with an OVERLAPPED
 * (Windows 7 writes it regardless). */
static void say(const char *s)
{
	DWORD n = 0, done;

	while (s[n])
		n++;
	WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), s, n, &done, NULL);
}

#include "demo.h"

/* The entry point the linker looks for in a console program (-nostdlib
 * leaves out the C runtime's, which would set up a heap, arguments and
 * stdio that nothing here uses). It never returns: ExitProcess ends
 * every thread, with demo_run's sum of failed checks as the status. */
void mainCRTStartup(void);

void mainCRTStartup(void)
{
	ExitProcess((UINT)demo_run());
}
