/* Why the Go runtime has _cgo_mmap, shown with MemorySanitizer.
 *
 * MSan keeps one shadow byte per application byte and learns that memory
 * was (re)mapped only by intercepting libc's mmap. A range that held data
 * MSan considered uninitialized (stale shadow from the range's earlier
 * life) and is then unmapped and mapped again with raw system calls keeps
 * that shadow: the fresh zero pages look uninitialized, and the first
 * branch on them is a false report. With rtm_libc_hooks installed every
 * mapping goes through libc, MSan's interceptor clears the shadow, and
 * nothing is reported.
 *
 *   stale_shadow raw     no hooks: expects the shadow to stay poisoned and
 *                        a reader to die with MSan's report
 *   stale_shadow hooks   rtm_libc_hooks: expects clean shadow and a silent
 *                        reader (in a -Dhooks=false build the hooks are
 *                        never called, so it expects what "raw" expects)
 *
 * Each scenario is checked twice: __msan_test_shadow says what MSan
 * believes without crashing, and a forked child does what a program would
 * (reads the pages and branches on them) while the parent captures its
 * stderr. Output is TAP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sanitizer/msan_interface.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rtmem/libc_hooks.h>
#include <rtmem/vm.h>

#if !__has_feature(memory_sanitizer)
#error "build with -fsanitize=memory: this test is about MemorySanitizer's shadow"
#endif

#define PAGES 4

static int test_no;
static int failures;

static void tap(int ok, const char *what, const char *mode)
{
	printf("%s %d - %s (%s)\n", ok ? "ok" : "not ok", ++test_no, what, mode);
	if (!ok)
		failures++;
}

/* A forked child reads [p, p + n) and branches on every byte. The branch
 * leads to a call, so the compiler cannot turn it into a select (which MSan
 * does not check) at any optimization level. Returns the child's wait
 * status; its stderr, where MSan reports, is copied into report. */
