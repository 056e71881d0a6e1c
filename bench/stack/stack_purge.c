/* stack_purge: what the release's purge costs, and what sparing it would
 * take (issue 11: "20x where you find an honest way to spare the release
 * its syscall for stacks that stayed shallow").
 *
 * The pool's release gives back the 1008 KiB of a 1 MiB stack past
 * keep_resident (16 KiB) with one madvise(MADV_DONTNEED), whether or not
 * the stack's user went there. This program times, interleaved in the
 * same rounds (rounds.h), per stack:
 *
 *   pool          the cached cycle: acquire, touch 8 KiB, release
 *   pool-keep     the same with keep_resident = 1 MiB: no purge, no call
 *   defer1        the proposal, simulated over a keep_resident = 1 MiB
 *                 pool: a release leaves its stack unpurged in a one-stack
 *                 cell and purges (and caches) the one it displaces; an
 *                 acquire takes the cell's stack first. A stack that goes
 *                 out and back alone never pays the call
 *   pool-burst    16 acquires (each touched), then 16 releases: a burst
 *   defer1-burst  the same through the cell: every release but the first
 *                 purges, as the pool's do
 *   purge         the release's call alone: madvise(MADV_DONTNEED) over
 *                 the untouched 1008 KiB of a stack whose top 8 KiB are
 *                 resident
 *   free          the same with MADV_FREE
 *   mincore-all   mincore over those 1008 KiB: asking first whether the
 *                 stack went deep (one call, and a second when it did)
 *   mincore-page  mincore of the one page below keep_resident: a check a
 *                 large frame can jump over, the cheapest call there is
 *                 that looks at the stack
 *   getppid       a system call that does nothing: entry and exit on
 *                 this machine
 *   batch16       one process_madvise(MADV_DONTNEED) over 16 stacks'
 *                 1008 KiB, per stack (Linux 5.10 has the call; advice
 *                 other than COLD/PAGEOUT/WILLNEED/COLLAPSE on one's own
 *                 process came later; left out where refused)
 *
 * Usage: stack_purge [--rounds R] [--cycles N]
 */
#define _GNU_SOURCE 1 /* MAP_ANONYMOUS, mincore, syscall under -std=c11 */

#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include <rtmem/stack.h>
#include <rtmem/sys.h>

#include "rounds.h"

#define WHO   "stack_purge"
#define BATCH 16

static rtm_stack_pool *pool, *pool_keep, *defer_pool, *held_pool;
static struct rtm_stack held[BATCH];
static struct iovec held_low[BATCH];
static unsigned char vec[STACK_SIZE / 4096];
static int pidfd = -1;

static void acquire(rtm_stack_pool *p, struct rtm_stack *s)
{
	int err = rtm_stack_acquire(p, s);

	if (err)
		die(WHO, "rtm_stack_acquire", err);
}

static void release(rtm_stack_pool *p, struct rtm_stack *s)
{
	int err = rtm_stack_release(p, s);

	if (err)
		die(WHO, "rtm_stack_release", err);
}

/* ---- the proposal: one deferred purge ---- */

/* The unpurged stack's lo, or 0. One word changed by exchange: the
 * real thing would put it in the pool header, beside the chunk list. */
static _Atomic uintptr_t deferred;

static void defer_acquire(struct rtm_stack *s)
{
	uintptr_t lo = atomic_exchange_explicit(&deferred, 0, memory_order_acquire);

	if (!lo) {
		acquire(defer_pool, s);
		return;
	}
	s->lo = (void *)lo;
	s->hi = s->sp = (void *)(lo + STACK_SIZE);
}

static void defer_release(struct rtm_stack *s)
{
	uintptr_t old = atomic_exchange_explicit(&deferred, (uintptr_t)s->lo,
	                                         memory_order_acq_rel);
	struct rtm_stack o;
	int err;

	if (!old)
		return;
	/* The displaced stack: purged as the pool's release would, then
	 * cached (its pool keeps everything, so it makes no call of its
	 * own). */
	if ((err = rtm_madvise(stack_past_keep((void *)old), STACK_SIZE - stack_keep(),
	                       RTM_MADV_DONTNEED)))
		die(WHO, "madvise", err);
	o.lo = (void *)old;
	o.hi = o.sp = (void *)(old + STACK_SIZE);
	release(defer_pool, &o);
}

/* ---- the cycles ---- */

