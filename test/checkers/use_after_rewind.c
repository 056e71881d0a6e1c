/* A use after rewind or reset is reported by the build's memory checker.
 *
 * The arena poisons what it takes back (mem/poison.h): under
 * AddressSanitizer, and under Valgrind memcheck in a -Dvalgrind=enabled
 * build. This program proves the reports happen. It runs a child of
 * itself that touches arena memory after rtm_arena_rewind or
 * rtm_arena_reset and asserts that the checker named the access and the
 * address the child printed; it runs a control child that touches only
 * live memory after the same rewind and asserts no report at all, so a
 * checker that reports everything fails too.
 *
 *   use_after_rewind asan CASE                  the child runs directly
 *   use_after_rewind valgrind PATH CASE         the child runs under PATH
 *   use_after_rewind skip REASON                TAP skip (no checker here)
 *   use_after_rewind child CASE OP              the child itself
 *
 * CASE is rewind or reset; OP is write, read or control. Results as TAP. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rtmem/arena.h>

/* memcheck's exit status when it reported anything: not one the child or
 * ASan would use. */
#define VALGRIND_ERROR_EXIT 42

/* --- the child ------------------------------------------------------- */

/* Through a volatile pointer, so the compiler keeps every access. */
static int child(const char *what, const char *op)
{
	rtm_arena *a = rtm_arena_create(NULL);
	volatile unsigned char *keep, *p, *q;
	struct rtm_arena_mark m;
	int rewind = strcmp(what, "rewind") == 0;

	if (!a || (!rewind && strcmp(what, "reset") != 0))
		return 2;
	keep = rtm_arena_alloc(a, 32, 8); /* before the mark: stays live on rewind */
	m = rtm_arena_save(a);
	p = rtm_arena_alloc(a, 64, 8);
	if (!keep || !p)
		return 2;
	keep[0] = 1;
	p[8] = 2; /* live: no report */
	if (rewind)
		rtm_arena_rewind(a, m);
	else
		rtm_arena_reset(a);

	if (strcmp(op, "control") == 0) {
		/* What the arena hands out again is live again, and so is
		 * what lies before a mark. */
		q = rtm_arena_alloc(a, 64, 8);
		if (!q)
			return 2;
		q[8] = 3;
		if (rewind)
			keep[0] = 4;
		if (q == (rewind ? p : keep))
			fprintf(stderr, "control: the memory taken back is handed out again\n");
	} else if (strcmp(op, "write") == 0) {
		fprintf(stderr, "misuse: write at %p\n", (void *)(p + 8));
		p[8] = 5;
	} else if (strcmp(op, "read") == 0) {
		fprintf(stderr, "misuse: read at %p\n", (void *)(p + 8));
		(void)p[8];
	} else {
		return 2;
	}
	fprintf(stderr, "child: done\n");
	rtm_arena_destroy(a);
	return 0;
}

/* --- the driver -------------------------------------------------------- */

static int tests, failures;

static void tap(int ok, const char *checker, const char *what, const char *claim)
{
	tests++;
	failures += !ok;
	printf("%s %d - %s: %s %s\n", ok ? "ok" : "not ok", tests, checker, claim, what);
	fflush(stdout);
}