static int child_reads(const unsigned char *p, size_t n, char *report, size_t cap)
{
	int fd[2], status = -1;
	size_t got = 0;
	ssize_t r;
	pid_t pid;

	report[0] = 0;
	if (pipe(fd) != 0)
		return -1;
	/* Whichever way the child ends, no buffered TAP line is written twice. */
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fd[1], 2);
		close(fd[0]);
		close(fd[1]);
		for (size_t i = 0; i < n; i++) {
			if (p[i] != 0) {
				static const char msg[] = "fresh page is not zero\n";
				(void)!write(2, msg, sizeof msg - 1);
				_exit(3);
			}
		}
		_exit(0);
	}
	close(fd[1]);
	/* Read to EOF even when the buffer is full, so the child never blocks
	 * on a full pipe while we wait for it. */
	for (;;) {
		char sink[512];
		char *dst = got + 1 < cap ? report + got : sink;
		size_t room = got + 1 < cap ? cap - 1 - got : sizeof sink;

		r = read(fd[0], dst, room);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (dst != sink) {
			got += (size_t)r;
			report[got] = 0;
		}
	}
	close(fd[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return status;
}

/* Checks what MSan believes about [p, p + n) and what a reader sees. */
static void expect(const char *scenario, unsigned char *p, size_t n, int stale, const char *mode)
{
	char what[160], report[8192];
	long off = (long)__msan_test_shadow(p, n);
	int status, reported, exited_clean;

	snprintf(what, sizeof what, "%s: shadow %s", scenario,
	         stale ? "still poisoned (stale)" : "clean (fresh zero pages)");
	tap(stale ? off == 0 : off == -1, what, mode);
	if ((stale && off != 0) || (!stale && off != -1))
		printf("# __msan_test_shadow returned %ld\n", off);

	status = child_reads(p, n, report, sizeof report);
	reported = strstr(report, "MemorySanitizer: use-of-uninitialized-value") != NULL;
	exited_clean = status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	snprintf(what, sizeof what, "%s: a reader %s", scenario,
	         stale ? "dies with MSan's use-of-uninitialized-value report"
	               : "runs with no report");
	tap(stale ? reported && !exited_clean : !reported && exited_clean && !report[0], what,
	    mode);
	if (report[0]) {
		/* The report's first lines are enough to see what happened. */
		char *line = report;
		for (int i = 0; i < 4 && *line; i++) {
			char *nl = strchr(line, '\n');
			if (nl)
				*nl = 0;
			printf("#   child stderr: %s\n", line);
			if (!nl)
				break;
			line = nl + 1;
		}
	}
}

/* The mmap layer: map, give the range a past life MSan saw as
 * uninitialized, unmap, and map again at the same address. */
static void remap_scenario(size_t n, int stale, const char *mode)
{
	const int prot = RTM_PROT_READ | RTM_PROT_WRITE;
	const int flags = RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS;
	rtm_mmap_result r = rtm_mmap(NULL, n, prot, flags, -1, 0), again;
	int err;

	tap(r.err == 0, "rtm_mmap: map a range", mode);
	if (r.err)
		return;
	memset(r.addr, 0xa5, n);
	/* What MSan's shadow holds after the range's earlier owner freed it
	 * or never initialized it. */
	__msan_poison(r.addr, n);
	err = rtm_munmap(r.addr, n);
	/* MAP_FIXED, not a hint: the point is the same address, and nothing
	 * else in this single-threaded process can have taken it meanwhile. */
	again = rtm_mmap(r.addr, n, prot, flags | RTM_MAP_FIXED, -1, 0);
	tap(err == 0 && again.err == 0 && again.addr == r.addr,
	    "rtm_munmap + rtm_mmap(MAP_FIXED): same address again", mode);
	if (err == 0 && again.err == 0 && again.addr == r.addr)
		expect("remap", r.addr, n, stale, mode);
	if (again.err == 0)
		rtm_munmap(again.addr, n);
}

/* The region lifecycle (Go: sysFault then sysMap): rtm_decommit remaps the
 * range PROT_NONE in place and rtm_commit makes it usable again; the
 * contents must read as zero pages. */
static void decommit_scenario(size_t n, int stale, const char *mode)
{
	rtm_mmap_result r = rtm_reserve(NULL, n, 0);
	int err = r.err ? r.err : rtm_commit(r.addr, n);

	tap(err == 0, "rtm_reserve + rtm_commit", mode);
	if (err) {
		if (!r.err)
			rtm_release(r.addr, n);
		return;
	}
	memset(r.addr, 0x5a, n);
	__msan_poison(r.addr, n);
	err = rtm_decommit(r.addr, n);
	if (!err)
		err = rtm_commit(r.addr, n);
	tap(err == 0, "rtm_decommit + rtm_commit", mode);
	if (!err)
		expect("decommit", r.addr, n, stale, mode);
	tap(rtm_release_ready(r.addr, n, n) == 0, "rtm_release_ready", mode);
}

int main(int argc, char **argv)
{
	const char *mode = argc == 2 ? argv[1] : "";
	size_t n = PAGES * rtm_page_size();
	int stale;

	if (strcmp(mode, "raw") == 0) {
		stale = 1;
	} else if (strcmp(mode, "hooks") == 0) {
		rtm_set_hooks(&rtm_libc_hooks);
		/* Compiled out, the table is stored but never called. */
		stale = !rtm_hooks_enabled();
	} else {
		fprintf(stderr, "usage: %s raw|hooks\n", argv[0]);
		return 2;
	}

	printf("1..10\n");
	if (strcmp(mode, "hooks") == 0 && stale)
		printf("# -Dhooks=false: rtm_libc_hooks is never called, MSan stays blind\n");
	remap_scenario(n, stale, mode);
	decommit_scenario(n, stale, mode);
	tap(rtm_vm_stats().reserved == 0 && rtm_vm_stats().committed == 0,
	    "rtm_vm_stats back to zero", mode);
	return failures != 0;
}
