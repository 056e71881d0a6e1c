/* What a code region needs from Linux (sys/code_os.h): the memfd its
 * DUAL views share and those views, FLIP's mprotect, and membarrier for
 * other threads. */
#include <stdatomic.h>

#include <rtmem/errno.h>
#include <rtmem/sys.h>
#include <rtmem/syscall.h>

#include "../code_os.h"
#include "../vm_internal.h"
#include "code_flags.h"

static int rtm_code_err(long r)
{
	return RTM_SYSCALL_FAILED(r) ? (int)-r : 0;
}

static void rtm_os_code_close(int fd)
{
	(void)rtm_syscall1(RTM_NR_close, fd);
}

/* A memfd of n bytes named name, close-on-exec, allowed to be mapped
 * executable where the kernel asks that to be said: its descriptor in
 * *fd, or an RTM_E* (nothing left open). */
static int rtm_os_code_memfd(const char *name, size_t n, int *fd)
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
	 * is below PTRDIFF_MAX; where the call is ftruncate64, its high half
	 * is 0. */
#if defined(RTM_ARCH_FTRUNCATE_PAIR)
	err = rtm_code_err(rtm_syscall3(RTM_NR_ftruncate, r, (long)n, 0));
#else
	err = rtm_code_err(rtm_syscall2(RTM_NR_ftruncate, r, (long)n));
#endif
	if (err) {
		rtm_os_code_close((int)r);
		return err;
	}
	*fd = (int)r;
	return 0;
}

/* Seals the memfd against growing, shrinking and new writable mappings
 * (F_SEAL_FUTURE_WRITE, Linux 5.1): mappings made afterwards can never
 * become writable. 0, or RTM_EINVAL where the kernel has no such seal. */
static int rtm_os_code_seal(int fd)
{
	return rtm_code_err(rtm_syscall3(RTM_NR_fcntl, fd, RTM_F_ADD_SEALS,
	                                 RTM_F_SEAL_SHRINK | RTM_F_SEAL_GROW |
	                                         RTM_F_SEAL_FUTURE_WRITE));
}

/* Gives a reservation back, with one more try when a hook refuses, as
 * the arena does. */
static int rtm_os_code_unmap(void *p, size_t len)
{
	int err = rtm_vm_release_mapped(p, len, 0);

	return err ? rtm_vm_release_mapped(p, len, 0) : 0;
}

/* The memfd mapped writable, then (once sealed against new writable
 * mappings) executable beside it, in one reservation. The writable view
 * is not inherited by a forked child. */
int rtm_os_code_dual_map(const char *name, size_t n, uintptr_t *write, uintptr_t *exec)
{
	size_t colour = 0, stride = n, len;
	rtm_mmap_result r, v;
	int fd, err;

#ifdef RTM_ARCH_SHMLBA
	/* Where the data cache is indexed by more address bits than a page
	 * has, the kernel takes a shared mapping only at an address whose
	 * offset from this boundary matches the file offset's, so that two
	 * views of a page share their cache lines: both views start on it,
	 * the executable one after the writable one's size rounded up to it
	 * (a power of two: masked, no division, which sh4 and hppa lack). A
	 * page as large as the boundary meets it by itself. */
	if (RTM_ARCH_SHMLBA > rtm_page_size()) {
		colour = RTM_ARCH_SHMLBA;
		if (n & (colour - 1))
			stride = n + (colour - (n & (colour - 1)));
		if (stride < n)
			return RTM_ENOMEM;
	}
#endif
	if (__builtin_add_overflow(stride, n, &len))
		return RTM_ENOMEM;
	err = rtm_os_code_memfd(name, n, &fd);
	if (err)
		return err;
	r = rtm_reserve(0, len, colour);
	err = r.err;
	if (!err) {
		v = rtm_mmap(r.addr, n, RTM_PROT_READ | RTM_PROT_WRITE,
		             RTM_MAP_SHARED | RTM_MAP_FIXED, fd, 0);
		err = v.err;
	}
	if (!err)
		err = rtm_madvise(r.addr, n, RTM_MADV_DONTFORK);
	/* A kernel before 5.1 has no such seal: the executable view is then
	 * kept from being made writable by nothing but its protection. */
	if (!err) {
		err = rtm_os_code_seal(fd);
		if (err == RTM_EINVAL)
			err = 0;
	}
	if (!err) {
		v = rtm_mmap((char *)r.addr + stride, n, RTM_PROT_READ | RTM_PROT_EXEC,
		             RTM_MAP_SHARED | RTM_MAP_FIXED, fd, 0);
		err = v.err;
	}
	/* The mappings keep the memfd; no descriptor stays open. */
	rtm_os_code_close(fd);
	if (err) {
		if (!r.err)
			(void)rtm_os_code_unmap(r.addr, len);
		return err;
	}
	*write = (uintptr_t)r.addr;
	*exec = (uintptr_t)r.addr + stride;
	return 0;
}

/* One reservation holds both views, and whatever lies between them: one
 * release. */
int rtm_os_code_dual_unmap(uintptr_t write, uintptr_t exec, size_t n)
{
	return rtm_vm_release_mapped((void *)write, exec - write + n, 0);
}

/* An mprotect to executable and back: refused where the kernel refuses
 * exec gain. */
int rtm_os_code_exec_probe(void *p, size_t page)
{
	int err = rtm_mprotect(p, page, RTM_PROT_READ | RTM_PROT_EXEC);

	return err ? err : rtm_mprotect(p, page, RTM_PROT_NONE);
}

int rtm_os_code_protect(void *p, size_t n, int how)
{
	return rtm_mprotect(p, n, RTM_PROT_READ | (how == RTM_OS_CODE_RX ? RTM_PROT_EXEC
	                                                                 : RTM_PROT_WRITE));
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
