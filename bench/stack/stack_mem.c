/* stack_mem: what the stack pool costs in page faults, OS calls and
 * resident memory (issue 11), counted, not timed.
 *
 *   faults   getrusage's ru_minflt over N cycles after one warm-up
 *            cycle, per cycle: the pool (acquire, touch 8 KiB, release;
 *            and touching 64 KiB, past keep_resident), mmap + mprotect +
 *            munmap and a pthread on glibc's cached stack, for contrast
 *   calls    every OS call the pool makes, counted by a hook table
 *            (<rtmem/sys.h>) that passes each call on: per call of
 *            create, the first acquire (a new chunk), a fresh slot's
 *            acquire, N cached acquires and N releases, and destroy
 *   rss      1,000 stacks of 1 MiB acquired (RSS read: the baseline),
 *            each written on every page, all released: the process's
 *            RSS (/proc/self/statm) over the baseline, and the stacks'
 *            resident bytes summed by mincore, beside the bound
 *            1,000 x keep_resident x 1.05
 *
 * Usage: stack_mem [--cycles N] [--stacks S]
 */
#define _GNU_SOURCE 1 /* MAP_ANONYMOUS, mincore under -std=c11 */

#include <pthread.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include <rtmem/stack.h>
#include <rtmem/sys.h>

#include "count_hooks.h"
#include "stack_bench.h"

#define WHO "stack_mem"

static long minor_faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* ---- faults ---- */

static void pool_cycle(rtm_stack_pool *p, size_t depth)
{
	struct rtm_stack s;
	int err = rtm_stack_acquire(p, &s);

	if (err)
		die(WHO, "rtm_stack_acquire", err);
	touch_use(s.sp, depth);
	if ((err = rtm_stack_release(p, &s)))
		die(WHO, "rtm_stack_release", err);
}

static void mmap_cycle(size_t depth)
{
	size_t guard = page_size(), len = guard + STACK_SIZE;
	char *base = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *lo;

	if (base == MAP_FAILED)
		die(WHO, "mmap", errno);
	lo = STACK_GROWS_UP ? base : base + guard;
	if (mprotect(lo, STACK_SIZE, PROT_READ | PROT_WRITE))
		die(WHO, "mprotect", errno);
	touch_use(stack_start(lo), depth);
	if (munmap(base, len))
		die(WHO, "munmap", errno);
}

static pthread_attr_t thread_attr;

static void *thread_touch(void *arg)
{
	volatile char frame[STACK_TOUCH];

	for (size_t i = 0; i < sizeof frame; i += 64)
		frame[i] = 1;
	return arg;
}

static void pthread_cycle(void)
{
	pthread_t t;
	int err = pthread_create(&t, &thread_attr, thread_touch, NULL);

	if (err)
		die(WHO, "pthread_create", err);
	if ((err = pthread_join(t, NULL)))
		die(WHO, "pthread_join", err);
}

enum kind { POOL, POOL_DEEP, MMAP, PTHREAD };

static void cycle(enum kind k, rtm_stack_pool *p)
{
	switch (k) {
	case POOL: pool_cycle(p, STACK_TOUCH); break;
	case POOL_DEEP: pool_cycle(p, 64 * KiB); break;
	case MMAP: mmap_cycle(STACK_TOUCH); break;
	case PTHREAD: pthread_cycle(); break;
	}
}

