/* rtmem in a statically linked program that routes every mapping through
 * libc (rtm_libc_hooks). The musl build is where this matters: musl's
 * wrappers are not glibc's, and a static link resolves the hooks' mmap,
 * munmap, mprotect and madvise from libc.a. The program also builds with
 * glibc, where it checks the same contract.
 *
 * Every libc call the hooks make lands in a __wrap_* below (-Wl,--wrap from
 * meson.build), so each check can tell that the call went through libc and
 * not around it. Results as TAP on stdout; the exit status is 1 when any
 * check failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rtmem/arena.h>
#include <rtmem/libc_hooks.h>
#include <rtmem/vm.h>

#include "start_hooks.h"

#ifndef EXPECT_STATIC
#error "meson passes EXPECT_STATIC (1 when the program is linked -static)"
#endif

enum op { OP_MMAP, OP_MUNMAP, OP_MPROTECT, OP_MADVISE, OP_COUNT };
static atomic_long libc_calls[OP_COUNT];

void *__real_mmap(void *addr, size_t n, int prot, int flags, int fd, off_t off);
void *__wrap_mmap(void *addr, size_t n, int prot, int flags, int fd, off_t off);
int __real_munmap(void *addr, size_t n);
int __wrap_munmap(void *addr, size_t n);
int __real_mprotect(void *addr, size_t n, int prot);
int __wrap_mprotect(void *addr, size_t n, int prot);
int __real_madvise(void *addr, size_t n, int advice);
int __wrap_madvise(void *addr, size_t n, int advice);

void *__wrap_mmap(void *addr, size_t n, int prot, int flags, int fd, off_t off)
{
	atomic_fetch_add(&libc_calls[OP_MMAP], 1);
	return __real_mmap(addr, n, prot, flags, fd, off);
}

/* glibc's <sys/mman.h> turns mmap into mmap64 under _FILE_OFFSET_BITS=64,
 * which the hooks are built with; musl has no separate mmap64 to call
 * (1.2.4 dropped the symbol). */
#ifdef __GLIBC__
void *__real_mmap64(void *addr, size_t n, int prot, int flags, int fd, off64_t off);
void *__wrap_mmap64(void *addr, size_t n, int prot, int flags, int fd, off64_t off);

void *__wrap_mmap64(void *addr, size_t n, int prot, int flags, int fd, off64_t off)
{
	atomic_fetch_add(&libc_calls[OP_MMAP], 1);
	return __real_mmap64(addr, n, prot, flags, fd, off);
}
#endif

int __wrap_munmap(void *addr, size_t n)
{
	atomic_fetch_add(&libc_calls[OP_MUNMAP], 1);
	return __real_munmap(addr, n);
}

int __wrap_mprotect(void *addr, size_t n, int prot)
{
	atomic_fetch_add(&libc_calls[OP_MPROTECT], 1);
	return __real_mprotect(addr, n, prot);
}

int __wrap_madvise(void *addr, size_t n, int advice)
{
	atomic_fetch_add(&libc_calls[OP_MADVISE], 1);
	return __real_madvise(addr, n, advice);
}

static atomic_int checks, failures;

static pthread_mutex_t tap_lock = PTHREAD_MUTEX_INITIALIZER;

/* TAP numbers must be unique and in order even when the worker thread
 * checks too: the number and its line are taken under one lock. */
static int check(int ok, const char *what)
{
	int n;

	pthread_mutex_lock(&tap_lock);
	n = atomic_fetch_add(&checks, 1) + 1;
	if (!ok)
		atomic_fetch_add(&failures, 1);
	printf("%s %d - %s\n", ok ? "ok" : "not ok", n, what);
	fflush(stdout);
	pthread_mutex_unlock(&tap_lock);
	return ok;
}

static void check_eq(long got, long want, const char *what)
{
	if (!check(got == want, what))
		printf("#   got %ld, want %ld\n", got, want);
}

