/* The state a call with bad input must leave as it was: rtmem's region
 * counters (rtm_vm_stats) and what the kernel has mapped (the lines of
 * /proc/self/maps and their bytes).
 *
 * Take one snapshot right before the call under test and one right after,
 * with no Check assertion in between, and compare them afterwards. Check
 * mallocs for every assertion, even one that passes, and musl's malloc
 * maps and unmaps pages as it goes: a snapshot pair around an assertion
 * would measure the test, not the call. For the same reason a snapshot
 * makes no Check call and no allocation: plain open/read into a static
 * buffer, parsed with strtoul (the idea of test/fault/maps.h).
 *
 * Windows has no /proc: state_windows.h takes the same snapshot from
 * VirtualQuery, under the same rules. */
#ifndef TEST_BADINPUT_STATE_H
#define TEST_BADINPUT_STATE_H

#if defined(_WIN32)
#include "state_windows.h"
#else

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <rtmem/vm.h>

#include "heap_maps.h" /* a sanitizer's malloc range counts as one line */

struct state {
	struct rtm_vm_stats vm;
	size_t maps_bytes, maps_lines;
};

/* /proc/self/maps, NUL-terminated, in a buffer reused by every call. */
static inline const char *state_maps_text(void)
{
	static char buf[1 << 20];
	size_t len = 0;
	ssize_t got;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		abort();
	while ((got = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)got;
	close(fd);
	if (len >= sizeof buf - 1)
		abort(); /* cut short: the figures would be wrong */
	buf[len] = 0;
	return buf;
}

static inline struct state state_now(void)
{
	struct maps_tally t = maps_tally_begin(); /* before the read: it may map */
	const char *line = state_maps_text();
	struct state s;

	s.vm = rtm_vm_stats();
	while (*line) {
		char *end;
		unsigned long lo = strtoul(line, &end, 16);
		unsigned long hi = strtoul(end + 1, &end, 16);

		maps_tally_line(&t, lo, hi);
		line = strchr(end, '\n');
		line = line ? line + 1 : end + strlen(end);
	}
	maps_tally_end(&t);
	s.maps_bytes = t.bytes;
	s.maps_lines = t.lines;
	return s;
}

/* Copies the name field of the maps line that holds p into name ("" for
 * an unnamed mapping); 0 when no line holds p. Same rules as state_now:
 * callable between two snapshots. */
static inline int state_name_at(const void *p, char name[128])
{
	const char *line = state_maps_text();

	name[0] = 0;
	while (*line) {
		char *end;
		unsigned long lo = strtoul(line, &end, 16);
		unsigned long hi = strtoul(end + 1, &end, 16);
		const char *eol = strchr(end, '\n'), *f = end;
		size_t k;

		eol = eol ? eol : end + strlen(end);
		if ((uintptr_t)p >= lo && (uintptr_t)p < hi) {
			/* perms, offset, device, inode, then the name if any. */
			for (int field = 0; field < 4 && f < eol; field++) {
				while (f < eol && *f == ' ')
					f++;
				while (f < eol && *f != ' ')
					f++;
			}
			while (f < eol && *f == ' ')
				f++;
			k = (size_t)(eol - f) < 127 ? (size_t)(eol - f) : 127;
			memcpy(name, f, k);
			name[k] = 0;
			return 1;
		}
		line = *eol ? eol + 1 : eol;
	}
	return 0;
}

#define ASSERT_STATE_EQ(now, before)                                                       \
	do {                                                                               \
		struct state n_ = (now), b_ = (before);                                    \
		ck_assert_msg(n_.vm.reserved == b_.vm.reserved &&                          \
		                      n_.vm.committed == b_.vm.committed,                  \
		              "rtm_vm_stats moved: reserved %zu -> %zu, committed %zu -> %zu", \
		              b_.vm.reserved, n_.vm.reserved, b_.vm.committed,             \
		              n_.vm.committed);                                            \
		ck_assert_msg(n_.maps_bytes == b_.maps_bytes &&                            \
		                      n_.maps_lines == b_.maps_lines,                      \
		              "/proc/self/maps moved: %zu -> %zu bytes, %zu -> %zu lines", \
		              b_.maps_bytes, n_.maps_bytes, b_.maps_lines, n_.maps_lines); \
	} while (0)

#endif /* !_WIN32 */

#endif
