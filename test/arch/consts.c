/* rtmem's own copies of kernel constants against the system's: a compile
 * error here is a wrong number in the arch/ headers, <rtmem/mman.h> or
 * <rtmem/errno.h>. Built for every architecture (each cross build checks
 * its own arch header against that target's libc headers, or where the
 * target has no C library, RTM_CONSTS_KERNEL, against the kernel's uapi
 * headers for it); consts.py makes sure every constant the headers define
 * is listed below. */
#if RTM_CONSTS_KERNEL
/* The kernel's names (__NR_x where libc says SYS_x); the uapi headers
 * define everything below the C library would, and need nothing else. */
#include <asm/errno.h>
#include <linux/auxvec.h>
#include <linux/fcntl.h>
#include <linux/membarrier.h>
#include <linux/memfd.h>
#include <linux/mman.h>
#include <linux/prctl.h>
#include <asm/unistd.h>
#define NR(name) __NR_##name
/* What a C library calls by the plain name: a 32-bit asm-generic kernel
 * (riscv32) has only the calls with a 64-bit length and offset, and
 * alpha's getpid is getxpid (it answers the parent's pid in a4 too). */
#ifndef __NR_ftruncate
#define __NR_ftruncate __NR_ftruncate64
#endif
#ifndef __NR_fcntl
#define __NR_fcntl __NR_fcntl64
#endif
#ifndef __NR_getpid
#define __NR_getpid __NR_getxpid
#endif
#else
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/membarrier.h>
#include <linux/prctl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#define NR(name) SYS_##name
#endif

#include <rtmem/errno.h>
#include <rtmem/mman.h>
#include <rtmem/syscall.h>

#include "kabi.h"
#include "sys/linux/code_flags.h"
#include "sys/linux/open_flags.h"

#define SAME(rtm, sys) _Static_assert((rtm) == (sys), #rtm " differs from " #sys)

SAME(RTM_NR_write, NR(write));
SAME(RTM_NR_getpid, NR(getpid));
SAME(RTM_NR_kill, NR(kill));
SAME(RTM_NR_prctl, NR(prctl));
SAME(RTM_NR_munmap, NR(munmap));
SAME(RTM_NR_mprotect, NR(mprotect));
SAME(RTM_NR_madvise, NR(madvise));
SAME(RTM_NR_exit_group, NR(exit_group));
SAME(RTM_NR_msync, NR(msync));
SAME(RTM_NR_openat, NR(openat));
SAME(RTM_NR_read, NR(read));
SAME(RTM_NR_close, NR(close));
SAME(RTM_NR_memfd_create, NR(memfd_create));
SAME(RTM_NR_ftruncate, NR(ftruncate));
SAME(RTM_NR_fcntl, NR(fcntl));
SAME(RTM_NR_membarrier, NR(membarrier));
/* Where mmap2 exists it is the one to use: the plain mmap of those
 * architectures takes a byte offset of only 32 bits. */
#if defined(SYS_mmap2) || defined(__NR_mmap2)
SAME(RTM_NR_mmap, NR(mmap2));
_Static_assert(RTM_MMAP2_SHIFT == 12, "mmap2 counts 4096-byte units on every architecture");
#else
SAME(RTM_NR_mmap, NR(mmap));
#ifdef RTM_MMAP2_SHIFT
#error "RTM_MMAP2_SHIFT set on an architecture without mmap2"
#endif
#endif

SAME(RTM_PROT_NONE, PROT_NONE);
SAME(RTM_PROT_READ, PROT_READ);
SAME(RTM_PROT_WRITE, PROT_WRITE);
SAME(RTM_PROT_EXEC, PROT_EXEC);

SAME(RTM_MAP_SHARED, MAP_SHARED);
SAME(RTM_MAP_PRIVATE, MAP_PRIVATE);
SAME(RTM_MAP_FIXED, MAP_FIXED);
SAME(RTM_MAP_ANONYMOUS, MAP_ANONYMOUS);
SAME(RTM_MAP_NORESERVE, MAP_NORESERVE);
SAME(RTM_MAP_POPULATE, MAP_POPULATE);
SAME(RTM_MAP_FIXED_NOREPLACE, MAP_FIXED_NOREPLACE);

SAME(RTM_MADV_NORMAL, MADV_NORMAL);
SAME(RTM_MADV_DONTNEED, MADV_DONTNEED);
SAME(RTM_MADV_FREE, MADV_FREE);
SAME(RTM_MADV_DONTFORK, MADV_DONTFORK);

/* What a code region asks for (sys/linux/code_flags.h). MFD_EXEC and
 * F_SEAL_FUTURE_WRITE are newer than some C libraries' headers: their
 * values are the kernel's uapi ones (Linux 6.3, 5.1). */
