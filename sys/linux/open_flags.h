/* Internal: the open(2) constants the core needs to read one /proc file.
 * Values of the kernel's asm-generic/fcntl.h; an architecture header in
 * arch/ overrides one it numbers differently (alpha, hppa and sparc have
 * their own O_CLOEXEC). test/arch checks them against <fcntl.h>. */
#ifndef RTM_SYS_OPEN_FLAGS_H
#define RTM_SYS_OPEN_FLAGS_H

#include <rtmem/syscall.h>

#define RTM_AT_FDCWD (-100)
#define RTM_O_RDONLY 0
#ifndef RTM_O_CLOEXEC
#define RTM_O_CLOEXEC 02000000
#endif

#endif
