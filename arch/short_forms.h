/* rtm_syscall0 .. rtm_syscall5 through the architecture's rtm_syscall6,
 * for architectures whose kernel entry clobbers every argument register
 * whatever the count (ppc64le, mips): the unused zero loads cost one
 * instruction each and leave a single asm statement to audit. Where the
 * 4-argument call is cheaper than the 6-argument one (mips o32, whose 5th
 * and 6th arguments go on the stack) the arch header defines its own
 * rtm_syscall4 and RTM_ARCH_SYSCALL4, and the shorter calls go through it.
 * Included by an arch header after its rtm_syscall6. */
#ifndef RTM_ARCH_SHORT_FORMS_H
#define RTM_ARCH_SHORT_FORMS_H

#ifndef RTM_ARCH_SYSCALL4
static inline long rtm_syscall4(long nr, long a1, long a2, long a3, long a4)
{
	return rtm_syscall6(nr, a1, a2, a3, a4, 0, 0);
}
#endif

static inline long rtm_syscall0(long nr)
{
	return rtm_syscall4(nr, 0, 0, 0, 0);
}

static inline long rtm_syscall1(long nr, long a1)
{
	return rtm_syscall4(nr, a1, 0, 0, 0);
}

static inline long rtm_syscall2(long nr, long a1, long a2)
{
	return rtm_syscall4(nr, a1, a2, 0, 0);
}

static inline long rtm_syscall3(long nr, long a1, long a2, long a3)
{
	return rtm_syscall4(nr, a1, a2, a3, 0);
}

static inline long rtm_syscall5(long nr, long a1, long a2, long a3, long a4, long a5)
{
	return rtm_syscall6(nr, a1, a2, a3, a4, a5, 0);
}

#endif