static long calls(enum op op)
{
	return atomic_load(&libc_calls[op]);
}

/* 1 in a build with hooks, 0 with -Dhooks=false: how many libc calls one
 * rtm_* call makes. */
static long per_call;

/* The permissions column of /proc/self/maps for the mapping holding p
 * ("rw-p", ...), or "none" when p is not mapped. Read with open/read into
 * static memory: fopen's malloc could map memory into the very hole a
 * check looks at. qemu-user emulates the file for its guest. */
static const char *perms_at(const void *p, char out[5])
{
	static char maps[1 << 16];
	size_t len = 0;
	ssize_t got;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return "(no /proc/self/maps)";
	while (len < sizeof maps - 1 && (got = read(fd, maps + len, sizeof maps - 1 - len)) > 0)
		len += (size_t)got;
	close(fd);
	if (len == sizeof maps - 1)
		return "(/proc/self/maps too long)";
	maps[len] = 0;

	strcpy(out, "none");
	for (char *line = maps; *line;) {
		char *nl = strchr(line, '\n');
		uintptr_t lo, hi;
		char perms[5];

		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %4s", &lo, &hi, perms) == 3 &&
		    lo <= (uintptr_t)p && (uintptr_t)p < hi) {
			memcpy(out, perms, 5);
			break;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	return out;
}

/* The x column is not compared: qemu-user shows some guests' readable
 * pages as executable. */
static int same_perms(const char *got, const char *want)
{
	if (strlen(got) != 4 || strlen(want) != 4)
		return strcmp(got, want) == 0;
	return got[0] == want[0] && got[1] == want[1] && got[3] == want[3];
}

static void check_perms(const void *p, const char *want, const char *what)
{
	char buf[5];
	const char *got = perms_at(p, buf);

	if (!check(same_perms(got, want), what))
		printf("#   got %s, want %s\n", got, want);
}

static int all_bytes(const unsigned char *p, size_t n, unsigned char v)
{
	for (size_t k = 0; k < n; k++) {
		if (p[k] != v)
			return 0;
	}
	return 1;
}

static void mapping_calls_go_through_libc(size_t page)
{
	const int rw = RTM_PROT_READ | RTM_PROT_WRITE;
	size_t n = 4 * page;
	long before = calls(OP_MMAP);
	rtm_mmap_result r;
	unsigned char *p;
	int saved;

	r = rtm_mmap(NULL, n, rw, RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS, -1, 0);
	check_eq(r.err, 0, "rtm_mmap of four anonymous pages succeeds");
	check_eq(calls(OP_MMAP) - before, per_call, "rtm_mmap made one libc mmap call");
	if (r.err)
		return;
	p = r.addr;
	check_eq((long)((uintptr_t)p % page), 0, "the mapping is page aligned");
	check_perms(p, "rw-p", "the mapping is private read/write");
	memset(p, 0x5a, n);
	check(all_bytes(p, n, 0x5a), "the mapping holds what was written");

	before = calls(OP_MPROTECT);
	check_eq(rtm_mprotect(p, page, RTM_PROT_READ), 0, "rtm_mprotect of the first page succeeds");
	check_eq(calls(OP_MPROTECT) - before, per_call, "rtm_mprotect made one libc mprotect call");
	check_perms(p, "r--p", "the first page is read-only");
	check_perms(p + page, "rw-p", "the second page is still read/write");

	/* rtm_mprotect's contract is the kernel's: an unaligned address is
	 * EINVAL and changes nothing. musl's mprotect rounds the address
	 * down instead, which would make the first page writable again. */
	check_eq(rtm_mprotect(p + 1, page, rw), RTM_EINVAL, "rtm_mprotect of an unaligned address is EINVAL");
	check_perms(p, "r--p", "a refused rtm_mprotect left the first page read-only");
	check_eq(rtm_mprotect(p, page, rw), 0, "rtm_mprotect restores read/write");

	before = calls(OP_MADVISE);
	check_eq(rtm_madvise(p, n, RTM_MADV_DONTNEED), 0, "rtm_madvise DONTNEED succeeds");
	check_eq(calls(OP_MADVISE) - before, per_call, "rtm_madvise made one libc madvise call");
	check(all_bytes(p, n, 0), "DONTNEED gave back zero pages");
	check_eq(rtm_madvise(p + 1, page, RTM_MADV_DONTNEED), RTM_EINVAL, "rtm_madvise of an unaligned address is EINVAL");

	before = calls(OP_MUNMAP);
	check_eq(rtm_munmap(p + 1, page), RTM_EINVAL, "rtm_munmap of an unaligned address is EINVAL");
	check_eq(calls(OP_MUNMAP) - before, per_call, "the refused rtm_munmap reached libc");
	check_perms(p, "rw-p", "a refused rtm_munmap left the mapping");

	/* errno is read straight after the call: stdio may set it. */
	errno = EDOM;
	r = rtm_mmap(NULL, page, rw, RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS, -1, 1);
	saved = errno;
	check_eq(r.err, RTM_EINVAL, "rtm_mmap at an unaligned offset is EINVAL");
	check(r.addr == NULL, "a failed rtm_mmap returns no address");
	check_eq(saved, EDOM, "errno is untouched by a failed call through libc");

	before = calls(OP_MUNMAP);
	check_eq(rtm_munmap(p, n), 0, "rtm_munmap of the whole mapping succeeds");
	check_eq(calls(OP_MUNMAP) - before, per_call, "rtm_munmap made one libc munmap call");
	check_perms(p, "none", "the mapping is gone");
	check_perms(p + 3 * page, "none", "its last page is gone too");
}

/* Blocks of 16 pages committed a page at a time: the allocations cross
 * commit steps and blocks whatever the page size. Each chunk links to the
 * one before, so the arena itself holds the list the check walks. */
struct chunk {
	struct chunk *prev;
	size_t k;
	unsigned char fill[80];
};

static const char *run_arena(size_t page, const char *name)
{
	struct rtm_arena_config cfg = { .reserve = 16 * page, .commit_step = page, .name = name };
	struct chunk *last = NULL;
	struct rtm_arena_stats st;
	struct rtm_arena_mark m;
	size_t count = 0;
	rtm_arena *a = rtm_arena_create(&cfg);
	unsigned char *big;

	if (!a)
		return "rtm_arena_create failed";
	while (count * sizeof(struct chunk) < 2 * cfg.reserve) {
		struct chunk *c = rtm_arena_alloc(a, sizeof *c, _Alignof(struct chunk));

		if (!c || (uintptr_t)c % _Alignof(struct chunk))
			return "rtm_arena_alloc failed or misaligned";
		c->prev = last;
		c->k = count;
		memset(c->fill, (int)(count & 0xff), sizeof c->fill);
		last = c;
		count++;
	}
	for (struct chunk *c = last; c; c = c->prev) {
		if (c->k != --count || !all_bytes(c->fill, sizeof c->fill, (unsigned char)(c->k & 0xff)))
			return "an arena allocation was overwritten";
	}
	if (count != 0)
		return "the chain of allocations is broken";
	if (rtm_arena_stats(a).blocks < 2)
		return "the arena did not chain a second block";

	m = rtm_arena_save(a);
	big = rtm_arena_alloc(a, 32 * page, page);
	if (!big)
		return "an allocation larger than a block failed";
	memset(big, 0xee, 32 * page);
	st = rtm_arena_stats(a);
	if (st.blocks < 3)
		return "the large allocation did not get a block of its own";
	rtm_arena_rewind(a, m);
	if (rtm_arena_stats(a).used >= st.used)
		return "rtm_arena_rewind gave nothing back";
	rtm_arena_reset(a);
	if (rtm_arena_stats(a).used != 0)
		return "rtm_arena_reset left memory in use";
	rtm_arena_destroy(a);
	return NULL;
}

static void arena_maps_through_libc(size_t page)
{
	struct rtm_vm_stats vm0 = rtm_vm_stats(), vm1;
	long mmaps = calls(OP_MMAP), munmaps = calls(OP_MUNMAP), mprotects = calls(OP_MPROTECT);
	const char *err = run_arena(page, "rtmem-static");

	check(err == NULL, "an arena allocates, chains blocks, rewinds and resets");
	if (err)
		printf("#   %s\n", err);
	vm1 = rtm_vm_stats();
	check_eq((long)vm1.reserved, (long)vm0.reserved, "rtm_arena_destroy gave back every reserved byte");
	check_eq((long)vm1.committed, (long)vm0.committed, "rtm_arena_destroy gave back every committed byte");
	check(per_call ? calls(OP_MMAP) - mmaps >= 3 : calls(OP_MMAP) == mmaps,
	      "each arena block was mapped through libc (none with hooks compiled out)");
	check(per_call ? calls(OP_MPROTECT) - mprotects >= 2 : calls(OP_MPROTECT) == mprotects,
	      "the arena committed through libc");
	check(per_call ? calls(OP_MUNMAP) - munmaps >= 3 : calls(OP_MUNMAP) == munmaps,
	      "the arena gave its blocks back through libc");
}

/* errno is thread-local: the hooks must save and restore the calling
 * thread's, and a second thread's arena must not need a lock. */
static void *worker(void *arg)
{
	size_t page = *(size_t *)arg;
	const char *err = run_arena(page, "rtmem-worker");
	int r, saved;

	check(err == NULL, "an arena works in a second thread");
	if (err)
		printf("#   %s\n", err);
	/* Never mapped and never page aligned: the kernel refuses it. */
	errno = ERANGE;
	r = rtm_munmap((void *)(uintptr_t)(page + 1), page);
	saved = errno;
	check_eq(r, RTM_EINVAL, "a refused call in the second thread is EINVAL");
	check_eq(saved, ERANGE, "the second thread's errno is untouched");
	return NULL;
}

int main(void)
{
	size_t page;
	pthread_t t;
	long before;
	rtm_mmap_result r;

	/* A static binary has no program interpreter, hence no AT_BASE. */
	check_eq((long)(getauxval(AT_BASE) == 0), EXPECT_STATIC, "linked statically as meson.build says");
	page = rtm_page_size();
	check_eq((long)page, sysconf(_SC_PAGESIZE), "rtm_page_size agrees with libc");

	/* NULL, or rtm_libc_hooks in an ASan build (start_hooks.h). */
	check(rtm_set_hooks(&rtm_libc_hooks) == START_HOOKS, "the start table was installed before");
	check(rtm_get_hooks() == &rtm_libc_hooks, "rtm_libc_hooks is installed");
	per_call = rtm_hooks_enabled();

	mapping_calls_go_through_libc(page);
	arena_maps_through_libc(page);
	check_eq(pthread_create(&t, NULL, worker, &page), 0, "a second thread starts");
	check_eq(pthread_join(t, NULL), 0, "the second thread ends");

	check(rtm_set_hooks(NULL) == &rtm_libc_hooks, "uninstalling returns rtm_libc_hooks");
	before = calls(OP_MMAP);
	r = rtm_mmap(NULL, page, RTM_PROT_READ, RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS, -1, 0);
	check_eq(r.err, 0, "rtm_mmap works with no hooks");
	check_eq(calls(OP_MMAP) - before, 0, "with no hooks rtm_mmap bypasses libc");
	if (!r.err)
		check_eq(rtm_munmap(r.addr, page), 0, "rtm_munmap works with no hooks");

	printf("1..%d\n", atomic_load(&checks));
	return atomic_load(&failures) ? 1 : 0;
}