static void run_pool(long n)
{
	for (long i = 0; i < n; i++) {
		struct rtm_stack s;

		acquire(pool, &s);
		touch_use(s.sp, STACK_TOUCH);
		release(pool, &s);
	}
}

static void run_pool_keep(long n)
{
	for (long i = 0; i < n; i++) {
		struct rtm_stack s;

		acquire(pool_keep, &s);
		touch_use(s.sp, STACK_TOUCH);
		release(pool_keep, &s);
	}
}

static void run_defer(long n)
{
	for (long i = 0; i < n; i++) {
		struct rtm_stack s;

		defer_acquire(&s);
		touch_use(s.sp, STACK_TOUCH);
		defer_release(&s);
	}
}

static void run_pool_burst(long n)
{
	struct rtm_stack s[BATCH];

	for (long i = 0; i < n; i++) {
		for (int k = 0; k < BATCH; k++) {
			acquire(pool, &s[k]);
			touch_use(s[k].sp, STACK_TOUCH);
		}
		for (int k = 0; k < BATCH; k++)
			release(pool, &s[k]);
	}
}

static void run_defer_burst(long n)
{
	struct rtm_stack s[BATCH];

	for (long i = 0; i < n; i++) {
		for (int k = 0; k < BATCH; k++) {
			defer_acquire(&s[k]);
			touch_use(s[k].sp, STACK_TOUCH);
		}
		for (int k = 0; k < BATCH; k++)
			defer_release(&s[k]);
	}
}

/* ---- the calls alone ---- */

static void run_purge(long n)
{
	for (long i = 0; i < n; i++)
		if (rtm_sys_madvise(stack_past_keep(held[0].lo), STACK_SIZE - stack_keep(),
		                    RTM_MADV_DONTNEED))
			die(WHO, "madvise", EINVAL);
}

static void run_free(long n)
{
	for (long i = 0; i < n; i++)
		if (rtm_sys_madvise(stack_past_keep(held[0].lo), STACK_SIZE - stack_keep(),
		                    RTM_MADV_FREE))
			die(WHO, "madvise", EINVAL);
}

static void run_mincore_all(long n)
{
	for (long i = 0; i < n; i++)
		if (mincore(stack_past_keep(held[0].lo), STACK_SIZE - stack_keep(), vec))
			die(WHO, "mincore", errno);
}

static void run_mincore_page(long n)
{
	char *page = STACK_GROWS_UP ? (char *)held[0].lo + stack_keep() :
	                              (char *)held[0].hi - stack_keep() - page_size();

	for (long i = 0; i < n; i++)
		if (mincore(page, page_size(), vec))
			die(WHO, "mincore", errno);
}

static void run_getppid(long n)
{
	for (long i = 0; i < n; i++)
		(void)syscall(SYS_getppid);
}

static long process_madvise_held(void)
{
#if defined(SYS_process_madvise)
	return syscall(SYS_process_madvise, pidfd, held_low, (size_t)BATCH, MADV_DONTNEED, 0u);
#else
	errno = ENOSYS; /* a C library whose headers predate it (5.10) */
	return -1;
#endif
}

static void run_batch(long n)
{
	for (long i = 0; i < n; i++)
		if (process_madvise_held() < 0)
			die(WHO, "process_madvise", errno);
}

/* Every row is compared with pool, the first. */
static const struct variant all[] = {
	{ "pool", "acquire + touch 8 KiB + release (keep_resident 16 KiB)", run_pool, NULL, 1, 1,
	  0 },
	{ "pool-keep", "the same, keep_resident 1 MiB: no purge", run_pool_keep, NULL, 1, 1, 0 },
	{ "defer1", "the same through a one-stack deferred-purge cell", run_defer, NULL, 1, 1,
	  0 },
	{ "pool-burst", "16 acquires + touches, then 16 releases; per stack", run_pool_burst,
	  NULL, BATCH, BATCH, 0 },
	{ "defer1-burst", "the same through the cell; per stack", run_defer_burst, NULL, BATCH,
	  BATCH, 0 },
	{ "purge", "madvise(DONTNEED), 1008 KiB not resident", run_purge, NULL, 1, 1, 0 },
	{ "free", "madvise(FREE), the same range", run_free, NULL, 1, 1, 0 },
	{ "mincore-all", "mincore over the 1008 KiB", run_mincore_all, NULL, 1, 1, 0 },
	{ "mincore-page", "mincore of the page below keep_resident", run_mincore_page, NULL, 1,
	  1, 0 },
	{ "getppid", "an empty system call", run_getppid, NULL, 1, 1, 0 },
	{ "batch16", "process_madvise(DONTNEED) of 16 stacks' 1008 KiB; per stack", run_batch,
	  NULL, BATCH, BATCH, 0 },
};
#define NALL (sizeof all / sizeof all[0])

