/* rtm_set_hooks racing with mappings. One thread flips between no table
 * and a counting table as fast as it can; mappers go through every hooked
 * entry point, and a region mapper through the vm layer, whose calls are
 * several OS calls each (a reserve maps and trims), so a flip can land
 * between them. Every call must succeed whichever way it went, and the
 * counts must add up: a writable mapping made by the hook carries its tag
 * (the hook writes it), so the tags the mappers see equal the hook's own
 * count of writable mappings. Raw mappings are touched only atomically
 * (threads.h says why).
 *
 * Nothing here depends on the machine's speed: each mapper runs until it
 * has done ROUNDS rounds and, with hooks, seen MIN_EACH tagged and
 * MIN_EACH untagged mappings and MIN_SWITCHES flips between one round and
 * the next (and the table has seen an munmap, an mprotect and a madvise);
 * the region mapper runs REGION_ROUNDS rounds and on until the
 * mappers are done, and the flipper until everyone is. Only a hang fails
 * for time (hang.h). */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>

#include <rtmem/sys.h>
#include <rtmem/vm.h>

#include "start_hooks.h"
#include "threads.h"

#ifndef EXPECT_HOOKS
#error "meson passes EXPECT_HOOKS (1 or 0) from -Dhooks"
#endif

#define MAPPERS       2
#define ROUNDS        2000 /* rounds of each mapper */
#define MIN_EACH      100  /* mappings each way (hooked, raw) a mapper must see */
#define MIN_SWITCHES  50   /* rounds whose way differs from the round before */
#define REGION_ROUNDS 200
#define TAG           0xa5

static struct {
	atomic_long mmap_rw, mmap_other, munmap, mprotect, madvise;
	atomic_long wrong_ctx;
} hooked;

static void count(atomic_long *c, void *ctx)
{
	if (ctx != &hooked)
		atomic_fetch_add(&hooked.wrong_ctx, 1);
	atomic_fetch_add(c, 1);
}

static rtm_mmap_result c_mmap(void *ctx, void *addr, size_t n, int prot, int flags, int fd,
                              uint64_t off)
{
	rtm_mmap_result r = rtm_sys_mmap(addr, n, prot, flags, fd, off);

	if (r.err == 0 && (prot & RTM_PROT_WRITE)) {
		__atomic_store_n((unsigned char *)r.addr, TAG, __ATOMIC_RELAXED);
		count(&hooked.mmap_rw, ctx);
	} else {
		count(&hooked.mmap_other, ctx);
	}
	return r;
}

static int c_munmap(void *ctx, void *addr, size_t n)
{
	count(&hooked.munmap, ctx);
	return rtm_sys_munmap(addr, n);
}

static int c_mprotect(void *ctx, void *addr, size_t n, int prot)
{
	count(&hooked.mprotect, ctx);
	return rtm_sys_mprotect(addr, n, prot);
}

static int c_madvise(void *ctx, void *addr, size_t n, int advice)
{
	count(&hooked.madvise, ctx);
	return rtm_sys_madvise(addr, n, advice);
}

static const struct rtm_hooks counting = {
	.mmap = c_mmap, .munmap = c_munmap, .mprotect = c_mprotect, .madvise = c_madvise,
	.ctx = &hooked,
};

static atomic_int running; /* threads other than the flipper not finished yet */
static atomic_int mappers_left;
static atomic_long flips, wrong_previous;
static struct time_box box;
static atomic_int hung;

static int hang(void)
{
	if (!atomic_load(&hung) && time_up(&box))
		atomic_store(&hung, 1);
	return atomic_load(&hung);
}

static void *flipper(void *arg)
{
	const struct rtm_hooks *installed = NULL;

	(void)arg;
	for (unsigned long k = 0; atomic_load(&running) > 0; k++) {
		const struct rtm_hooks *next = installed ? NULL : &counting;

		/* Only this thread installs tables: each exchange must hand
		 * back exactly what it installed the time before. */
		if (rtm_set_hooks(next) != installed)
			atomic_fetch_add(&wrong_previous, 1);
		installed = next;
		atomic_fetch_add(&flips, 1);
		/* Now and then a turn for the mappers, after an odd number of
		 * flips so that the table and no table take turns at being
		 * what they find: a scheduler that runs one thread at a time
		 * (valgrind) would otherwise switch away at the same point of
		 * the loop every time, and the mappers would only ever see
		 * the one. */
		if (k % 61 == 60)
			sched_yield();
	}
	if (installed && rtm_set_hooks(NULL) != installed)
		atomic_fetch_add(&wrong_previous, 1);
	return NULL;
}

