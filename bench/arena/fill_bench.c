/* arena_fill: the cost of filling an arena with fresh memory, and of
 * filling it again after rtm_arena_reset.
 *
 * A fill is 1 GiB (--gib) in 1 MiB allocations (page aligned), one byte
 * written in every page, so every page is faulted in. Per arena: fill,
 * reset, fill again, destroy. The configurations:
 *
 *   4k        reserve sized for the whole fill (one block), 4 KiB pages
 *   huge      the same with RTM_ARENA_HUGEPAGES: 2 MiB-aligned block,
 *             MADV_HUGEPAGE, commit in 2 MiB steps
 *   default   no config: 64 MiB blocks, chained as the fill grows; reset
 *             gives every block but the first back to the OS
 *
 * The configurations run in rotating order, REPS times each (default 7).
 * The table shows medians of the time and minor page faults (getrusage
 * ru_minflt) of the first fill, the reset and the second fill; the first
 * fill's slowest time too (with THP defrag "madvise", a MADV_HUGEPAGE
 * fault may compact memory synchronously); and how much of the process
 * was backed by transparent huge pages after the first fill (AnonHugePages
 * in /proc/self/smaps_rollup). The second fill's faults should be 0
 * whenever the whole fill fits in the first block, which reset keeps
 * committed (retain 0).
 *
 * Usage: arena_fill [--gib G] [--reps R]
 */
#define _GNU_SOURCE 1 /* clock_gettime under -std=c11 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <rtmem/arena.h>

#define MIB ((size_t)1 << 20)

struct config {
	const char *name;
	int sized; /* reserve sized for the whole fill */
	unsigned flags;
};

static const struct config configs[] = {
	{ "4k", 1, 0 },
	{ "huge", 1, RTM_ARENA_HUGEPAGES },
	{ "default", 0, 0 },
};
#define NCONFIGS (sizeof configs / sizeof configs[0])

enum { FILL1_MS, FILL1_FLT, RESET_MS, RESET_FLT, FILL2_MS, FILL2_FLT, THP_MIB, NFIG };

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_minflt;
}

/* A one-line sysfs/proc file, or "(unavailable)". */
static void print_file(const char *label, const char *path)
{
	char line[256] = "(unavailable)";
	FILE *f = fopen(path, "r");

	if (f) {
		if (!fgets(line, sizeof line, f))
			strcpy(line, "(unreadable)");
		fclose(f);
	}
	line[strcspn(line, "\n")] = 0;
	printf("%-10s %s\n", label, line);
}

/* AnonHugePages of the whole process, MiB; -1 if unknown. */
static double anon_huge_mib(void)
{
	char line[256];
	double kb = -1;
	FILE *f = fopen("/proc/self/smaps_rollup", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "AnonHugePages: %lf kB", &kb) == 1)
			break;
	fclose(f);
	return kb < 0 ? -1 : kb / 1024;
}

static void fill(rtm_arena *a, size_t n, size_t page)
{
	for (size_t i = 0; i < n; i++) {
		char *p = rtm_arena_alloc(a, MIB, page);

		if (!p) {
			fprintf(stderr, "arena_fill: allocation %zu failed\n", i);
			exit(1);
		}
		for (size_t off = 0; off < MIB; off += page)
			*(volatile char *)(p + off) = 1;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	size_t gib = 1, reps = 7, page = (size_t)sysconf(_SC_PAGESIZE);
	double *fig;

	for (int i = 1; i < argc; i++) {
		if (i + 1 < argc && strcmp(argv[i], "--gib") == 0) {
			gib = strtoul(argv[++i], NULL, 10);
		} else if (i + 1 < argc && strcmp(argv[i], "--reps") == 0) {
			reps = strtoul(argv[++i], NULL, 10);
		} else {
			fprintf(stderr, "usage: arena_fill [--gib G] [--reps R]\n");
			return 2;
		}
	}
	if (!gib || !reps) {
		fprintf(stderr, "arena_fill: --gib and --reps must be positive\n");
		return 2;
	}
	fig = calloc(NCONFIGS * NFIG * reps, sizeof *fig);
	if (!fig)
		return 1;

	for (size_t r = 0; r < reps; r++) {
		for (size_t o = 0; o < NCONFIGS; o++) {
			size_t c = (r + o) % NCONFIGS;
			struct rtm_arena_config cfg = { 0 };
			double *f = fig + (c * NFIG) * reps + r, t, flt;
			rtm_arena *a;

			/* The fill, its first page of header and padding, and
			 * a huge page of slack. */
			cfg.reserve = gib * 1024 * MIB + 2 * MIB;
			cfg.flags = configs[c].flags;
			a = rtm_arena_create(configs[c].sized ? &cfg : NULL);
			if (!a) {
				fprintf(stderr, "arena_fill: rtm_arena_create (%s) failed\n",
				        configs[c].name);
				return 1;
			}
			t = now_ms();
			flt = minflt();
			fill(a, gib * 1024, page);
			f[FILL1_MS * reps] = now_ms() - t;
			f[FILL1_FLT * reps] = minflt() - flt;
			f[THP_MIB * reps] = anon_huge_mib();

			t = now_ms();
			flt = minflt();
			rtm_arena_reset(a);
			f[RESET_MS * reps] = now_ms() - t;
			f[RESET_FLT * reps] = minflt() - flt;

			t = now_ms();
			flt = minflt();
			fill(a, gib * 1024, page);
			f[FILL2_MS * reps] = now_ms() - t;
			f[FILL2_FLT * reps] = minflt() - flt;
			rtm_arena_destroy(a);
		}
	}

	printf("arena_fill: %zu GiB in 1 MiB allocations, one byte written per %zu-byte page; "
	       "fill, reset, fill again; median of %zu, configurations in rotating order\n",
	       gib, page, reps);
	print_file("THP", "/sys/kernel/mm/transparent_hugepage/enabled");
	print_file("defrag", "/sys/kernel/mm/transparent_hugepage/defrag");
	printf("\n%-8s  %30s  %18s  %21s  %10s\n", "", "---------- 1st fill ----------",
	       "----- reset -----", "----- 2nd fill -----", "THP MiB");
	printf("%-8s  %9s %8s %11s  %7s %10s  %9s %11s  %10s\n", "config", "ms", "max ms", "faults",
	       "ms", "faults", "ms", "faults", "1st fill");
	for (size_t c = 0; c < NCONFIGS; c++) {
		double m[NFIG];

		for (size_t k = 0; k < NFIG; k++)
			m[k] = median(fig + (c * NFIG + k) * reps, reps); /* sorts */
		printf("%-8s  %9.1f %8.1f %11.0f  %7.2f %10.0f  %9.1f %11.0f  %10.0f\n",
		       configs[c].name, m[FILL1_MS], fig[(c * NFIG + FILL1_MS) * reps + reps - 1],
		       m[FILL1_FLT], m[RESET_MS], m[RESET_FLT], m[FILL2_MS], m[FILL2_FLT],
		       m[THP_MIB]);
	}
	printf("\nTHP MiB: AnonHugePages of the process after the 1st fill "
	       "(-1: /proc/self/smaps_rollup unreadable)\n");
	free(fig);
	return 0;
}