/* Runs argv with stdout and stderr into out; the wait status, or -1. */
static int run(char *const argv[], char *out, size_t cap)
{
	int fds[2], status;
	size_t len = 0;
	pid_t pid;

	fflush(stdout);
	if (pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		char sink[4096];
		ssize_t got = read(fds[0], len < cap - 1 ? out + len : sink,
		                   len < cap - 1 ? cap - 1 - len : sizeof sink);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (len < cap - 1)
			len += (size_t)got;
	}
	out[len] = 0;
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

/* The address the child printed after "misuse: <op> at ". */
static int misuse_addr(const char *out, char *addr, size_t cap)
{
	const char *s = strstr(out, "misuse: ");
	const char *at = s ? strstr(s, " at ") : NULL;
	size_t k = 0;

	if (!at)
		return 0;
	for (at += 4; at[k] && at[k] != '\n' && k < cap - 1; k++)
		addr[k] = at[k];
	addr[k] = 0;
	return k > 2;
}

/* Whether the checker's report holds `line` followed, later on, by the
 * address (memcheck prints hex digits in either case). */
static int reported(const char *out, const char *line, const char *addr)
{
	const char *s = strstr(out, line);
	size_t n = strlen(addr);

	if (!s)
		return 0;
	for (; *s; s++)
		if (strncasecmp(s, addr, n) == 0)
			return 1;
	return 0;
}

static void show(const char *out)
{
	for (const char *s = out; *s;) {
		const char *nl = strchr(s, '\n');
		int len = nl ? (int)(nl - s) : (int)strlen(s);

		printf("#   %.*s\n", len, s);
		s += nl ? len + 1 : len;
	}
}

int main(int argc, char **argv)
{
	static char out[1 << 16];
	char self[4096], addr[64], opt[64];
	const char *checker, *what;
	int valgrind;
	ssize_t n;

	if (argc == 4 && strcmp(argv[1], "child") == 0)
		return child(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "skip") == 0) {
		printf("1..0 # SKIP %s\n", argv[2]);
		return 0;
	}
	valgrind = argc == 4 && strcmp(argv[1], "valgrind") == 0;
	if (!valgrind && !(argc == 3 && strcmp(argv[1], "asan") == 0)) {
		fprintf(stderr, "usage: %s asan CASE | valgrind PATH CASE | skip REASON\n", argv[0]);
		return 2;
	}
	checker = valgrind ? "memcheck" : "ASan";
	what = argv[argc - 1];

	/* Valgrind reads /proc/self/exe as its own: resolve ours first. */
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return 2;
	self[n] = 0;
	snprintf(opt, sizeof opt, "--error-exitcode=%d", VALGRIND_ERROR_EXIT);

	printf("1..3\n");
	for (int k = 0; k < 3; k++) {
		static const char *const ops[] = { "write", "read", "control" };
		const char *op = ops[k];
		char *vg[] = { argv[2], opt, "--leak-check=no", self, "child", (char *)what,
			       (char *)op, NULL };
		char *direct[] = { self, "child", (char *)what, (char *)op, NULL };
		int st = run(valgrind ? vg : direct, out, sizeof out);
		int exited = st != -1 && WIFEXITED(st);
		int code = exited ? WEXITSTATUS(st) : -1;
		int ok;

		if (k == 2) {
			/* The control: clean exit, no report of any kind. */
			ok = exited && code == 0 && strstr(out, "child: done") &&
			     strstr(out, "control: the memory taken back is handed out again") &&
			     !strstr(out, "AddressSanitizer") && !strstr(out, "Invalid ");
			tap(ok, checker, what, "reports nothing when live memory is used again after");
			if (!ok) {
				printf("#   exit status %d, output:\n", code);
				show(out);
			}
			continue;
		}
		ok = misuse_addr(out, addr, sizeof addr);
		if (valgrind) {
			const char *line = k == 0 ? "Invalid write of size 1" : "Invalid read of size 1";
			/* memcheck reports and lets the child go on. */
			ok = ok && exited && code == VALGRIND_ERROR_EXIT && reported(out, line, addr) &&
			     strstr(out, "child: done");
		} else {
			const char *line = k == 0 ? "WRITE of size 1 at " : "READ of size 1 at ";
			/* ASan stops the child at its first report. */
			ok = ok && st != -1 && !(exited && code == 0) &&
			     reported(out, "ERROR: AddressSanitizer: use-after-poison on address ",
			              addr) &&
			     reported(out, line, addr) && !strstr(out, "child: done");
		}
		tap(ok, checker, what, k == 0 ? "reports a write after" : "reports a read after");
		if (!ok) {
			printf("#   exit status %d, output:\n", code);
			show(out);
		}
	}
	return failures ? 1 : 0;
}
