/* rtm_syscall0..6: every shape traps with the right number and returns the
 * kernel's answer, and each argument register is shown to arrive wherever
 * some system call gives a different answer for a lost or swapped one. */
#include <rtmem/errno.h>
#include <rtmem/mman.h>
#include <rtmem/syscall.h>

#include "selftest.h"

static void shapes(void)
{
	long pid = rtm_syscall0(RTM_NR_getpid);

	/* getpid ignores its arguments: only the number and the return
	 * register of each shape are tested here. */
	tap_ok(pid > 0, "rtm_syscall0: getpid is positive");
	tap_eq(rtm_syscall1(RTM_NR_getpid, 1), pid, "rtm_syscall1: getpid");
	tap_eq(rtm_syscall2(RTM_NR_getpid, 1, 2), pid, "rtm_syscall2: getpid");
	tap_eq(rtm_syscall3(RTM_NR_getpid, 1, 2, 3), pid, "rtm_syscall3: getpid");
	tap_eq(rtm_syscall4(RTM_NR_getpid, 1, 2, 3, 4), pid, "rtm_syscall4: getpid");
	tap_eq(rtm_syscall5(RTM_NR_getpid, 1, 2, 3, 4, 5), pid, "rtm_syscall5: getpid");
	tap_eq(rtm_syscall6(RTM_NR_getpid, 1, 2, 3, 4, 5, 6), pid, "rtm_syscall6: getpid");

	/* kill(pid, 0) only checks that pid exists; an invalid signal number
	 * is refused before anything else. */
	tap_eq(rtm_syscall2(RTM_NR_kill, pid, 0), 0, "rtm_syscall2: kill(self, 0)");
	tap_eq(rtm_syscall2(RTM_NR_kill, pid, 1000), -RTM_EINVAL,
	       "rtm_syscall2: kill(self, 1000) is -EINVAL (a2 arrives)");
}

static void write3(void)
{
	static const char line[] = "# this line was written by rtm_syscall3\n";
	long n = (long)sizeof(line) - 1;

	tap_eq(rtm_syscall3(RTM_NR_write, 1, (long)line, n), n, "rtm_syscall3: write returns its length");
	tap_eq(rtm_syscall3(RTM_NR_write, -1, (long)line, n), -RTM_EBADF,
	       "rtm_syscall3: write to fd -1 is -EBADF");
}

/* PR_GET_NO_NEW_PRIVS insists that arguments 2..5 are all zero: a one in
 * any single position must turn success into -EINVAL. */
static void prctl5(void)
{
	long r = rtm_syscall5(RTM_NR_prctl, SELFTEST_PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);

	tap_ok(r == 0 || r == 1, "rtm_syscall5: prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)");
	tap_eq(rtm_syscall5(RTM_NR_prctl, SELFTEST_PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0), -RTM_EINVAL,
	       "rtm_syscall5: a2 arrives");
	tap_eq(rtm_syscall5(RTM_NR_prctl, SELFTEST_PR_GET_NO_NEW_PRIVS, 0, 1, 0, 0), -RTM_EINVAL,
	       "rtm_syscall5: a3 arrives");
	tap_eq(rtm_syscall5(RTM_NR_prctl, SELFTEST_PR_GET_NO_NEW_PRIVS, 0, 0, 1, 0), -RTM_EINVAL,
	       "rtm_syscall5: a4 arrives");
	tap_eq(rtm_syscall5(RTM_NR_prctl, SELFTEST_PR_GET_NO_NEW_PRIVS, 0, 0, 0, 1), -RTM_EINVAL,
	       "rtm_syscall5: a5 arrives");
	r = rtm_syscall1(RTM_NR_prctl, SELFTEST_PR_GET_DUMPABLE);
	tap_ok(r >= 0 && r <= 2, "rtm_syscall1: prctl(PR_GET_DUMPABLE)");
	tap_eq(rtm_syscall1(RTM_NR_prctl, 0x7fff0000), -RTM_EINVAL,
	       "rtm_syscall1: an unknown prctl option is -EINVAL (a1 arrives)");
}

#define MMAP6_PAGE   "rtm_syscall6: mmap gives a page"
#define MMAP6_USABLE "rtm_syscall6: the page is usable and unmaps"
#define MMAP6_A6     "rtm_syscall6: a6 arrives"

static void mmap6(const struct selftest *t)
{
#if defined(RTM_MMAP_ARG_BLOCK)
	static const char why[] = RTM_ARCH_NAME "'s mmap takes one pointer to its six arguments";

	(void)t;
	tap_skip(MMAP6_PAGE, why);
	tap_skip(MMAP6_USABLE, why);
	tap_skip(MMAP6_A6, why);
#else
	long r = rtm_syscall6(RTM_NR_mmap, 0, (long)t->page, RTM_PROT_READ | RTM_PROT_WRITE,
	                      RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS, -1, 0);
	volatile char *p = (volatile char *)r;

	if (tap_ok(!RTM_SYSCALL_FAILED(r) && (r & (long)(t->page - 1)) == 0, MMAP6_PAGE)) {
		p[0] = 1;
		p[t->page - 1] = 2;
		tap_ok(p[0] == 1 && p[t->page - 1] == 2 &&
		               rtm_syscall2(RTM_NR_munmap, r, (long)t->page) == 0,
		       MMAP6_USABLE);
	} else {
		tap_ok(0, MMAP6_USABLE);
	}
#if defined(RTM_MMAP2_SHIFT)
	/* mmap2 counts pages, so there is no unaligned offset; a 32-bit
	 * kernel would answer EOVERFLOW for page offset 0xffffffff, but a
	 * 64-bit one running this code (and qemu-user) maps it: no answer
	 * here would expose a lost a6. */
	tap_skip(MMAP6_A6, "mmap2 of anonymous memory takes any page offset on a 64-bit kernel");
#else
	/* mmap refuses a byte offset that is not page aligned, even for
	 * anonymous memory, so a6 decides between a page and EINVAL. */
	tap_eq(rtm_syscall6(RTM_NR_mmap, 0, (long)t->page, RTM_PROT_READ,
	                    RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS, -1, 1),
	       -RTM_EINVAL, MMAP6_A6);
#endif
#endif
}

void section_syscall(const struct selftest *t)
{
	shapes();
	write3();
	prctl5();
	mmap6(t);
}