static void faults(long cycles)
{
	static const char *const names[] = {
		"pool, touch 8 KiB", "pool, touch 64 KiB", "mmap, touch 8 KiB",
		"pthread, touch 8 KiB",
	};
	struct rtm_stack_config cfg = { STACK_SIZE, 0, 0, 0, 0, NULL };
	rtm_stack_pool *p = rtm_stack_pool_create(&cfg);
	int err;

	if (!p)
		die(WHO, "rtm_stack_pool_create", ENOMEM);
	if ((err = pthread_attr_init(&thread_attr)) ||
	    (err = pthread_attr_setstacksize(&thread_attr, STACK_SIZE)))
		die(WHO, "pthread_attr_setstacksize", err);
	printf("page faults per cycle (getrusage ru_minflt over %ld cycles after a warm-up "
	       "cycle; keep_resident %zu KiB)\n", cycles, stack_keep() / KiB);
	for (enum kind k = POOL; k <= PTHREAD; k++) {
		long before;

		cycle(k, p);
		before = minor_faults();
		for (long i = 0; i < cycles; i++)
			cycle(k, p);
		printf("  %-22s %8.2f\n", names[k], (double)(minor_faults() - before) / (double)cycles);
	}
	rtm_stack_pool_destroy(p);
}

/* ---- OS calls, through bench/common's counting hook table ---- */

/* c: the calls of `per` calls of one kind. */
static void calls_print(const char *what, const unsigned long *c, long per)
{
	unsigned long total = c[OP_MMAP] + c[OP_MUNMAP] + c[OP_MPROTECT] + c[OP_MADVISE];

	printf("  %-20s %6.2f  (mmap %lu, munmap %lu, mprotect %lu, madvise %lu over %ld)\n",
	       what, (double)total / (double)per, c[OP_MMAP], c[OP_MUNMAP], c[OP_MPROTECT],
	       c[OP_MADVISE], per);
}

/* The calls fn(p, s) makes, added to sum. */
static int counted(int (*fn)(rtm_stack_pool *, struct rtm_stack *), rtm_stack_pool *p,
                   struct rtm_stack *s, unsigned long *sum)
{
	unsigned long before[NOPS];
	int err;

	memcpy(before, calls, sizeof before);
	err = fn(p, s);
	for (int i = 0; i < NOPS; i++)
		sum[i] += calls[i] - before[i];
	return err;
}

static int release(rtm_stack_pool *p, struct rtm_stack *s)
{
	return rtm_stack_release(p, s);
}

static void os_calls(long cycles)
{
	struct rtm_stack_config cfg = { STACK_SIZE, 0, 0, 0, 0, NULL };
	unsigned long create[NOPS] = { 0 }, first[NOPS] = { 0 }, fresh[NOPS] = { 0 };
	unsigned long acq[NOPS] = { 0 }, rel[NOPS] = { 0 }, destroy[NOPS] = { 0 };
	struct rtm_stack a, b;
	rtm_stack_pool *p;
	int err;

	if (!rtm_hooks_enabled()) {
		printf("OS calls: not counted (built with -Dhooks=false)\n");
		return;
	}
	rtm_set_hooks(&counting);
	p = rtm_stack_pool_create(&cfg);
	memcpy(create, calls, sizeof create);
	if (!p)
		die(WHO, "rtm_stack_pool_create", ENOMEM);
	if ((err = counted(rtm_stack_acquire, p, &a, first)) ||
	    (err = counted(rtm_stack_acquire, p, &b, fresh)))
		die(WHO, "rtm_stack_acquire", err);
	if ((err = rtm_stack_release(p, &b)))
		die(WHO, "rtm_stack_release", err);
	for (long i = 0; i < cycles; i++) {
		if ((err = counted(rtm_stack_acquire, p, &b, acq)))
			die(WHO, "rtm_stack_acquire", err);
		touch_use(b.sp, STACK_TOUCH);
		if ((err = counted(release, p, &b, rel)))
			die(WHO, "rtm_stack_release", err);
	}
	if ((err = rtm_stack_release(p, &a)))
		die(WHO, "rtm_stack_release", err);
	memcpy(destroy, calls, sizeof destroy);
	rtm_stack_pool_destroy(p);
	for (int i = 0; i < NOPS; i++)
		destroy[i] = calls[i] - destroy[i];
	rtm_set_hooks(NULL);
	printf("OS calls of the pool per call, counted by a hook table (1 MiB stacks; "
	       "%ld cached cycles)\n", cycles);
	calls_print("create", create, 1);
	calls_print("acquire, new chunk", first, 1);
	calls_print("acquire, fresh slot", fresh, 1);
	calls_print("acquire, cached", acq, cycles);
	calls_print("release", rel, cycles);
	calls_print("destroy, one chunk", destroy, 1);
}