SAME(RTM_MFD_CLOEXEC, MFD_CLOEXEC);
SAME(RTM_MFD_ALLOW_SEALING, MFD_ALLOW_SEALING);
#ifdef MFD_EXEC
SAME(RTM_MFD_EXEC, MFD_EXEC);
#else
SAME(RTM_MFD_EXEC, 0x0010U);
#endif
SAME(RTM_F_ADD_SEALS, F_ADD_SEALS);
SAME(RTM_F_SEAL_SHRINK, F_SEAL_SHRINK);
SAME(RTM_F_SEAL_GROW, F_SEAL_GROW);
#ifdef F_SEAL_FUTURE_WRITE
SAME(RTM_F_SEAL_FUTURE_WRITE, F_SEAL_FUTURE_WRITE);
#else
SAME(RTM_F_SEAL_FUTURE_WRITE, 0x0010);
#endif
SAME(RTM_MEMBARRIER_CMD_QUERY, MEMBARRIER_CMD_QUERY);
SAME(RTM_MEMBARRIER_CMD_PRIVATE_EXPEDITED, MEMBARRIER_CMD_PRIVATE_EXPEDITED);
SAME(RTM_MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED);
SAME(RTM_MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE);
SAME(RTM_MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE,
     MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE);
SAME(RTM_MADV_HUGEPAGE, MADV_HUGEPAGE);
SAME(RTM_MADV_NOHUGEPAGE, MADV_NOHUGEPAGE);
/* glibc 2.36 (Debian 12) predates MADV_COLLAPSE (Linux 6.1): then the
 * kernel's own header has it, when it is new enough. */
#ifndef MADV_COLLAPSE
#include <linux/mman.h>
#endif
#ifdef MADV_COLLAPSE
SAME(RTM_MADV_COLLAPSE, MADV_COLLAPSE);
#endif

SAME(RTM_MS_ASYNC, MS_ASYNC);

SAME(RTM_AT_FDCWD, AT_FDCWD);
SAME(RTM_O_RDONLY, O_RDONLY);
SAME(RTM_O_CLOEXEC, O_CLOEXEC);


SAME(RTM_EPERM, EPERM);
SAME(RTM_ENOENT, ENOENT);
SAME(RTM_EINTR, EINTR);
SAME(RTM_EBADF, EBADF);
SAME(RTM_EAGAIN, EAGAIN);
SAME(RTM_ENOMEM, ENOMEM);
SAME(RTM_EACCES, EACCES);
SAME(RTM_EFAULT, EFAULT);
SAME(RTM_EEXIST, EEXIST);
SAME(RTM_ENODEV, ENODEV);
SAME(RTM_EINVAL, EINVAL);
SAME(RTM_ENFILE, ENFILE);
SAME(RTM_EMFILE, EMFILE);
SAME(RTM_ETXTBSY, ETXTBSY);
SAME(RTM_EFBIG, EFBIG);
SAME(RTM_ENOSYS, ENOSYS);
SAME(RTM_EOVERFLOW, EOVERFLOW);
SAME(RTM_EOPNOTSUPP, EOPNOTSUPP);

/* prctl numbers rtmem keeps, when a public header has them. */
#ifdef RTM_PR_SET_VMA
SAME(RTM_PR_SET_VMA, PR_SET_VMA);
SAME(RTM_PR_SET_VMA_ANON_NAME, PR_SET_VMA_ANON_NAME);
#endif

/* The self-test's own (test/selftest/kabi.h). */
SAME(SELFTEST_PR_GET_DUMPABLE, PR_GET_DUMPABLE);
SAME(SELFTEST_PR_GET_NAME, PR_GET_NAME);
SAME(SELFTEST_PR_GET_NO_NEW_PRIVS, PR_GET_NO_NEW_PRIVS);
SAME(SELFTEST_AT_NULL, AT_NULL);
SAME(SELFTEST_AT_PAGESZ, AT_PAGESZ);
SAME(SELFTEST_AT_ENTRY, AT_ENTRY);

#ifdef RTM_ARCH_NR_riscv_flush_icache
SAME(RTM_ARCH_NR_riscv_flush_icache, NR(riscv_flush_icache));
#endif
#if defined(__sh__)
#include <asm/cachectl.h>
SAME(RTM_ARCH_NR_cacheflush, NR(cacheflush));
SAME(RTM_ARCH_CACHEFLUSH_D_WB, CACHEFLUSH_D_WB);
SAME(RTM_ARCH_CACHEFLUSH_I, CACHEFLUSH_I);
#endif

#if RTM_CONSTS_KERNEL
#include <rtmem/start.h>

int main(int argc, char **argv, char **envp)
{
	(void)argc;
	(void)argv;
	(void)envp;
	return rtm_write_str(1, "rtmem constants match the kernel's headers on " RTM_ARCH_NAME "\n");
}
#else
int main(void)
{
	printf("rtmem constants match the system headers on %s\n", RTM_ARCH_NAME);
	return 0;
}
#endif
