/* What a code region needs from Linux besides mappings: the memfd its
 * DUAL views share, and membarrier for other threads (sys/code_os.h). */
#include <stdatomic.h>

#include <rtmem/errno.h>
#include <rtmem/syscall.h>

#include "../code_os.h"
#include "code_flags.h"

static int rtm_code_err(long r)
{
	return RTM_SYSCALL_FAILED(r) ? (int)-r : 0;
}

int rtm_os_code_memfd(const char *name, size_t n, int *fd)
{
	/* MFD_EXEC first: with vm.memfd_noexec = 1 (Linux 6.3+) a memfd
	 * without it may not be mapped executable. A kernel that does not
	 * know the flag answers EINVAL: then without it. */
	const long flags = RTM_MFD_CLOEXEC | RTM_MFD_ALLOW_SEALING;
	long r = rtm_syscall2(RTM_NR_memfd_create, (long)name, flags | RTM_MFD_EXEC);
	int err;

	if (r == -RTM_EINVAL)
		r = rtm_syscall2(RTM_NR_memfd_create, (long)name, flags);
	err = rtm_code_err(r);
	if (err)
		return err;
	/* 32-bit: ftruncate's length is a long, and n (one region's views)
	 * is below PTRDIFF_MAX. */
	err = rtm_code_err(rtm_syscall2(RTM_NR_ftruncate, r, (long)n));
	if (err) {
		rtm_os_code_close((int)r);
		return err;
	}
	*fd = (int)r;
	return 0;
}

int rtm_os_code_seal(int fd)
{
	return rtm_code_err(rtm_syscall3(RTM_NR_fcntl, fd, RTM_F_ADD_SEALS,
	                                 RTM_F_SEAL_SHRINK | RTM_F_SEAL_GROW |
	                                         RTM_F_SEAL_FUTURE_WRITE));
}

void rtm_os_code_close(int fd)
{
	(void)rtm_syscall1(RTM_NR_close, fd);
}

/* The membarrier command every publish issues, once registered: 0 not
 * yet asked; -1 none (not available, or not needed). */
static _Atomic int rtm_code_sync_cmd;

int rtm_os_code_sync_register(void)
{
	int cmd = RTM_MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE;
	long r;

	if (!RTM_ARCH_ICACHE_SYNC_CORE ||
	    atomic_load_explicit(&rtm_code_sync_cmd, memory_order_acquire) != 0)
		return 0;
	/* Racing first callers register twice: the kernel takes that. */
	r = rtm_syscall2(RTM_NR_membarrier, RTM_MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE,
	                 0);
#if RTM_ARCH_ICACHE_SYNC_CORE == 2
	/* A kernel without SYNC_CORE here (powerpc before 5.9): the plain
	 * expedited barrier's IPI returns through an exception return, which
	 * is what SYNC_CORE would have given (arch/ header). */
	if (r == -RTM_EINVAL) {
		r = rtm_syscall2(RTM_NR_membarrier, RTM_MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0);
		cmd = RTM_MEMBARRIER_CMD_PRIVATE_EXPEDITED;
	}
#endif
	atomic_store_explicit(&rtm_code_sync_cmd, RTM_SYSCALL_FAILED(r) ? -1 : cmd,
	                      memory_order_release);
	return rtm_code_err(r);
}

void rtm_os_code_sync(void)
{
	int cmd = atomic_load_explicit(&rtm_code_sync_cmd, memory_order_acquire);

	if (cmd > 0)
		(void)rtm_syscall2(RTM_NR_membarrier, cmd, 0);
}
