/* Tells whether an rtm_*mmap call reached the kernel. A seccomp filter
 * answers ESRCH (an errno mmap never gives) to every mmap system call whose
 * fd argument is TRAP_FD, without running it; everything else runs as
 * usual, so libc and Check keep mapping. A call that comes back with any
 * other answer was decided before the syscall.
 *
 * A filter cannot be removed: use it only in a forked test (Check's default
 * mode). Not available where mmap takes its arguments in a memory block
 * (s390x): the filter cannot read the fd there. */
#ifndef TEST_SYS_TRAP_H
#define TEST_SYS_TRAP_H

#include <rtmem/syscall.h>

#if !defined(RTM_MMAP_ARG_BLOCK)
#define HAVE_TRAP 1

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>

#include <check.h>

#define TRAP_FD    0x7e57
#define TRAP_ERRNO ESRCH

#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define TRAP_ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i) + 4)
#else
#define TRAP_ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#endif

static inline void trap_mmap_fd(void)
{
	/* No architecture check: the filter only ever refuses a call, so a
	 * foreign-ABI syscall that happens to match costs nothing. */
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, RTM_NR_mmap, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, TRAP_ARG_LO(4)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TRAP_FD, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | TRAP_ERRNO),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof insns / sizeof insns[0], .filter = insns };

	ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	ck_assert_int_eq(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog), 0);
}
#endif

#endif
