/* The sys and vm layers are async-signal-safe: a signal handler maps,
 * protects, advises and unmaps (churn.h) while the code it interrupted is
 * in the middle of doing the same. Signals come from an interval timer or
 * from another thread; every call must succeed, in the handler and
 * outside it, and at the end the process has exactly the mappings and the
 * counts it started with.
 *
 * Nothing here depends on the machine's speed. The test counts what it
 * needs, OWN_ROUNDS rounds of its own and MID_CHURN handler rounds that
 * landed in the middle of one of them, and waits for both (hang.h guards
 * the wait). One signal at a time is in flight, asked for by the loop at
 * the start of a round once the last handler has finished, so however
 * slow a handler round is (110 us on a 32-bit kernel, milliseconds under
 * qemu-user), the loop outside it gets on: a timer that fired every
 * 100 us whatever happened kept a slow handler running back to back and
 * starved the loop it was meant to interrupt. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/time.h>

#include <check.h>

#include "../fault/maps.h"
#include "../threads/threads.h"
#include "churn.h"
#include "emulator.h"
#include "start_hooks.h"

#ifndef EXPECT_HOOKS
#error "meson passes EXPECT_HOOKS (1 or 0) from -Dhooks"
#endif

#define OWN_ROUNDS 2000 /* rounds outside the handler, per run */
#define MID_CHURN  800  /* handler rounds that interrupted one of them, per run */

/* Everything the handler touches: lock-free atomics and plain words. */
static size_t pg;
static atomic_long handled, handled_mid;
static atomic_int in_churn;  /* 1 while the loop is inside churn() */
static atomic_int in_flight; /* 0: none; 1: asked for; 2: sent (thread) */
static const char *_Atomic handler_failed;
static atomic_long hooked_mmaps; /* by the hook table of the second test */

static void on_signal(int sig)
{
	const int mid = atomic_load(&in_churn);
	const char *why;

	(void)sig;
	why = churn(pg, 0x5a, 16);
	if (why && !atomic_load(&handler_failed))
		atomic_store(&handler_failed, why);
	atomic_fetch_add(&handled, 1);
	if (mid)
		atomic_fetch_add(&handled_mid, 1);
	/* Done: the loop may ask for the next. */
	atomic_store(&in_flight, 0);
}

static void install(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(sig, &sa, NULL), 0);
}

/* Delivers sig now if it is pending for this thread. */
static void flush_pending(int sig)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

/* Where the signals come from. ask() has one signal sent soon, while the
 * loop churns; stop() returns once no signal is on its way. */
struct source {
	int sig;
	void (*ask)(void);
	void (*stop)(void);
};

/* Churns until OWN_ROUNDS rounds are done and MID_CHURN handler rounds
 * have landed in the middle of one, or until the hang guard gives up (then
 * *hung is set). No Check call in the loop: each one allocates, and a
 * sanitizer's allocator maps more as it goes, which would look like a
 * leak. */
static long churn_while_signalled(const struct source *src, const struct time_box *box,
                                  int *hung)
{
	const char *why = NULL;
	long own = 0;

	while (!why && (own < OWN_ROUNDS || atomic_load(&handled_mid) < MID_CHURN)) {
		if (time_up(box)) {
			*hung = 1;
			break;
		}
		if (atomic_load(&in_flight) == 0) {
			atomic_store(&in_flight, 1);
			src->ask();
		}
		atomic_store(&in_churn, 1);
		why = churn(pg, 0xa5, 4 << (own & 1));
		atomic_store(&in_churn, 0);
		own++;
	}
	src->stop();
	atomic_store(&in_flight, 0);
	ck_assert_msg(why == NULL, "%s failed outside the handler", why);
	ck_assert_msg(!atomic_load(&handler_failed), "%s failed in the handler",
	              atomic_load(&handler_failed));
	ck_assert_msg(!*hung,
	              "hung: after %d s, %ld of %d rounds done and %ld of %d handler rounds "
	              "landed in one (%ld handled in all)",
	              HANG_SECONDS, own, OWN_ROUNDS, atomic_load(&handled_mid), MID_CHURN,
	              atomic_load(&handled));
	return own;
}

/* A run first, as long as the one that counts: the first calls find the
 * page size, and a sanitizer runtime maps its own bookkeeping during the
 * first signal-heavy stretch; neither is a leak. Then the baseline, then
 * the run that counts. Returns how many rounds ran outside the handler. */
static long measured_run(const struct source *src)
{
	const struct time_box box = time_box(HANG_SECONDS);
	struct maps_snapshot m0, m1;
	struct rtm_vm_stats v0, v1;
	int hung = 0;
	long own;

	pg = rtm_page_size();
	install(src->sig);
	churn_while_signalled(src, &box, &hung);
	atomic_store(&handled, 0);
	atomic_store(&handled_mid, 0);
	atomic_store(&hooked_mmaps, 0);

	m0 = maps_snapshot();
	v0 = rtm_vm_stats();
	own = churn_while_signalled(src, &box, &hung);
	m1 = maps_snapshot();
	v1 = rtm_vm_stats();
	/* TSan maps more trace memory whenever a thread's history outgrows
	 * what it has, warm-up or not (under load, later): there the region
	 * counters below are the leak check, here and in ASan builds the
	 * address space is. */
	ck_assert_msg(UNDER_TSAN || (m1.count == m0.count && m1.bytes == m0.bytes),
	              "mappings: %zu (%zu bytes), were %zu (%zu bytes)", m1.count, m1.bytes,
	              m0.count, m0.bytes);
	ck_assert_uint_eq(v1.reserved, v0.reserved);
	ck_assert_uint_eq(v1.committed, v0.committed);
	ck_assert_int_ge(own, OWN_ROUNDS);
	ck_assert_int_ge(atomic_load(&handled_mid), MID_CHURN);
	return own;
}

