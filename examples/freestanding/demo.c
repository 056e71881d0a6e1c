/* rtmem-demo: a complete program with no libc at all (Linux).
 *
 * Its entry point is <rtmem/start.h>'s _start, which hands the auxiliary
 * vector to rtmem (so the page size is the kernel's, not a guess). What it
 * does with memory, what it checks and the line it reports are demo.h's,
 * shared with the Windows program (demo_win.c); here is only what is
 * Linux's: the entry, the raw write system call, the exit.
 */
#include <rtmem/start.h>

#define DEMO_ON RTM_ARCH_NAME

/* One raw write(2) per piece: short pieces to a pipe or a terminal go
 * whole, and nothing here installs a signal handler that could cut one
 * short, so rtm_write_str's retry loop would never run. */
static void say(const char *s)
{
	rtm_syscall3(RTM_NR_write, 1, (long)s, (long)rtm_strlen(s));
}

#include "demo.h"

int main(int argc, char **argv, char **envp)
{
	(void)argc;
	(void)argv;
	(void)envp;
	return demo_run();
}
