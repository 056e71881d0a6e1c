/* stack_bench: what one stack costs a user who takes it, runs shallow on
 * it and gives it back, three ways side by side in one run (issue 11).
 *
 * A cycle, for a 1 MiB stack with a one-page guard touched 8 KiB deep
 * from its start of use (one store per cache line):
 *
 *   mmap      mmap of guard + stack PROT_NONE, mprotect of the stack
 *             PROT_READ|PROT_WRITE, the touch, munmap: what boost.context's
 *             protected_fixedsize_stack and most coroutine libraries do
 *   pthread   pthread_create + pthread_join of a thread with a 1 MiB
 *             stack (pthread_attr_setstacksize) that touches 8 KiB of its
 *             own stack: glibc keeps freed thread stacks in a cache, the
 *             nearest thing to a stack pool a user has
 *   pool      rtm_stack_acquire, the touch, rtm_stack_release, from one
 *             pool of 1 MiB stacks with the default guard (one page) and
 *             keep_resident (16 KiB): after the first cycle the stack is a
 *             cached one, and the release purges the 1008 KiB past
 *             keep_resident (one madvise)
 *   pool-keep the same with keep_resident = 1 MiB, so the release has
 *             nothing to purge and makes no OS call: what the cycle would
 *             cost if the release knew the stack stayed shallow
 *
 * Default mode: one warm-up round, then ROUNDS rounds (default 41); in a
 * round each variant runs a batch of cycles (default 1000; pthread a
 * tenth of that, mmap a half, so no batch dominates the round), in an
 * order that rotates from round to round. Prints each variant's median,
 * minimum and maximum ns per cycle over rounds, and the median over
 * rounds of its ratio to the pool in the same round.
 *
 * pthread's figure is mostly two wake-ups, the new thread's and then the
 * joiner's; on a loaded machine they wait for a CPU, and the figure moves
 * several-fold from run to run. `taskset -c 1 stack_bench` keeps the
 * thread on its creator's CPU, which steadies it (and makes it smaller).
 *
 * Count mode (--count N --variant V): one warm-up cycle and N cycles of
 * one variant, nothing else, no touch, for valgrind --tool=callgrind
 * (callgrind_stack.py): V is pool, pool-keep, mmap, or none (the bare
 * loop).
 *
 * Usage: stack_bench [--rounds R] [--cycles N]
 *        stack_bench --count N --variant pool|pool-keep|mmap|none
 */
#define _GNU_SOURCE 1 /* MAP_ANONYMOUS, clock_gettime under -std=c11 */

#include <pthread.h>
#include <sys/mman.h>

#include <rtmem/stack.h>

#include "rounds.h"

#define WHO "stack_bench"

static rtm_stack_pool *pool, *pool_keep;
static int touch_on = 1; /* count mode: the calls alone */

/* ---- mmap + mprotect + munmap ---- */

__attribute__((noinline)) static void run_mmap(long cycles)
{
	size_t guard = page_size(), len = guard + STACK_SIZE;

	for (long i = 0; i < cycles; i++) {
		char *base = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *lo;

		if (base == MAP_FAILED)
			die(WHO, "mmap", errno);
		lo = STACK_GROWS_UP ? base : base + guard;
		if (mprotect(lo, STACK_SIZE, PROT_READ | PROT_WRITE))
			die(WHO, "mprotect", errno);
		if (touch_on)
			touch_use(stack_start(lo), STACK_TOUCH);
		if (munmap(base, len))
			die(WHO, "munmap", errno);
	}
}

/* ---- a thread's stack from glibc's cache ---- */

static pthread_attr_t thread_attr;

static void *thread_touch(void *arg)
{
	/* The thread's own frames: 8 KiB below where glibc starts it. */
	volatile char frame[STACK_TOUCH];

	for (size_t i = 0; i < sizeof frame; i += 64)
		frame[i] = 1;
	return arg;
}

__attribute__((noinline)) static void run_pthread(long cycles)
{
	for (long i = 0; i < cycles; i++) {
		pthread_t t;
		int err = pthread_create(&t, &thread_attr, thread_touch, NULL);

		if (err)
			die(WHO, "pthread_create", err);
		if ((err = pthread_join(t, NULL)))
			die(WHO, "pthread_join", err);
	}
}

/* ---- the pool ---- */

static void pool_cycles(rtm_stack_pool *p, long cycles)
{
	for (long i = 0; i < cycles; i++) {
		struct rtm_stack s;
		int err = rtm_stack_acquire(p, &s);

		if (err)
			die(WHO, "rtm_stack_acquire", err);
		if (touch_on)
			touch_use(s.sp, STACK_TOUCH);
		if ((err = rtm_stack_release(p, &s)))
			die(WHO, "rtm_stack_release", err);
	}
}