/* --- an interval timer --------------------------------------------------- */

static void timer_ask(void)
{
	/* One shot, 20 to 300 us on, a different delay each time: asked at
	 * the start of a round, a signal after a fixed delay would land at
	 * the same point of every round that takes longer (on a slow kernel
	 * path, it did). */
	static unsigned asks;
	struct itimerval once = { { 0, 0 }, { 0, 20 + 40 * (long)(asks++ % 8) } };

	ck_assert_int_eq(setitimer(ITIMER_REAL, &once, NULL), 0);
}

static void timer_stop(void)
{
	struct itimerval off = { { 0, 0 }, { 0, 0 } };

	ck_assert_int_eq(setitimer(ITIMER_REAL, &off, NULL), 0);
	/* A signal that came due before the timer stopped. */
	flush_pending(SIGALRM);
}

static const struct source timer = { SIGALRM, timer_ask, timer_stop };

START_TEST(timer_signals_interrupting_mappings_run_the_same_calls)
{
	/* The raw calls: no table at all, not even the one the process
	 * started with. */
	ck_assert_ptr_eq(rtm_set_hooks(NULL), START_HOOKS);
	measured_run(&timer);
	ck_assert_ptr_null(rtm_set_hooks(START_HOOKS));
}
END_TEST

/* --- another thread, with hooks installed ------------------------------- */

/* The hooks are async-signal-safe when they are: these count with atomics
 * and map with raw calls. */

static rtm_mmap_result h_mmap(void *ctx, void *addr, size_t n, int prot, int flags, int fd,
                              uint64_t off)
{
	(void)ctx;
	atomic_fetch_add(&hooked_mmaps, 1);
	return rtm_sys_mmap(addr, n, prot, flags, fd, off);
}

static int h_munmap(void *ctx, void *addr, size_t n)
{
	(void)ctx;
	return rtm_sys_munmap(addr, n);
}

static const struct rtm_hooks counting = { .mmap = h_mmap, .munmap = h_munmap };

static const struct timespec breath = { 0, 50000 };
static atomic_int killer_exit;
static pthread_t target;

/* Sends a signal whenever the loop has asked for one. */
static void *killer(void *arg)
{
	(void)arg;
	while (!atomic_load(&killer_exit)) {
		int asked = 1;

		if (atomic_compare_exchange_strong(&in_flight, &asked, 2))
			pthread_kill(target, SIGUSR1);
		/* Polling, not spinning: two cores, and under TSan every
		 * spin is a traced event. */
		nanosleep(&breath, NULL);
	}
	return NULL;
}

static void killer_ask(void)
{
	/* in_flight is 1: the killer's next look sends it. */
}

static void killer_stop(void)
{
	int asked = 1;

	/* Asked for but not sent: taken back, the killer will not send it.
	 * Sent, or about to be: it is for this thread, and its handler is
	 * what sets in_flight back to 0 (it interrupts the nap). */
	if (!atomic_compare_exchange_strong(&in_flight, &asked, 0))
		while (atomic_load(&in_flight) != 0)
			nanosleep(&breath, NULL);
}

static const struct source thread_kills = { SIGUSR1, killer_ask, killer_stop };

START_TEST(signals_from_another_thread_with_hooks_installed)
{
	pthread_t t;
	long own;

#if defined(__i386__)
	if (skip_under_emulator("a signal from another thread breaks pthread_join"))
		return;
#endif
	ck_assert_ptr_eq(rtm_set_hooks(&counting), START_HOOKS);
	target = pthread_self();
	/* The killer lives through both snapshots, so its stack is in both. */
	ck_assert_int_eq(pthread_create(&t, NULL, killer, NULL), 0);
	own = measured_run(&thread_kills);
	atomic_store(&killer_exit, 1);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_ptr_eq(rtm_set_hooks(START_HOOKS), &counting);
	/* Every mmap of every measured round, in the handler and outside
	 * it, went through the table: none was lost or doubled. */
	ck_assert_int_eq(atomic_load(&hooked_mmaps),
	                 EXPECT_HOOKS ? (own + atomic_load(&handled)) * CHURN_HOOKED_MMAPS : 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("signals");
	TCase *tc = tcase_create("handlers");

	tcase_set_timeout(tc, HANG_CHECK_TIMEOUT);
	tcase_add_test(tc, timer_signals_interrupting_mappings_run_the_same_calls);
	tcase_add_test(tc, signals_from_another_thread_with_hooks_installed);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
