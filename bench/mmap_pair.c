/* mmap_pair: what one mmap+munmap pair costs through each layer.
 *
 * A pair is: map one anonymous private page PROT_READ|PROT_WRITE at no
 * hint, then unmap it. The variants:
 *
 *   libc   libc's mmap / munmap (through the PLT, as a program calls them)
 *   sys    rtm_sys_mmap / rtm_sys_munmap (raw system calls)
 *   rtm    rtm_mmap / rtm_munmap with no hook table installed
 *   hook   rtm_mmap / rtm_munmap with a table whose hooks delegate to
 *          rtm_sys_*: the price of an installed hook
 *   none   the same loop with no call at all (count mode only): the
 *          harness's own instructions, to subtract
 *
 * Default mode: ROUNDS rounds of PAIRS pairs per variant; inside a round the
 * variants run in an order that rotates from round to round, so drift in
 * the machine's speed falls on every variant alike. Prints each variant's
 * median ns/pair and the median, over rounds, of its ratio to libc in the
 * same round.
 *
 * Count mode (--count N --variant V): N pairs of one variant and nothing
 * else, for valgrind --tool=callgrind (see callgrind_mmap.py).
 *
 * Usage: mmap_pair [--rounds R] [--pairs P]
 *        mmap_pair --count N --variant libc|sys|rtm|hook|none
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, clock_gettime under -std=c11 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <rtmem/sys.h>

#define PAGE 4096

static void die(const char *what, int err)
{
	fprintf(stderr, "mmap_pair: %s failed: %s\n", what, strerror(err));
	exit(1);
}

/* The delegating hook table of the "hook" variant. */
static rtm_mmap_result hook_mmap(void *ctx, void *addr, size_t n, int prot, int flags, int fd,
                                 uint64_t off)
{
	(void)ctx;
	return rtm_sys_mmap(addr, n, prot, flags, fd, off);
}

static int hook_munmap(void *ctx, void *addr, size_t n)
{
	(void)ctx;
	return rtm_sys_munmap(addr, n);
}

static const struct rtm_hooks delegate_hooks = {
	.mmap = hook_mmap,
	.munmap = hook_munmap,
};

/* One loop per variant, all of the same shape: map, check, unmap, check.
 * noinline keeps each loop a separate function that callgrind can name. */
__attribute__((noinline)) static void run_libc(long pairs)
{
	for (long i = 0; i < pairs; i++) {
		void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap", errno);
		if (munmap(p, PAGE) != 0)
			die("munmap", errno);
	}
}

__attribute__((noinline)) static void run_sys(long pairs)
{
	for (long i = 0; i < pairs; i++) {
		rtm_mmap_result m = rtm_sys_mmap(NULL, PAGE, RTM_PROT_READ | RTM_PROT_WRITE,
		                                 RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS, -1, 0);
		int err;
		if (m.err)
			die("rtm_sys_mmap", m.err);
		if ((err = rtm_sys_munmap(m.addr, PAGE)) != 0)
			die("rtm_sys_munmap", err);
	}
}

/* Shared by "rtm" and "hook": which one it is depends on the table
 * installed around the call. */
__attribute__((noinline)) static void run_rtm(long pairs)
{
	for (long i = 0; i < pairs; i++) {
		rtm_mmap_result m = rtm_mmap(NULL, PAGE, RTM_PROT_READ | RTM_PROT_WRITE,
		                             RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS, -1, 0);
		int err;
		if (m.err)
			die("rtm_mmap", m.err);
		if ((err = rtm_munmap(m.addr, PAGE)) != 0)
			die("rtm_munmap", err);
	}
}

__attribute__((noinline)) static void run_none(long pairs)
{
	for (long i = 0; i < pairs; i++)
		__asm__ __volatile__("" ::: "memory");
}

static void run_hook(long pairs)
{
	rtm_set_hooks(&delegate_hooks);
	run_rtm(pairs);
	rtm_set_hooks(NULL);
}

static void run_rtm_nohook(long pairs)
{
	run_rtm(pairs);
}

struct variant {
	const char *name;
	void (*run)(long pairs);
};

static const struct variant variants[] = {
	{ "libc", run_libc },
	{ "sys", run_sys },
	{ "rtm", run_rtm_nohook },
	{ "hook", run_hook },
	{ "none", run_none },
};
#define NTIMED 4 /* the first four are timed; "none" is for callgrind */

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static long parse_long(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == 0 || *end != 0 || v <= 0) {
		fprintf(stderr, "mmap_pair: not a positive number: %s\n", s);
		exit(2);
	}
	return v;
}

static void usage(void)
{
	fprintf(stderr, "usage: mmap_pair [--rounds R] [--pairs P]\n"
	                "       mmap_pair --count N --variant libc|sys|rtm|hook|none\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long rounds = 31, pairs = 20000, count = 0;
	const char *vname = NULL;

	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--rounds"))
			rounds = parse_long(argv[++i]);
		else if (!strcmp(argv[i], "--pairs"))
			pairs = parse_long(argv[++i]);
		else if (!strcmp(argv[i], "--count"))
			count = parse_long(argv[++i]);
		else if (!strcmp(argv[i], "--variant"))
			vname = argv[++i];
		else
			usage();
	}

	if (count || vname) {
		if (!count || !vname)
			usage();
		for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
			if (!strcmp(vname, variants[v].name)) {
				variants[v].run(count);
				return 0;
			}
		}
		usage();
	}

	double *ns = malloc(sizeof(double) * (size_t)(rounds * NTIMED));
	double *ratio = malloc(sizeof(double) * (size_t)(rounds * NTIMED));
	if (!ns || !ratio)
		die("malloc", ENOMEM);

	/* One untimed round: page tables, the PLT, the caches. */
	for (int v = 0; v < NTIMED; v++)
		variants[v].run(pairs);

	for (long r = 0; r < rounds; r++) {
		for (int k = 0; k < NTIMED; k++) {
			int v = (int)((r + k) % NTIMED);
			double t0 = now_ns();
			variants[v].run(pairs);
			ns[v * rounds + r] = (now_ns() - t0) / (double)pairs;
		}
		for (int v = 0; v < NTIMED; v++)
			ratio[v * rounds + r] = ns[v * rounds + r] / ns[0 * rounds + r];
	}

	printf("mmap+munmap pair, one page: %ld rounds x %ld pairs, rotating order, %s\n", rounds,
	       pairs, rtm_hooks_enabled() ? "hooks on" : "hooks compiled out");
	printf("%-6s %14s %14s %16s\n", "", "median ns/pair", "min ns/pair", "ratio to libc");
	for (int v = 0; v < NTIMED; v++) {
		double *row = ns + v * rounds;
		double med = median(row, (int)rounds); /* sorts row: min is row[0] */
		printf("%-6s %14.1f %14.1f %16.3f\n", variants[v].name, med, row[0],
		       median(ratio + v * rounds, (int)rounds));
	}
	free(ns);
	free(ratio);
	return 0;
}