/* The stacks the calls alone work on: the top 8 KiB resident, the rest
 * never touched, as after a shallow user's release. */
static void setup(void)
{
	struct rtm_stack_config cfg = { STACK_SIZE, 0, 0, 0, 0, "stack_purge" };

	if (!(pool = rtm_stack_pool_create(&cfg)))
		die(WHO, "rtm_stack_pool_create", ENOMEM);
	cfg.keep_resident = STACK_SIZE;
	if (!(pool_keep = rtm_stack_pool_create(&cfg)) ||
	    !(defer_pool = rtm_stack_pool_create(&cfg)) ||
	    !(held_pool = rtm_stack_pool_create(&cfg)))
		die(WHO, "rtm_stack_pool_create", ENOMEM);
	for (int k = 0; k < BATCH; k++) {
		acquire(held_pool, &held[k]);
		touch_use(held[k].sp, STACK_TOUCH);
		held_low[k].iov_base = stack_past_keep(held[k].lo);
		held_low[k].iov_len = STACK_SIZE - stack_keep();
	}
#if defined(SYS_pidfd_open)
	pidfd = (int)syscall(SYS_pidfd_open, (long)getpid(), 0u);
#endif
}

__attribute__((noreturn)) static void usage(void)
{
	fprintf(stderr, "usage: stack_purge [--rounds R] [--cycles N]\n");
	exit(2);
}

/* The row of the variant called name in the table actually run. */
static size_t row(const struct variant *v, size_t nv, const char *name)
{
	for (size_t i = 0; i < nv; i++)
		if (!strcmp(v[i].name, name))
			return i;
	return nv;
}

int main(int argc, char **argv)
{
	long rounds = 41, cycles = 1000;
	struct variant v[NALL];
	size_t nv = 0, ipool, ikeep, idefer, ipurge, imin, ibatch;
	double keep_x, defer_x, purge_x, min_x, batch_x = 0;
	struct rounds t;

	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--rounds"))
			rounds = parse_long(WHO, argv[++i]);
		else if (!strcmp(argv[i], "--cycles"))
			cycles = parse_long(WHO, argv[++i]);
		else
			usage();
	}
	setup();
	for (size_t i = 0; i < NALL; i++) {
		if (all[i].run == run_batch && (pidfd < 0 || process_madvise_held() < 0)) {
			printf("batch16 left out: process_madvise(MADV_DONTNEED) on this process: "
			       "%s\n", strerror(errno));
			continue;
		}
		v[nv++] = all[i];
	}
	t = rounds_run(WHO, v, nv, rounds, cycles);
	ipool = row(v, nv, "pool");
	ikeep = row(v, nv, "pool-keep");
	idefer = row(v, nv, "defer1");
	ipurge = row(v, nv, "purge");
	imin = row(v, nv, "mincore-all");
	ibatch = row(v, nv, "batch16");
	/* Before the table: printing sorts each variant's rounds. */
	keep_x = rounds_ratio(&t, ipool, ikeep);
	defer_x = rounds_ratio(&t, ipool, idefer);
	purge_x = rounds_ratio(&t, ipurge, ipool);
	min_x = rounds_ratio(&t, imin, ipurge);
	if (ibatch < nv)
		batch_x = rounds_ratio(&t, ibatch, ipurge);
	printf("the release's purge: 1 MiB stacks, 8 KiB touched, keep_resident 16 KiB: "
	       "%ld rounds, batches of %ld, rotating order; ns per stack\n", rounds, cycles);
	rounds_print(&t, v);
	printf("purge / pool cycle %.2f; pool / pool-keep %.1fx; pool / defer1 %.1fx; "
	       "mincore-all / purge %.2f", purge_x, keep_x, defer_x, min_x);
	if (ibatch < nv)
		printf("; batch16 / purge %.2f", batch_x);
	printf(" (medians of per-round ratios)\n");
	free(t.ns);
	return 0;
}
