/* What /proc/self/maps says: how many mappings and how many bytes. Read
 * with open/read into a static buffer, so taking a snapshot maps nothing
 * itself (stdio would malloc, and malloc may mmap). */
#ifndef RTM_TEST_MAPS_LINUX_H
#define RTM_TEST_MAPS_LINUX_H

#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "heap_maps.h" /* a sanitizer's malloc range counts as one mapping */

struct maps_snapshot {
	size_t count;
	size_t bytes;
};

static inline struct maps_snapshot maps_snapshot(void)
{
	static char buf[1 << 20];
	struct maps_snapshot s = { 0, 0 };
	struct maps_tally t = maps_tally_begin(); /* before the read: it may map */
	size_t len = 0;
	ssize_t r;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		abort();
	while ((r = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)r;
	close(fd);
	buf[len] = 0;
	for (char *line = buf; *line; ) {
		char *end;
		unsigned long lo = strtoul(line, &end, 16);
		unsigned long hi = strtoul(end + 1, &end, 16);
		maps_tally_line(&t, lo, hi);
		while (*end && *end != '\n')
			end++;
		line = *end ? end + 1 : end;
	}
	maps_tally_end(&t);
	s.count = t.lines;
	s.bytes = t.bytes;
	return s;
}

static inline int maps_equal(struct maps_snapshot a, struct maps_snapshot b)
{
	return a.count == b.count && a.bytes == b.bytes;
}

/* For a failure's message only: snprintf may allocate. */
static inline const char *maps_describe(struct maps_snapshot s, char *buf, size_t n)
{
	snprintf(buf, n, "%zu mappings, %zu bytes", s.count, s.bytes);
	return buf;
}

#endif
