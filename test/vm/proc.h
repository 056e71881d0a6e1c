/* What the kernel says about this process, independent of the code under
 * test: /proc/self/{maps,smaps,status,statm}, mincore, getrusage.
 *
 * Files are read with plain open/read into a static buffer, so looking
 * neither maps nor allocates: the figures stay those of the code under
 * test. Results that come from the buffer are valid until the next read. */
#ifndef TEST_VM_PROC_H
#define TEST_VM_PROC_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <check.h>

#include "emulator.h"
#include "heap_maps.h"

static inline size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static inline const char *proc_read(const char *path)
{
	static char buf[8 << 20];
	size_t len = 0;
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	ck_assert_msg(fd >= 0, "open %s: %d", path, errno);
	while ((got = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)got;
	close(fd);
	ck_assert_uint_lt(len, sizeof buf - 1);
	buf[len] = 0;
	return buf;
}

struct vma {
	uintptr_t lo, hi;
	char perms[5];
	char name[128]; /* "" for an unnamed anonymous mapping */
};

/* Copies the line at *s into line (cut to cap - 1 bytes, no newline) and
 * moves *s past it; 0 at the end of the text. sscanf on the copy: glibc's
 * sscanf measures its whole input first, which on the shared buffer would
 * make every parse cost the length of smaps. */
static inline int line_next(const char **s, char *line, size_t cap)
{
	const char *nl;
	size_t k;

	if (!**s)
		return 0;
	nl = strchr(*s, '\n');
	k = nl ? (size_t)(nl - *s) : strlen(*s);
	memcpy(line, *s, k < cap ? k : cap - 1);
	line[k < cap ? k : cap - 1] = 0;
	*s += nl ? k + 1 : k;
	return 1;
}

/* Parses a maps line (or an smaps header line); 0 if it is not one. */
static inline int vma_parse(const char *line, struct vma *v)
{
	unsigned long lo, hi;
	int name_at = -1;

	if (sscanf(line, "%lx-%lx %4s %*s %*s %*s %n", &lo, &hi, v->perms, &name_at) < 3)
		return 0;
	v->lo = lo;
	v->hi = hi;
	v->name[0] = 0;
	if (name_at > 0) {
		strncpy(v->name, line + name_at, sizeof v->name - 1);
		v->name[sizeof v->name - 1] = 0;
	}
	return 1;
}

static inline int vma_next(const char **s, struct vma *v)
{
	char line[512];

	if (!line_next(s, line, sizeof line))
		return 0;
	ck_assert_msg(vma_parse(line, v), "bad maps line: %s", line);
	return 1;
}

/* The maps line holding p; 0 when p is in no mapping. */
static inline int vma_at(const void *p, struct vma *out)
{
	const char *s = proc_read("/proc/self/maps");
	struct vma v;

	while (vma_next(&s, &v)) {
		if ((uintptr_t)p >= v.lo && (uintptr_t)p < v.hi) {
			*out = v;
			return 1;
		}
	}
	return 0;
}

/* The perms of the mapping holding p, "" when none does. */
static inline const char *perms_at(const void *p)
{
	static struct vma v;

	if (!vma_at(p, &v))
		v.perms[0] = 0;
	return v.perms;
}

/* Bytes mapped in the whole process; *lines gets the number of mappings
 * (a sanitizer's malloc range counts as one: heap_maps.h says why). */
static inline size_t maps_total(size_t *lines)
{
	struct maps_tally t = maps_tally_begin();
	const char *s = proc_read("/proc/self/maps");
	struct vma v;

	while (vma_next(&s, &v))
		maps_tally_line(&t, v.lo, v.hi);
	maps_tally_end(&t);
	if (lines)
		*lines = t.lines;
	return t.bytes;
}

/* Sum of an smaps field (kB) over the mappings that overlap [lo, hi). */
static inline size_t smaps_kb(const void *lo, const void *hi, const char *key)
{
	const char *s = proc_read("/proc/self/smaps");
	size_t keylen = strlen(key), sum = 0;
	char line[512];
	int inside = 0;
	struct vma v;

	while (line_next(&s, line, sizeof line)) {
		unsigned long kb;

		if (vma_parse(line, &v))
			inside = v.lo < (uintptr_t)hi && v.hi > (uintptr_t)lo;
		else if (inside && strncmp(line, key, keylen) == 0 && line[keylen] == ':' &&
		         sscanf(line + keylen + 1, "%lu", &kb) == 1)
			sum += kb;
	}
	return sum;
}

/* Whether the VmFlags line of the mapping holding p has the two-letter
 * flag ("hg" after MADV_HUGEPAGE, "nh" after MADV_NOHUGEPAGE). */
static inline int smaps_flag(const void *p, const char *flag)
{
	const char *s = proc_read("/proc/self/smaps");
	char line[512], want[8];
	int inside = 0;
	struct vma v;

	snprintf(want, sizeof want, " %.2s ", flag);
	while (line_next(&s, line, sizeof line)) {
		if (vma_parse(line, &v)) {
			inside = (uintptr_t)p >= v.lo && (uintptr_t)p < v.hi;
		} else if (inside && strncmp(line, "VmFlags:", 8) == 0) {
			strcat(line, " ");
			return strstr(line + 7, want) != NULL;
		}
	}
	ck_abort_msg("no mapping holds %p", p);
	return 0;
}

/* A "Key:   N kB" field of /proc/self/status. */
static inline long status_kb(const char *key)
{
	const char *s = strstr(proc_read("/proc/self/status"), key);
	long kb = -1;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(sscanf(s + strlen(key), ": %ld", &kb), 1);
	return kb;
}

/* Resident pages, from /proc/self/statm. */
static inline long statm_resident(void)
{
	long size, resident;

	ck_assert_int_eq(sscanf(proc_read("/proc/self/statm"), "%ld %ld", &size, &resident), 2);
	return resident;
}

static inline long minor_faults(void)
{
	struct rusage u;

	ck_assert_int_eq(getrusage(RUSAGE_SELF, &u), 0);
	return u.ru_minflt;
}

/* mincore fails with ENOMEM exactly when the page is not mapped; under
 * qemu-user also on a PROT_NONE page, so there the maps have the last word
 * (emulator.h). */
static inline int page_mapped(const void *p)
{
	/* One entry, or one per host page under qemu (emulator.h): room for
	 * a 64 KiB page in 4 KiB pieces. */
	unsigned char v[16];
	void *pg = (void *)((uintptr_t)p & ~(uintptr_t)(page_size() - 1));
	struct vma vma;

	if (mincore(pg, page_size(), v) == 0)
		return 1;
	ck_assert_int_eq(errno, ENOMEM);
	return emulator() ? vma_at(pg, &vma) : 0;
}

static inline size_t pages_mapped(const void *p, size_t n)
{
	size_t k = 0;

	for (size_t off = 0; off < n; off += page_size())
		k += (size_t)page_mapped((const char *)p + off);
	return k;
}

/* Whether transparent huge pages exist and are not switched off. */
static inline int thp_mode(char mode[16])
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	char line[128], *l, *r;

	mode[0] = 0;
	if (!f)
		return 0;
	l = fgets(line, sizeof line, f);
	fclose(f);
	if (!l || !(l = strchr(line, '[')) || !(r = strchr(l, ']')) || r - l - 1 >= 16)
		return 0;
	memcpy(mode, l + 1, (size_t)(r - l - 1));
	mode[r - l - 1] = 0;
	return strcmp(mode, "never") != 0;
}

/* Whether the kernel's overcommit policy is strict (vm.overcommit_memory
 * = 2), read as rtmem reads it (sys/linux/overcommit.c): then a decommit maps a
 * new range in place instead of keeping the mapping. An unreadable file
 * counts as strict there too. */
static inline int overcommit_strict(void)
{
	FILE *f = fopen("/proc/sys/vm/overcommit_memory", "r");
	int c = EOF;

	if (f) {
		c = fgetc(f);
		fclose(f);
	}
	return c != '0' && c != '1';
}

#endif
