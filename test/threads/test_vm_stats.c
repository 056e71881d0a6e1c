/* rtm_vm_stats read from many threads while others reserve, commit,
 * decommit and release. Writer w only ever holds one region of 16^w pages,
 * so at every instant each counter, in pages above where it started, is a
 * sum of distinct powers of 16: written in base 16, every digit is 0 or 1.
 * A lost update or a torn read breaks a digit; a leak shows at the end. */
#include <pthread.h>
#include <stdatomic.h>

#include <rtmem/vm.h>

#include "threads.h"

#define WRITERS    3 /* 1, 16 and 256 pages */
#define READERS    3
#define MIN_ROUNDS 500
#define SECONDS    (UNDER_TSAN ? 8.0 : 2.0)

static struct rtm_vm_stats base;
static size_t pg;
static atomic_int writing;

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
	struct time_box box = time_box(SECONDS);

	/* A lost update needs two writers inside the same few instructions:
	 * run the whole time box to give that every chance. */
	while (!wr->failed && !(wr->rounds >= MIN_ROUNDS && time_up(&box))) {
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
	atomic_fetch_sub(&writing, 1);
	return NULL;
}

struct reader {
	long reads, busy; /* busy: reads that found regions held */
	const char *failed;
	size_t bad_value;
};

static void *read_stats(void *arg)
{
	struct reader *rd = arg;

	while (!rd->failed && atomic_load(&writing) > 0) {
		struct rtm_vm_stats s = rtm_vm_stats();

		if (!subset_of_writers(s.reserved, base.reserved)) {
			rd->failed = "reserved";
			rd->bad_value = s.reserved - base.reserved;
		} else if (!subset_of_writers(s.committed, base.committed)) {
			rd->failed = "committed";
			rd->bad_value = s.committed - base.committed;
		}
		rd->busy += s.reserved != base.reserved;
		rd->reads++;
	}
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
	atomic_store(&writing, WRITERS);
	for (int k = 0; k < READERS; k++) {
		rd[k] = (struct reader){ 0, 0, NULL, 0 };
		ck_assert_int_eq(pthread_create(&t[WRITERS + k], NULL, read_stats, &rd[k]), 0);
	}
	for (int k = 0; k < WRITERS; k++) {
		wr[k] = (struct writer){ k, 0, NULL };
		ck_assert_int_eq(pthread_create(&t[k], NULL, write_regions, &wr[k]), 0);
	}
	for (int k = 0; k < WRITERS + READERS; k++)
		ck_assert_int_eq(pthread_join(t[k], NULL), 0);

	for (int k = 0; k < WRITERS; k++) {
		ck_assert_msg(!wr[k].failed, "writer %d: %s failed", k, wr[k].failed);
		ck_assert_int_ge(wr[k].rounds, MIN_ROUNDS);
	}
	for (int k = 0; k < READERS; k++) {
		ck_assert_msg(!rd[k].failed, "reader %d: %s read %zu bytes above the start", k,
		              rd[k].failed, rd[k].bad_value);
		/* It raced: it read while regions were held. */
		ck_assert_int_gt(rd[k].busy, 0);
	}
	end = rtm_vm_stats();
	ck_assert_uint_eq(end.reserved, base.reserved);
	ck_assert_uint_eq(end.committed, base.committed);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("threads_vm_stats");
	TCase *tc = tcase_create("contention");

	tcase_set_timeout(tc, 4 * SECONDS);
	tcase_add_test(tc, stats_read_under_contention_are_always_whole);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
