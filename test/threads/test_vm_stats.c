/* rtm_vm_stats read from many threads while others reserve, commit,
 * decommit and release. Writer w only ever holds one region of 16^w pages,
 * so at every instant each counter, in pages above where it started, is a
 * sum of distinct powers of 16: written in base 16, every digit is 0 or 1.
 * A lost update or a torn read breaks a digit; a leak shows at the end.
 *
 * Nothing here depends on the machine's speed: each writer does ROUNDS
 * rounds, and goes on until every reader has read MIN_BUSY times while
 * regions were held and has seen each writer's region held at least once.
 * Only a hang fails for time (hang.h). */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include <rtmem/vm.h>

#include "threads.h"

#define WRITERS  3 /* 1, 16 and 256 pages */
#define READERS  3
#define ROUNDS   2000 /* rounds of each writer */
#define MIN_BUSY 1000 /* reads of each reader while regions were held */

static struct rtm_vm_stats base;
static size_t pg;
static atomic_int writing;
static atomic_int readers_short; /* readers that have not seen enough yet */
static atomic_int writer_failed;  /* the readers need not wait for its region */
static struct time_box box;
static atomic_int hung;

static int hang(void)
{
	if (!atomic_load(&hung) && time_up(&box))
		atomic_store(&hung, 1);
	return atomic_load(&hung);
}

/* 1 when n bytes above base is a sum of distinct 16^w pages, w < WRITERS. */
static int subset_of_writers(size_t now, size_t from)
{
	size_t pages;

	if (now < from || (now - from) % pg)
		return 0;
	pages = (now - from) / pg;
	for (int w = 0; w < WRITERS; w++, pages >>= 4)
		if ((pages & 15) > 1)
			return 0;
	return pages == 0;
}

struct writer {
	int w;
	long rounds;
	const char *failed;
};

static void *write_regions(void *arg)
{
	struct writer *wr = arg;
	size_t n = pg << (4 * wr->w);

	/* A lost update needs two writers inside the same few instructions:
	 * each keeps going until the readers have seen them all race. */
	while (!wr->failed && !atomic_load(&writer_failed) &&
	       (wr->rounds < ROUNDS || atomic_load(&readers_short) > 0) && !hang()) {
		rtm_mmap_result r = rtm_reserve(NULL, n, 0);

		if (r.err) {
			wr->failed = "rtm_reserve";
			break;
		}
		if (rtm_commit(r.addr, n))
			wr->failed = "rtm_commit";
		else if (rtm_decommit(r.addr, n))
			wr->failed = "rtm_decommit";
		else if (rtm_commit(r.addr, n))
			wr->failed = "rtm_commit again";
		if (rtm_release_ready(r.addr, n, wr->failed ? 0 : n))
			wr->failed = "rtm_release_ready";
		wr->rounds++;
	}
	if (wr->failed)
		atomic_store(&writer_failed, 1);
	atomic_fetch_sub(&writing, 1);
	return NULL;
}

struct reader {
	long reads, busy; /* busy: reads that found regions held */
	unsigned seen;    /* bit w: a read found writer w's region held */
	const char *failed;
	size_t bad_value;
};

static int reader_done(const struct reader *rd)
{
	return rd->busy >= MIN_BUSY && rd->seen == (1u << WRITERS) - 1;
}

static void *read_stats(void *arg)
{
	struct reader *rd = arg;
	struct rtm_vm_stats last = base;
	int counted = 0;

	while (!rd->failed && atomic_load(&writing) > 0) {
		struct rtm_vm_stats s = rtm_vm_stats();

		/* Nothing changed since the last read: let a writer run, which
		 * a scheduler need not do on its own (valgrind runs one thread
		 * at a time). */
		if (s.reserved == last.reserved && s.committed == last.committed)
			sched_yield();
		last = s;

		if (!subset_of_writers(s.reserved, base.reserved)) {
			rd->failed = "reserved";
			rd->bad_value = s.reserved - base.reserved;
		} else if (!subset_of_writers(s.committed, base.committed)) {
			rd->failed = "committed";
			rd->bad_value = s.committed - base.committed;
		} else {
			/* Base 16, digit w: writer w's region. */
			const size_t pages = (s.reserved - base.reserved) / pg;

			for (int w = 0; w < WRITERS; w++)
				rd->seen |= (unsigned)(pages >> (4 * w) & 1) << w;
		}
		rd->busy += s.reserved != base.reserved;
		rd->reads++;
		if (!counted && reader_done(rd)) {
			counted = 1;
			atomic_fetch_sub(&readers_short, 1);
		}
	}
	/* A reader that failed lets the writers stop. */
	if (!counted)
		atomic_fetch_sub(&readers_short, 1);
	return NULL;
}

START_TEST(stats_read_under_contention_are_always_whole)
{
	pthread_t t[WRITERS + READERS];
	struct writer wr[WRITERS];
	struct reader rd[READERS];
	struct rtm_vm_stats end;

	pg = rtm_page_size();
	base = rtm_vm_stats();
	box = time_box(HANG_SECONDS);
	atomic_store(&writing, WRITERS);
	atomic_store(&readers_short, READERS);
	for (int k = 0; k < READERS; k++) {
		rd[k] = (struct reader){ 0, 0, 0, NULL, 0 };
		ck_assert_int_eq(pthread_create(&t[WRITERS + k], NULL, read_stats, &rd[k]), 0);
	}
	for (int k = 0; k < WRITERS; k++) {
		wr[k] = (struct writer){ k, 0, NULL };
		ck_assert_int_eq(pthread_create(&t[k], NULL, write_regions, &wr[k]), 0);
	}
	for (int k = 0; k < WRITERS + READERS; k++)
		ck_assert_int_eq(pthread_join(t[k], NULL), 0);

	for (int k = 0; k < WRITERS; k++)
		ck_assert_msg(!wr[k].failed, "writer %d: %s failed", k, wr[k].failed);
	for (int k = 0; k < READERS; k++)
		ck_assert_msg(!rd[k].failed, "reader %d: %s read %zu bytes above the start", k,
		              rd[k].failed, rd[k].bad_value);
	for (int k = 0; k < WRITERS; k++)
		ck_assert_msg(wr[k].rounds >= ROUNDS, "hung: after %d s, writer %d has done %ld of %d",
		              HANG_SECONDS, k, wr[k].rounds, ROUNDS);
	for (int k = 0; k < READERS; k++)
		/* It raced: it read while regions were held, each writer's. */
		ck_assert_msg(reader_done(&rd[k]),
		              "hung: after %d s, reader %d has read %ld times while regions were "
		              "held (%d), seen writers 0x%x held (0x%x)",
		              HANG_SECONDS, k, rd[k].busy, MIN_BUSY, rd[k].seen,
		              (1u << WRITERS) - 1);
	end = rtm_vm_stats();
	ck_assert_uint_eq(end.reserved, base.reserved);
	ck_assert_uint_eq(end.committed, base.committed);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("threads_vm_stats");
	TCase *tc = tcase_create("contention");

	tcase_set_timeout(tc, HANG_CHECK_TIMEOUT);
	tcase_add_test(tc, stats_read_under_contention_are_always_whole);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
