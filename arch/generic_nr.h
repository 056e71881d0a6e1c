/* Syscall numbers of the kernel's asm-generic table (include/uapi/
 * asm-generic/unistd.h), shared by the architectures that use it as is:
 * aarch64 (and aarch64_be), riscv64 and riscv32. On a 32-bit kernel the
 * same numbers name the 64-bit-offset calls: mmap2, ftruncate64, fcntl64
 * (arch/riscv.h says what that changes). */
#ifndef RTM_ARCH_GENERIC_NR_H
#define RTM_ARCH_GENERIC_NR_H

#define RTM_NR_openat     56
#define RTM_NR_close      57
#define RTM_NR_memfd_create 279
#define RTM_NR_ftruncate  46
#define RTM_NR_fcntl      25
#define RTM_NR_membarrier 283
#define RTM_NR_read       63
#define RTM_NR_write      64
#define RTM_NR_exit_group 94
#define RTM_NR_kill       129
#define RTM_NR_prctl      167
#define RTM_NR_getpid     172
#define RTM_NR_munmap     215
#define RTM_NR_mmap       222 /* mmap2 on 32-bit */
#define RTM_NR_mprotect   226
#define RTM_NR_msync      227
#define RTM_NR_madvise    233

#endif