/* ---- RSS of idle cached stacks ---- */

static size_t rss_bytes(void)
{
	unsigned long size, resident;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f || fscanf(f, "%lu %lu", &size, &resident) != 2)
		die(WHO, "reading /proc/self/statm", errno ? errno : EIO);
	fclose(f);
	return resident * page_size();
}

static size_t resident_bytes(const struct rtm_stack *s, unsigned char *vec)
{
	size_t len = (size_t)((char *)s->hi - (char *)s->lo), pages = len / page_size(), k = 0;

	if (mincore(s->lo, len, vec))
		die(WHO, "mincore", errno);
	for (size_t i = 0; i < pages; i++)
		k += vec[i] & 1;
	return k * page_size();
}

static void rss(long n)
{
	struct rtm_stack_config cfg = { STACK_SIZE, 0, 0, 0, 0, NULL };
	struct rtm_stack *s = calloc((size_t)n, sizeof *s);
	unsigned char *vec = malloc(STACK_SIZE / page_size());
	rtm_stack_pool *p = rtm_stack_pool_create(&cfg);
	size_t base, full, idle, sum = 0;
	double bound = (double)n * (double)stack_keep() * 1.05;
	int err;

	if (!s || !vec || !p)
		die(WHO, "setup", ENOMEM);
	(void)rss_bytes(); /* stdio's buffer, before the baseline */
	for (long i = 0; i < n; i++)
		if ((err = rtm_stack_acquire(p, &s[i])))
			die(WHO, "rtm_stack_acquire", err);
	base = rss_bytes();
	for (long i = 0; i < n; i++)
		for (volatile char *q = s[i].lo; q < (char *)s[i].hi; q += page_size())
			*q = 1;
	full = rss_bytes();
	for (long i = 0; i < n; i++)
		if ((err = rtm_stack_release(p, &s[i])))
			die(WHO, "rtm_stack_release", err);
	idle = rss_bytes();
	for (long i = 0; i < n; i++)
		sum += resident_bytes(&s[i], vec);
	printf("RSS of %ld idle cached stacks of 1 MiB, each written on every page, "
	       "keep_resident %zu KiB\n", n, stack_keep() / KiB);
	printf("  baseline, %ld stacks acquired, untouched  %10zu KiB (process RSS)\n", n,
	       base / KiB);
	printf("  all touched                               %10zu KiB (+%zu KiB)\n",
	       full / KiB, (full - base) / KiB);
	printf("  all released (idle, cached)               %10zu KiB (+%zd KiB over baseline)\n",
	       idle / KiB, (ssize_t)(idle - base) / (ssize_t)KiB);
	printf("  the stacks' resident bytes (mincore)      %10zu KiB = %.2f KiB per stack\n",
	       sum / KiB, (double)sum / (double)KiB / (double)n);
	printf("  bound %ld x keep_resident x 1.05          %10.0f KiB: %s\n", n, bound / KiB,
	       (double)sum <= bound && (double)(idle - base) <= bound ? "within" : "OVER");
	printf("  pool stats: cached %zu, committed %zu KiB\n", rtm_stack_pool_stats(p).cached,
	       rtm_stack_pool_stats(p).committed / KiB);
	rtm_stack_pool_destroy(p);
	free(vec);
	free(s);
}

__attribute__((noreturn)) static void usage(void)
{
	fprintf(stderr, "usage: stack_mem [--cycles N] [--stacks S]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long cycles = 1000, stacks = 1000;

	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--cycles"))
			cycles = parse_long(WHO, argv[++i]);
		else if (!strcmp(argv[i], "--stacks"))
			stacks = parse_long(WHO, argv[++i]);
		else
			usage();
	}
	faults(cycles);
	os_calls(cycles);
	rss(stacks);
	return 0;
}