struct mapper {
	long rounds, tagged, untagged, switches;
	int last; /* the last round's tag */
	const char *failed; /* the first call that did not succeed */
};

/* Map two pages, touch them, protect, advise, unmap: all four hooked
 * entry points, each of which may or may not see the table. */
static void map_round(struct mapper *m, size_t pg)
{
	rtm_mmap_result r = rtm_mmap(NULL, 2 * pg, RTM_PROT_READ | RTM_PROT_WRITE,
	                             RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS, -1, 0);
	unsigned char *p = r.addr, tag;

	if (r.err) {
		m->failed = "rtm_mmap";
		return;
	}
	tag = __atomic_load_n(p, __ATOMIC_RELAXED);
	m->tagged += tag == TAG;
	m->untagged += tag == 0;
	m->switches += m->rounds > 0 && tag != m->last;
	m->last = tag;
	if (tag != TAG && tag != 0)
		m->failed = "a tag no hook wrote";
	__atomic_store_n(p + pg, 1, __ATOMIC_RELAXED);
	if (rtm_mprotect(p, 2 * pg, RTM_PROT_READ))
		m->failed = "rtm_mprotect";
	/* Private anonymous memory reads zero after DONTNEED: the advice
	 * really reached the kernel, by whichever route. */
	if (rtm_madvise(p + pg, pg, RTM_MADV_DONTNEED) ||
	    __atomic_load_n(p + pg, __ATOMIC_RELAXED) != 0)
		m->failed = "rtm_madvise";
	if (rtm_munmap(p, 2 * pg))
		m->failed = "rtm_munmap";
}

static int enough(const struct mapper *m)
{
	if (m->rounds < ROUNDS)
		return 0;
	/* With hooks, each other entry point has gone through the table
	 * too, by any mapper. */
	return !EXPECT_HOOKS ||
	       (m->tagged >= MIN_EACH && m->untagged >= MIN_EACH && m->switches >= MIN_SWITCHES &&
	        atomic_load(&hooked.munmap) > 0 && atomic_load(&hooked.mprotect) > 0 &&
	        atomic_load(&hooked.madvise) > 0);
}

static void *mapper(void *arg)
{
	struct mapper *m = arg;
	size_t pg = rtm_page_size();
	long flipped = 0;

	while (!m->failed && !enough(m) && !hang()) {
		const long now = atomic_load(&flips);

		/* No flip since the last round: let the flipper run, which a
		 * scheduler need not do on its own (valgrind runs one thread
		 * at a time). */
		if (now == flipped)
			sched_yield();
		flipped = now;
		map_round(m, pg);
		m->rounds++;
	}
	atomic_fetch_sub(&mappers_left, 1);
	atomic_fetch_sub(&running, 1);
	return NULL;
}

/* The region lifecycle, each step several OS calls. */
static void *region_mapper(void *arg)
{
	struct mapper *m = arg;
	const size_t len = 256 << 10, part = 64 << 10;

	do {
		rtm_mmap_result r = rtm_reserve(NULL, len, 64 << 10);
		unsigned char *p = r.addr;

		if (r.err || (uintptr_t)p % (64 << 10)) {
			m->failed = "rtm_reserve";
			break;
		}
		if (rtm_commit(p, part))
			m->failed = "rtm_commit";
		else
			__atomic_store_n(p + part - 1, 7, __ATOMIC_RELAXED);
		if (!m->failed && rtm_decommit(p, part))
			m->failed = "rtm_decommit";
		if (rtm_release(p, len))
			m->failed = "rtm_release";
		m->rounds++;
	} while (!m->failed && (m->rounds < REGION_ROUNDS || atomic_load(&mappers_left) > 0) &&
	         !hang());
	atomic_fetch_sub(&running, 1);
	return NULL;
}

