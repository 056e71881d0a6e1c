/* The sys and vm layers are async-signal-safe: a signal handler maps,
 * protects, advises and unmaps (churn.h) while the code it interrupted is
 * in the middle of doing the same. Signals come fast, from an interval
 * timer or from another thread; every call must succeed, in the handler
 * and outside it, and at the end the process has exactly the mappings and
 * the counts it started with. */
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

#define MIN_HANDLED 1000 /* handler rounds the measured phase needs */
#define MIN_OWN     3000 /* rounds outside the handler */
#define SECONDS     (UNDER_TSAN ? 20.0 : 5.0)

/* Everything the handler touches: lock-free atomics and plain words. */
static size_t pg;
static atomic_long handled;
static const char *_Atomic handler_failed;
static atomic_long hooked_mmaps; /* by the hook table of the second test */

static void on_signal(int sig)
{
	const char *why;

	(void)sig;
	why = churn(pg, 0x5a, 16);
	if (why && !atomic_load(&handler_failed))
		atomic_store(&handler_failed, why);
	atomic_fetch_add(&handled, 1);
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

/* Where the signals come from. stop() returns once none is on its way. */
struct source {
	int sig;
	void (*start)(void);
	void (*stop)(void);
};

/* Churns until the handler has raced enough and the box allows. No
 * Check call in the loop: each one allocates, and a sanitizer's allocator
 * maps more as it goes, which would look like a leak. */
static long churn_while_signalled(const struct source *src, long min_own, long min_handled)
{
	struct time_box box = time_box(SECONDS);
	const char *why = NULL;
	long own = 0;

	src->start();
	while (!why && (own < min_own || atomic_load(&handled) < min_handled) && !time_up(&box)) {
		why = churn(pg, 0xa5, 4 << (own & 1));
		own++;
	}
	src->stop();
	ck_assert_msg(why == NULL, "%s failed outside the handler", why);
	ck_assert_msg(!atomic_load(&handler_failed), "%s failed in the handler",
	              atomic_load(&handler_failed));
	ck_assert_int_ge(own, min_own);
	ck_assert_int_ge(atomic_load(&handled), min_handled);
	return own;
}

/* A run first, as long as the one that counts: the first calls find the
 * page size, and a sanitizer runtime maps its own bookkeeping during the
 * first signal-heavy stretch; neither is a leak. Then the baseline, then
 * the run that counts. Returns how many rounds ran outside the handler. */
static long measured_run(const struct source *src)
{
	struct maps_snapshot m0, m1;
	struct rtm_vm_stats v0, v1;
	long own;

	pg = rtm_page_size();
	install(src->sig);
	churn_while_signalled(src, MIN_OWN, MIN_HANDLED);
	atomic_store(&handled, 0);
	atomic_store(&hooked_mmaps, 0);

	m0 = maps_snapshot();
	v0 = rtm_vm_stats();
	own = churn_while_signalled(src, MIN_OWN, MIN_HANDLED);
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
	return own;
}

/* --- an interval timer --------------------------------------------------- */

static void timer_start(void)
{
	/* A round takes some 40 us: every 100 us a signal lands in one, and
	 * the code it interrupts still gets on. */
	struct itimerval fast = { { 0, 100 }, { 0, 100 } };
	ck_assert_int_eq(setitimer(ITIMER_REAL, &fast, NULL), 0);
}

static void timer_stop(void)
{
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	/* A signal already due is delivered on the way out of this call. */
	ck_assert_int_eq(setitimer(ITIMER_REAL, &off, NULL), 0);
}

static const struct source timer = { SIGALRM, timer_start, timer_stop };

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

static const struct timespec breath = { 0, 50000 }, nap = { 0, 1000000 };
static atomic_int killing; /* 1: send, 0: hold, -1: exit */
static atomic_int kill_idle;
static pthread_t target;

static void *killer(void *arg)
{
	(void)arg;
	for (;;) {
		int k = atomic_load(&killing);

		if (k < 0)
			return NULL;
		if (k == 0) {
			/* Napping, not spinning: under TSan every spin is a
			 * traced event, and the trace would grow in the
			 * measured run. */
			atomic_store(&kill_idle, 1);
			nanosleep(&nap, NULL);
			continue;
		}
		atomic_store(&kill_idle, 0);
		pthread_kill(target, SIGUSR1);
		/* A breath between signals, or the target never leaves its
		 * handler and the loop outside it does not get on. */
		nanosleep(&breath, NULL);
	}
}

static void killer_start(void)
{
	atomic_store(&kill_idle, 0);
	atomic_store(&killing, 1);
}

static void killer_stop(void)
{
	sigset_t usr1;

	atomic_store(&killing, 0);
	while (!atomic_load(&kill_idle))
		nanosleep(&breath, NULL);
	/* A signal sent just before the stop may still be pending: blocking
	 * and unblocking it delivers it now. */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
}

static const struct source thread_kills = { SIGUSR1, killer_start, killer_stop };

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
	atomic_store(&killing, -1);
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

	tcase_set_timeout(tc, 5 * SECONDS);
	tcase_add_test(tc, timer_signals_interrupting_mappings_run_the_same_calls);
	tcase_add_test(tc, signals_from_another_thread_with_hooks_installed);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
