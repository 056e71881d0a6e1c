/* The sys-layer suites run each case through every way a caller can reach
 * the mmap family, selected by Check's loop index: the raw rtm_sys_*, the
 * hooked rtm_* with no hooks, and the hooked rtm_* with rtm_libc_hooks. The
 * header promises the same answers from all three.
 *
 * Every call goes through a T_* wrapper that sets errno to a sentinel
 * first and fails the test if the call changed it: rtmem never writes
 * errno, and the libc hooks must put it back. */
#ifndef TEST_SYS_API_H
#define TEST_SYS_API_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <check.h>
#include <rtmem/libc_hooks.h>
#include <rtmem/sys.h>

#include "start_hooks.h"

/* Tests compare against RTM_E*; these make the libc names mean the same. */
_Static_assert(RTM_EPERM == EPERM && RTM_EINTR == EINTR && RTM_EBADF == EBADF, "errno");
_Static_assert(RTM_EAGAIN == EAGAIN && RTM_ENOMEM == ENOMEM && RTM_EACCES == EACCES, "errno");
_Static_assert(RTM_EEXIST == EEXIST && RTM_ENODEV == ENODEV && RTM_EINVAL == EINVAL, "errno");
_Static_assert(RTM_EOVERFLOW == EOVERFLOW && RTM_ENOSYS == ENOSYS, "errno");

enum { API_SYS, API_HOOKED, API_LIBC, API_COUNT };

struct api {
	const char *name;
	rtm_mmap_result (*mmap)(void *addr, size_t n, int prot, int flags, int fd, uint64_t off);
	int (*munmap)(void *addr, size_t n);
	int (*mprotect)(void *addr, size_t n, int prot);
	int (*madvise)(void *addr, size_t n, int advice);
	const struct rtm_hooks *hooks;
};

static const struct api apis[API_COUNT] = {
	{ "rtm_sys_*", rtm_sys_mmap, rtm_sys_munmap, rtm_sys_mprotect, rtm_sys_madvise, NULL },
	{ "rtm_* without hooks", rtm_mmap, rtm_munmap, rtm_mprotect, rtm_madvise, NULL },
	{ "rtm_* with rtm_libc_hooks", rtm_mmap, rtm_munmap, rtm_mprotect, rtm_madvise,
	  &rtm_libc_hooks },
};

/* For tcase_add_loop_test: installs what api i needs. The fixture below
 * puts the process's start table back (NULL, or rtm_libc_hooks in an ASan
 * build: start_hooks.h). */
static inline const struct api *api_begin(int i)
{
	ck_assert_ptr_eq(rtm_set_hooks(apis[i].hooks), START_HOOKS);
	return &apis[i];
}

static inline void hooks_off(void)
{
	rtm_set_hooks(START_HOOKS);
}

/* A value no call in these tests can produce by accident. */
#define ERRNO_SENTINEL 0x5e17

#define ERRNO_KEPT(a, what, line)                                                      \
	ck_assert_msg(errno == ERRNO_SENTINEL, "%s: %s (line %d) changed errno to %d",   \
	              (a)->name, what, line, errno)

static inline rtm_mmap_result t_mmap(const struct api *a, int line, void *addr, size_t n,
                                     int prot, int flags, int fd, uint64_t off)
{
	rtm_mmap_result r;

	errno = ERRNO_SENTINEL;
	r = a->mmap(addr, n, prot, flags, fd, off);
	ERRNO_KEPT(a, "mmap", line);
	/* The result contract: a mapping and no error, or NULL and an errno. */
	ck_assert_msg(r.err >= 0 && (r.err == 0) == (r.addr != NULL),
	              "%s: mmap (line %d) returned addr %p err %d", a->name, line, r.addr, r.err);
	return r;
}

static inline int t_munmap(const struct api *a, int line, void *addr, size_t n)
{
	int r;

	errno = ERRNO_SENTINEL;
	r = a->munmap(addr, n);
	ERRNO_KEPT(a, "munmap", line);
	ck_assert_int_ge(r, 0);
	return r;
}

static inline int t_mprotect(const struct api *a, int line, void *addr, size_t n, int prot)
{
	int r;

	errno = ERRNO_SENTINEL;
	r = a->mprotect(addr, n, prot);
	ERRNO_KEPT(a, "mprotect", line);
	ck_assert_int_ge(r, 0);
	return r;
}

static inline int t_madvise(const struct api *a, int line, void *addr, size_t n, int advice)
{
	int r;

	errno = ERRNO_SENTINEL;
	r = a->madvise(addr, n, advice);
	ERRNO_KEPT(a, "madvise", line);
	ck_assert_int_ge(r, 0);
	return r;
}

#define T_MMAP(a, ...)     t_mmap(a, __LINE__, __VA_ARGS__)
#define T_MUNMAP(a, ...)   t_munmap(a, __LINE__, __VA_ARGS__)
#define T_MPROTECT(a, ...) t_mprotect(a, __LINE__, __VA_ARGS__)
#define T_MADVISE(a, ...)  t_madvise(a, __LINE__, __VA_ARGS__)

/* An anonymous private read-write mapping that must succeed. */
static inline void *t_anon(const struct api *a, int line, size_t n)
{
	rtm_mmap_result r = t_mmap(a, line, NULL, n, RTM_PROT_READ | RTM_PROT_WRITE,
	                           RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS, -1, 0);

	ck_assert_msg(r.err == 0, "%s: anonymous mmap (line %d) failed: %d", a->name, line, r.err);
	return r.addr;
}
#define T_ANON(a, n) t_anon(a, __LINE__, n)

#endif