START_TEST(flipping_hooks_while_mapping_keeps_every_call_whole)
{
	struct rtm_vm_stats vm0 = rtm_vm_stats();
	struct mapper m[MAPPERS + 1] = { { 0, 0, 0, 0, 0, NULL } };
	pthread_t t[MAPPERS + 2];
	long tagged = 0, untagged = 0, rounds = 0;

	/* The flipper starts from no table and hands back what it found. */
	ck_assert_ptr_eq(rtm_set_hooks(NULL), START_HOOKS);
	box = time_box(HANG_SECONDS);
	atomic_store(&running, MAPPERS + 1);
	atomic_store(&mappers_left, MAPPERS);
	for (int k = 0; k < MAPPERS; k++)
		ck_assert_int_eq(pthread_create(&t[k], NULL, mapper, &m[k]), 0);
	ck_assert_int_eq(pthread_create(&t[MAPPERS], NULL, region_mapper, &m[MAPPERS]), 0);
	ck_assert_int_eq(pthread_create(&t[MAPPERS + 1], NULL, flipper, NULL), 0);
	for (int k = 0; k < MAPPERS + 2; k++)
		ck_assert_int_eq(pthread_join(t[k], NULL), 0);

	for (int k = 0; k <= MAPPERS; k++)
		ck_assert_msg(!m[k].failed, "thread %d: %s failed", k, m[k].failed);
	for (int k = 0; k < MAPPERS; k++)
		ck_assert_msg(!atomic_load(&hung) || enough(&m[k]),
		              "hung: after %d s, mapper %d has done %ld of %d rounds and seen %ld "
		              "tagged, %ld untagged (%d each) and %ld switches (%d), %ld flips",
		              HANG_SECONDS, k, m[k].rounds, ROUNDS, m[k].tagged, m[k].untagged,
		              MIN_EACH, m[k].switches, MIN_SWITCHES, atomic_load(&flips));
	ck_assert_msg(!atomic_load(&hung), "hung: after %d s, the region mapper has done %ld of %d",
	              HANG_SECONDS, m[MAPPERS].rounds, REGION_ROUNDS);
	for (int k = 0; k < MAPPERS; k++) {
		tagged += m[k].tagged;
		untagged += m[k].untagged;
		rounds += m[k].rounds;
	}
	ck_assert_ptr_null(rtm_set_hooks(START_HOOKS));
	ck_assert_int_eq(atomic_load(&wrong_previous), 0);
	ck_assert_int_eq(atomic_load(&hooked.wrong_ctx), 0);
	ck_assert_int_eq(tagged + untagged, rounds);
	ck_assert_int_ge(rounds, MAPPERS * ROUNDS);
	ck_assert_int_ge(m[MAPPERS].rounds, REGION_ROUNDS);
	/* Each writable mapping the hook made was seen by exactly one mapper. */
	ck_assert_int_eq(tagged, atomic_load(&hooked.mmap_rw));
	if (EXPECT_HOOKS) {
		for (int k = 0; k < MAPPERS; k++) {
			ck_assert_int_ge(m[k].tagged, MIN_EACH);
			ck_assert_int_ge(m[k].untagged, MIN_EACH);
			ck_assert_int_ge(m[k].switches, MIN_SWITCHES);
		}
		ck_assert_int_ge(atomic_load(&hooked.munmap), 1);
		ck_assert_int_ge(atomic_load(&hooked.mprotect), 1);
		ck_assert_int_ge(atomic_load(&hooked.madvise), 1);
	} else {
		ck_assert_int_eq(atomic_load(&hooked.mmap_other) + atomic_load(&hooked.munmap) +
		                         atomic_load(&hooked.mprotect) + atomic_load(&hooked.madvise),
		                 0);
	}
	/* The region counters took every reserve and commit back. */
	ck_assert_uint_eq(rtm_vm_stats().reserved, vm0.reserved);
	ck_assert_uint_eq(rtm_vm_stats().committed, vm0.committed);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("threads_hooks");
	TCase *tc = tcase_create("race");

	tcase_set_timeout(tc, HANG_CHECK_TIMEOUT);
	tcase_add_test(tc, flipping_hooks_while_mapping_keeps_every_call_whole);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
