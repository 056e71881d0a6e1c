/* <rtmem/errno.h> — the error numbers rtmem returns, per architecture.
 *
 * rtmem never touches errno: failures come back as these positive values.
 * They equal Linux's E* constants (a test checks that against <errno.h> on
 * every architecture), so they compare directly with EINVAL and friends in
 * hosted Linux code; they exist so freestanding code can name them without
 * libc. On Windows they are the same numbers, rtmem's own: not those of
 * mingw's or MSVC's <errno.h> (whose ENOSYS is 40 and EOVERFLOW 132).
 */
#ifndef RTMEM_ERRNO_H
#define RTMEM_ERRNO_H

#define RTM_EPERM   1
#define RTM_ENOENT  2
#define RTM_EINTR   4
#define RTM_EBADF   9
#if defined(__alpha__)
#define RTM_EAGAIN  35
#else
#define RTM_EAGAIN  11
#endif
#define RTM_ENOMEM  12
#define RTM_EACCES  13
#define RTM_EFAULT  14
#define RTM_EEXIST  17
#define RTM_ENODEV  19
#define RTM_EINVAL  22
#define RTM_ENFILE  23
#define RTM_EMFILE  24
#define RTM_ETXTBSY 26
#define RTM_EFBIG   27

#if defined(__mips__)
#define RTM_ENOSYS     89
#define RTM_EOVERFLOW  79
#define RTM_EOPNOTSUPP 122
#elif defined(__alpha__)
#define RTM_ENOSYS     78
#define RTM_EOVERFLOW  112
#define RTM_EOPNOTSUPP 45
#elif defined(__hppa__)
#define RTM_ENOSYS     251
#define RTM_EOVERFLOW  72
#define RTM_EOPNOTSUPP 223
#elif defined(__sparc__)
/* SunOS's numbers past 34 */
#define RTM_ENOSYS     90
#define RTM_EOVERFLOW  92
#define RTM_EOPNOTSUPP 45
#else
#define RTM_ENOSYS     38
#define RTM_EOVERFLOW  75
#define RTM_EOPNOTSUPP 95
#endif

#endif
