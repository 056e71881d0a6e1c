/* <rtmem/mman.h> — memory-mapping constants, per architecture, no libc.
 *
 * Values follow the kernel's asm-generic/mman-common.h; an architecture
 * header in arch/ overrides the ones it changes (mips: MAP_ANONYMOUS 0x800,
 * MAP_NORESERVE 0x400, MAP_POPULATE 0x10000; powerpc: MAP_NORESERVE 0x40;
 * alpha: MAP_FIXED, MAP_ANONYMOUS, MAP_NORESERVE, MAP_POPULATE,
 * MAP_FIXED_NOREPLACE and MADV_DONTNEED; hppa: MAP_FIXED 0x04,
 * MAP_ANONYMOUS 0x10, MAP_POPULATE 0x10000 and its own MADV_HUGEPAGE,
 * NOHUGEPAGE and COLLAPSE).
 * A test checks every one against <sys/mman.h> on every architecture.
 */
#ifndef RTMEM_MMAN_H
#define RTMEM_MMAN_H

#include "syscall.h"

#define RTM_PROT_NONE  0x0
#define RTM_PROT_READ  0x1
#define RTM_PROT_WRITE 0x2
#define RTM_PROT_EXEC  0x4

#define RTM_MAP_SHARED  0x01
#define RTM_MAP_PRIVATE 0x02
#ifndef RTM_MAP_FIXED
#define RTM_MAP_FIXED   0x10
#endif
#ifndef RTM_MAP_ANONYMOUS
#define RTM_MAP_ANONYMOUS 0x20
#endif
#ifndef RTM_MAP_NORESERVE
#define RTM_MAP_NORESERVE 0x4000
#endif
#ifndef RTM_MAP_POPULATE
#define RTM_MAP_POPULATE 0x8000
#endif
#ifndef RTM_MAP_FIXED_NOREPLACE
#define RTM_MAP_FIXED_NOREPLACE 0x100000
#endif

#define RTM_MADV_NORMAL     0
#ifndef RTM_MADV_DONTNEED
#define RTM_MADV_DONTNEED   4
#endif
#define RTM_MADV_FREE       8
#define RTM_MADV_DONTFORK   10
#ifndef RTM_MADV_HUGEPAGE
#define RTM_MADV_HUGEPAGE   14
#define RTM_MADV_NOHUGEPAGE 15
#define RTM_MADV_COLLAPSE   25
#endif

/* msync flags: hppa numbers them differently (MS_ASYNC 2). */
#ifndef RTM_MS_ASYNC
#define RTM_MS_ASYNC 1
#endif

#endif
