/* What /proc/self/maps says: how many mappings and how many bytes, and
 * how many are writable and executable at once (W^X: there must be none
 * but what the program's own image asks for, image_wx.h);
 * and how many file descriptors are open (a code region's memfd must not
 * outlive a failed create). Read with open/read/getdents64 into static
 * buffers, so taking a snapshot maps nothing itself (stdio and opendir
 * would malloc, and malloc may mmap). */
#ifndef RTM_TEST_MAPS_LINUX_H
#define RTM_TEST_MAPS_LINUX_H

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "heap_maps.h" /* a sanitizer's malloc range counts as one mapping */
#include "image_wx.h"  /* sparc64's PLT segment is the image's W+X, not rtmem's */

struct maps_snapshot {
	size_t count;
	size_t bytes;
	size_t wx;  /* mappings writable and executable: checked to be 0 */
	size_t fds; /* open file descriptors */
};

/* The whole of /proc/self/maps, NUL-terminated, valid until the next
 * call. */
static inline const char *maps_text(void)
{
	static char buf[1 << 20];
	size_t len = 0;
	ssize_t r;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		abort();
	while ((r = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)r;
	close(fd);
	buf[len] = 0;
	return buf;
}

/* One line "lo-hi perms ...": its range and its four permission letters;
 * *s moves past it. 0 at the end. */
static inline int maps_line(const char **s, uintptr_t *lo, uintptr_t *hi, char perms[5])
{
	char *end;

	if (!**s)
		return 0;
	*lo = strtoul(*s, &end, 16);
	*hi = strtoul(end + 1, &end, 16);
	memcpy(perms, end + 1, 4);
	perms[4] = 0;
	while (*end && *end != '\n')
		end++;
	*s = *end ? end + 1 : end;
	return 1;
}

/* getdents64 as a raw call: no DIR to malloc. The directory's own
 * descriptor is not counted. */
static inline size_t maps_fds(void)
{
	static uint64_t buf[2048];
	size_t n = 0;
	long got;
	int fd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		abort();
	while ((got = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		const char *p = (const char *)buf;

		/* linux_dirent64: d_ino, d_off, d_reclen (at 16), d_type,
		 * d_name (at 19). */
		for (long off = 0; off < got;) {
			unsigned short reclen;

			memcpy(&reclen, p + off + 16, sizeof reclen);
			n += p[off + 19] != '.';
			off += reclen;
		}
	}
	close(fd);
	return n - 1;
}

/* Under valgrind, whose translation cache is writable and executable
 * itself (its preload libraries are in LD_PRELOAD): the W^X count would
 * be valgrind's, and the driver would stop every scenario at its first
 * run, before memcheck has seen the faulted ones. */
static inline int maps_under_valgrind(void)
{
	const char *preload = getenv("LD_PRELOAD");

	return preload && strstr(preload, "vgpreload");
}

static inline struct maps_snapshot maps_snapshot(void)
{
	struct maps_snapshot s = { 0, 0, 0, 0 };
	struct maps_tally t = maps_tally_begin(); /* before the read: it may map */
	const char *text = maps_text();
	uintptr_t lo, hi;
	char perms[5];

	while (maps_line(&text, &lo, &hi, perms)) {
		maps_tally_line(&t, lo, hi);
		s.wx += perms[1] == 'w' && perms[2] == 'x' && !maps_under_valgrind() &&
		        !image_asks_wx(lo, hi);
	}
	maps_tally_end(&t);
	s.count = t.lines;
	s.bytes = t.bytes;
	s.fds = maps_fds();
	return s;
}

/* The permissions of the mapping holding p ("rw-p", "r-xs"...), "none"
 * when nothing is mapped there; valid until the next call. */
static inline const char *maps_perms_at(const void *p)
{
	static char perms[5];
	const char *text = maps_text();
	uintptr_t lo, hi;

	while (maps_line(&text, &lo, &hi, perms))
		if ((uintptr_t)p >= lo && (uintptr_t)p < hi)
			return perms;
	return "none";
}

static inline int maps_equal(struct maps_snapshot a, struct maps_snapshot b)
{
	return a.count == b.count && a.bytes == b.bytes && a.fds == b.fds;
}

/* For a failure's message only: snprintf may allocate. */
static inline const char *maps_describe(struct maps_snapshot s, char *buf, size_t n)
{
	snprintf(buf, n, "%zu mappings, %zu bytes, %zu W+X, %zu fds", s.count, s.bytes, s.wx,
	         s.fds);
	return buf;
}

#endif
