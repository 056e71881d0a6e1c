/* TAP output through the raw write system call: one write per line, so a
 * crash never leaves half a line for the harness to misread. */
#include <rtmem/errno.h>
#include <rtmem/syscall.h>

#include "selftest.h"

static int tap_run, tap_failed;

struct line {
	char buf[256];
	size_t len;
};

static void put(struct line *l, const char *s)
{
	while (*s && l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = *s++;
}

/* Without division: 32-bit arm has no divide instruction, and gcc at -Os
 * would call libgcc's __aeabi_uidivmod, which this program does not link. */
static void put_num(struct line *l, long v)
{
	unsigned long pow[20]; /* 10^0 .. 10^19, as many as fit */
	int k = 0;
	/* Negated as unsigned: -LONG_MIN does not fit in a long. */
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;

	pow[0] = 1;
	while (k < 19 && pow[k] <= u && pow[k] <= (unsigned long)-1 / 10) {
		pow[k + 1] = pow[k] * 10;
		k++;
	}
	if (v < 0)
		put(l, "-");
	/* pow[k] is the first power above u, unless u needed them all. */
	if (k > 0 && pow[k] > u)
		k--;
	for (; k >= 0 && l->len < sizeof(l->buf) - 1; k--) {
		char digit = '0';
		while (u >= pow[k]) {
			u -= pow[k];
			digit++;
		}
		l->buf[l->len++] = digit;
	}
}

/* The buffer always keeps room for the newline. */
static void emit(struct line *l)
{
	const char *p = l->buf;
	size_t n;

	l->buf[l->len++] = '\n';
	n = l->len;
	while (n > 0) {
		long r = rtm_syscall3(RTM_NR_write, 1, (long)p, (long)n);
		if (r == -RTM_EINTR)
			continue;
		if (RTM_SYSCALL_FAILED(r) || r == 0)
			return;
		p += r;
		n -= (size_t)r;
	}
}

static void result(int ok, const char *name, const char *skip)
{
	struct line l;

	l.len = 0;

	tap_run++;
	if (!ok)
		tap_failed++;
	put(&l, ok ? "ok " : "not ok ");
	put_num(&l, tap_run);
	put(&l, " - ");
	put(&l, name);
	if (skip) {
		put(&l, " # SKIP ");
		put(&l, skip);
	}
	emit(&l);
}

int tap_ok(int cond, const char *name)
{
	result(cond, name, 0);
	return cond;
}

int tap_eq(long got, long want, const char *name)
{
	struct line l;

	l.len = 0;

	result(got == want, name, 0);
	if (got != want) {
		put(&l, "#   got ");
		put_num(&l, got);
		put(&l, ", want ");
		put_num(&l, want);
		emit(&l);
	}
	return got == want;
}

void tap_skip(const char *name, const char *reason)
{
	result(1, name, reason);
}

void tap_diag(const char *text)
{
	struct line l;

	l.len = 0;

	put(&l, "# ");
	put(&l, text);
	emit(&l);
}

int tap_finish(void)
{
	struct line l;

	l.len = 0;

	put(&l, "1..");
	put_num(&l, tap_run);
	emit(&l);
	return tap_failed ? 1 : 0;
}