__attribute__((noinline)) static void run_pool(long cycles)
{
	pool_cycles(pool, cycles);
}

__attribute__((noinline)) static void run_pool_keep(long cycles)
{
	pool_cycles(pool_keep, cycles);
}

__attribute__((noinline)) static void run_none(long cycles)
{
	for (long i = 0; i < cycles; i++)
		__asm__ __volatile__("" ::: "memory");
}

#define REF 2 /* pool */

static const struct variant variants[] = {
	{ "mmap", "mmap PROT_NONE + mprotect RW + touch + munmap", run_mmap, NULL, 2, 1, REF },
	{ "pthread", "pthread_create + join, 1 MiB stack, touches 8 KiB (glibc's cache)",
	  run_pthread, NULL, 10, 1, REF },
	{ "pool", "rtm_stack_acquire + touch + rtm_stack_release, keep_resident 16 KiB",
	  run_pool, NULL, 1, 1, REF },
	{ "pool-keep", "the same, keep_resident 1 MiB: the release makes no OS call",
	  run_pool_keep, NULL, 1, 1, REF },
};
#define NVARIANTS (sizeof variants / sizeof variants[0])

static void setup(void)
{
	struct rtm_stack_config cfg = { STACK_SIZE, 0, 0, 0, 0, "stack_bench" };
	int err;

	if (!(pool = rtm_stack_pool_create(&cfg)))
		die(WHO, "rtm_stack_pool_create", ENOMEM);
	cfg.keep_resident = STACK_SIZE;
	if (!(pool_keep = rtm_stack_pool_create(&cfg)))
		die(WHO, "rtm_stack_pool_create", ENOMEM);
	if ((err = pthread_attr_init(&thread_attr)) ||
	    (err = pthread_attr_setstacksize(&thread_attr, STACK_SIZE)))
		die(WHO, "pthread_attr_setstacksize", err);
}

__attribute__((noreturn)) static void usage(void)
{
	fprintf(stderr, "usage: stack_bench [--rounds R] [--cycles N]\n"
	                "       stack_bench --count N --variant pool|pool-keep|mmap|none\n");
	exit(2);
}

static int count_mode(long count, const char *name)
{
	static const struct variant counted[] = {
		{ .name = "pool", .run = run_pool },
		{ .name = "pool-keep", .run = run_pool_keep },
		{ .name = "mmap", .run = run_mmap },
		{ .name = "none", .run = run_none },
	};

	touch_on = 0;
	for (size_t i = 0; i < sizeof counted / sizeof counted[0]; i++) {
		if (!strcmp(name, counted[i].name)) {
			/* The first cycle maps the pool's chunk and commits
			 * the stack; every later one takes it cached. */
			counted[i].run(1);
			counted[i].run(count);
			return 0;
		}
	}
	usage();
}

int main(int argc, char **argv)
{
	long rounds = 41, cycles = 1000, count = 0;
	const char *vname = NULL;
	double mmap_x, pthread_x, keep_x;
	struct rounds t;

	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--rounds"))
			rounds = parse_long(WHO, argv[++i]);
		else if (!strcmp(argv[i], "--cycles"))
			cycles = parse_long(WHO, argv[++i]);
		else if (!strcmp(argv[i], "--count"))
			count = parse_long(WHO, argv[++i]);
		else if (!strcmp(argv[i], "--variant"))
			vname = argv[++i];
		else
			usage();
	}
	setup();
	if (count || vname) {
		if (!count || !vname)
			usage();
		return count_mode(count, vname);
	}

	t = rounds_run(WHO, variants, NVARIANTS, rounds, cycles);
	/* Before the table: printing sorts each variant's rounds. */
	mmap_x = rounds_ratio(&t, 0, REF);
	pthread_x = rounds_ratio(&t, 1, REF);
	keep_x = rounds_ratio(&t, 0, 3);
	printf("stack cycle, 1 MiB stack, one-page guard, 8 KiB touched: %ld rounds, "
	       "batches of %ld cycles (pthread %ld, mmap %ld), rotating order\n",
	       rounds, cycles, cycles / variants[1].scale, cycles / variants[0].scale);
	rounds_print(&t, variants);
	printf("mmap / pool %.1fx, pthread / pool %.1fx, mmap / pool-keep %.1fx "
	       "(medians of per-round ratios)\n",
	       mmap_x, pthread_x, keep_x);
	free(t.ns);
	rtm_stack_pool_destroy(pool);
	rtm_stack_pool_destroy(pool_keep);
	return 0;
}
