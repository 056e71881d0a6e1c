/* <rtmem/syscall.h> — raw Linux system calls, header-only, no libc.
 *
 * rtm_syscall0 .. rtm_syscall6 trap into the kernel and return its raw
 * answer: a value in [-4095, -1] is -errno, anything else is the result.
 * Test for failure with RTM_SYSCALL_FAILED(r); nothing here reads or writes
 * errno, so these are async-signal-safe and need no TLS.
 *
 * RTM_NR_* are this project's own syscall numbers for the architecture
 * being compiled (no <asm/unistd.h> needed); RTM_NR_mmap is mmap2 where the
 * architecture has it. RTM_ARCH_NAME names the architecture.
 */
#ifndef RTMEM_SYSCALL_H
#define RTMEM_SYSCALL_H

#if !defined(__linux__)
#error "rtmem talks to the Linux kernel directly: Linux only"
#elif defined(__x86_64__) && defined(__ILP32__)
#error "rtmem: x32 is not supported"
#elif defined(__x86_64__)
#include "arch/x86_64.h"
#elif defined(__i386__)
#include "arch/i386.h"
#elif defined(__aarch64__)
#include "arch/aarch64.h"
#elif defined(__arm__) && defined(__ARM_EABI__)
#include "arch/arm.h"
#elif defined(__riscv) && (__riscv_xlen == 64 || __riscv_xlen == 32)
#include "arch/riscv.h"
#elif defined(__powerpc__)
#include "arch/powerpc.h"
#elif defined(__s390x__)
#include "arch/s390x.h"
#elif defined(__mips__) && defined(_ABI64) && _MIPS_SIM == _ABI64
#include "arch/mips64.h"
#elif defined(__mips__) && defined(_ABIO32) && _MIPS_SIM == _ABIO32
#include "arch/mips.h"
#elif defined(__sh__) && defined(__SH4__) && defined(__LITTLE_ENDIAN__)
#include "arch/sh4.h"
#elif defined(__alpha__)
#include "arch/alpha.h"
#elif defined(__hppa__) && !defined(__LP64__)
#include "arch/hppa.h"
#elif defined(__sparc__) && defined(__arch64__)
#include "arch/sparc64.h"
#elif defined(__m68k__) && !defined(__mcoldfire__)
#include "arch/m68k.h"
#else
#error "rtmem: unsupported architecture (see README: x86_64 i386 aarch64 aarch64_be arm riscv64 riscv32 powerpc ppc64 ppc64le s390x mips mipsel mips64 mips64el sh4 alpha hppa sparc64 m68k)"
#endif

/* The kernel's failure band: -4095..-1. Compared unsigned, as musl does,
 * so that a valid high address (a negative long) is never mistaken. */
#define RTM_SYSCALL_FAILED(r) ((unsigned long)(r) > -4096UL)

#endif
