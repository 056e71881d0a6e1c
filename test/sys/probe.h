/* Ways to see what the kernel holds, independent of the code under test:
 * mincore for "is this mapped", /proc/self/maps for protections, a temp
 * file with known pages. Plus the suite runner every test file shares. */
#ifndef TEST_SYS_PROBE_H
#define TEST_SYS_PROBE_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <check.h>

#include "emulator.h"

static inline size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static inline void maps_perms(const void *p, char perms[5]);

/* mincore fails with ENOMEM on any hole in the range, and needs no vector
 * entry per page beyond what it can fill, so one page at a time. Under
 * qemu-user it fails on a PROT_NONE page too: there the maps have the last
 * word (emulator.h). */
static inline int page_mapped(const void *p)
{
	/* One entry, or one per host page under qemu (emulator.h): room for
	 * a 64 KiB page in 4 KiB pieces. */
	unsigned char v[16];
	char perms[5];

	if (mincore((void *)p, page_size(), v) == 0)
		return 1;
	ck_assert_int_eq(errno, ENOMEM);
	if (!emulator())
		return 0;
	maps_perms(p, perms);
	return perms[0] != 0;
}

/* How many of the pages in [p, p + n) are mapped. */
static inline size_t pages_mapped(const void *p, size_t n)
{
	size_t k = 0;

	for (size_t off = 0; off < n; off += page_size())
		k += (size_t)page_mapped((const char *)p + off);
	return k;
}

/* The "rwxp" field of the /proc/self/maps line holding p, or "" when no
 * line does. Read with plain read(2) so that probing maps nothing. */
static inline void maps_perms(const void *p, char perms[5])
{
	static char buf[1 << 18];
	size_t len = 0;
	ssize_t got;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	while ((got = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)got;
	close(fd);
	ck_assert_uint_lt(len, sizeof buf - 1);
	buf[len] = 0;
	perms[0] = 0;
	for (char *line = buf; *line; line = strchr(line, '\n') + 1) {
		unsigned long lo, hi;
		char rwxp[5];

		ck_assert_int_eq(sscanf(line, "%lx-%lx %4s", &lo, &hi, rwxp), 3);
		if ((uintptr_t)p >= lo && (uintptr_t)p < hi) {
			memcpy(perms, rwxp, 5);
			return;
		}
	}
}

/* A file of npages pages, page k filled with the byte 'a' + k, opened
 * again with open_flags and already unlinked. */
static inline int pages_file(size_t npages, int open_flags)
{
	char path[] = "/tmp/rtmem-sys-XXXXXX";
	int w = mkstemp(path);
	int fd;

	ck_assert_int_ge(w, 0);
	for (size_t k = 0; k < npages; k++) {
		char pg[65536];

		ck_assert_uint_le(page_size(), sizeof pg);
		memset(pg, 'a' + (int)k, page_size());
		ck_assert_int_eq(write(w, pg, page_size()), (ssize_t)page_size());
	}
	fd = open(path, open_flags | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	unlink(path);
	close(w);
	return fd;
}

static inline int run_suite(Suite *s)
{
	SRunner *r = srunner_create(s);
	int failed;

	srunner_run_all(r, CK_ENV);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
