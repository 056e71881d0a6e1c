/* code_bench: what publishing one 64-byte function costs, the small
 * JIT's way and both code region modes side by side in one run, and what
 * a patch of published code costs (issue 12). The ops are code_ops.h's:
 * every function is written, made runnable, called, and must return its
 * own constant.
 *
 *   mmap        mmap RW + write + mprotect RX + flush + call + munmap
 *   flip, dual  rtm_code_alloc + write + rtm_code_publish + call, in a
 *               region of that mode (64 MiB on 64-bit): a FLIP publish
 *               makes the function's page executable and the next
 *               allocation starts on a fresh page; a DUAL publish changes
 *               no mapping. When the region could not hold a batch, it is
 *               reset before the batch, outside the clock; those resets
 *               are timed on their own and reported per function freed
 *   *-bK        K functions in one allocation of K * 64 bytes, written,
 *               published at once, each called: per function. What a
 *               JIT that publishes a compilation unit (or a trace and its
 *               stubs) at a time pays; no change to the region needed
 *   *-patch     patch + publish + call of one function: mprotect RW,
 *               rewrite the constant, mprotect RX, flush, call (mmap);
 *               rtm_code_patch_begin, rewrite, rtm_code_publish, call
 *   membarrier  membarrier(PRIVATE_EXPEDITED_SYNC_CORE) alone, as every
 *               publish makes it where the architecture needs it (the
 *               region registered the process), in a loop
 *   dual-far    dual, but each call is of the function published a page
 *               earlier: the write does not land on the page code last
 *               ran from (x86 pays for that: its self-modifying-code
 *               check works by page)
 *   dual-nopub  dual without the publish: NOT a valid use of the region,
 *               only built where fetch is coherent and the flush nothing
 *               (x86, s390x), to tell what the publish costs in place
 *               (dual - dual-nopub, printed below the table)
 * After the rounds, a full region's reset is timed (every page written
 * and published, three times, the median) and given per function it
 * frees: one a page in FLIP (each publish ends its page), one per 64
 * bytes in DUAL.
 *
 * Default mode: one warm-up round, then ROUNDS rounds (default 41); in a
 * round each variant runs a batch of about CYCLES functions (default
 * 1000), in an order that rotates from round to round. Prints each
 * variant's median, minimum and maximum ns per function over rounds, and
 * the median over rounds of how many times faster than its reference
 * (mmap, or mmap-patch for the patches) it was in the same round.
 *
 * --spin T starts T threads of this process that spin (busy loops)
 * throughout, the main thread on CPU 0 and spinner i on CPU 1 + i (mod
 * the CPUs there are), so that they do run beside it: a membarrier must
 * then interrupt every CPU running one of them, which is what a publish
 * costs in a JIT whose other threads are running code. (Unpinned, on a
 * loaded machine the spinner often waits on the main thread's CPU, and
 * the membarrier has no one to interrupt.)
 *
 * Count mode (--count N --variant V): one warm-up op and N ops of one
 * variant, nothing else, in regions large enough never to be reset, for
 * callgrind_code.py and strace_code.py. V: mmap, flip, dual, flip-b16,
 * dual-b16, mmap-patch, flip-patch, dual-patch, none (the bare loop).
 *
 * Under qemu-user (test/checkers/emulator.h) it says so and does nothing
 * (exit 77, a skip): its times would be the emulator's, and the emulator
 * runs its old translation of a function patched through a DUAL view.
 * code_calls counts there.
 *
 * Usage: code_bench [--rounds R] [--cycles N] [--spin T]
 *        code_bench --count N --variant V
 */
#define _GNU_SOURCE 1 /* clock_gettime under -std=c11 */

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <unistd.h>

#include <rtmem/syscall.h>

#include "code_ops.h"
#include "code_rounds.h"
#include "emulator.h"

#define WHO "code_bench"

/* <linux/membarrier.h>'s, spelled here so that no kernel header is
 * needed. */
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE 32

static uint32_t next_v = 1;
static struct region *flip, *dual, *flip_b16, *dual_b16, *flip_b64, *dual_b64;
static struct region *flip_patch, *dual_patch, *dual_nopub, *dual_far;
static void *mmap_fn;

__attribute__((noinline)) static void run_mmap(long n)
{
	for (long i = 0; i < n; i++)
		op_mmap(next_v++);
}

static void publishes(struct region *r, long n)
{
	for (long i = 0; i < n; i++)
		op_publish(r, next_v++);
}

static void batches(struct region *r, long n)
{
	for (long i = 0; i < n; i++) {
		op_batch(r, next_v);
		next_v += (uint32_t)r->per;
	}
}

__attribute__((noinline)) static void run_flip(long n) { publishes(flip, n); }
__attribute__((noinline)) static void run_dual(long n) { publishes(dual, n); }
__attribute__((noinline)) static void run_flip_b16(long n) { batches(flip_b16, n); }
__attribute__((noinline)) static void run_dual_b16(long n) { batches(dual_b16, n); }
__attribute__((noinline)) static void run_flip_b64(long n) { batches(flip_b64, n); }
__attribute__((noinline)) static void run_dual_b64(long n) { batches(dual_b64, n); }
static void prep_flip(long n) { region_room(flip, n); }
static void prep_dual(long n) { region_room(dual, n); }
static void prep_flip_b16(long n) { region_room(flip_b16, n); }
static void prep_dual_b16(long n) { region_room(dual_b16, n); }
static void prep_flip_b64(long n) { region_room(flip_b64, n); }
static void prep_dual_b64(long n) { region_room(dual_b64, n); }

__attribute__((noinline)) static void run_mmap_patch(long n)
{
	for (long i = 0; i < n; i++)
		op_mmap_patch(mmap_fn, next_v++);
}

__attribute__((noinline)) static void run_flip_patch(long n)
{
	for (long i = 0; i < n; i++)
		op_patch(flip_patch, next_v++);
}

__attribute__((noinline)) static void run_dual_patch(long n)
{
	for (long i = 0; i < n; i++)
		op_patch(dual_patch, next_v++);
}

__attribute__((noinline)) static void run_dual_far(long n)
{
	for (long i = 0; i < n; i++)
		op_publish_far(dual_far, next_v++);
}

static void prep_dual_far(long n) { region_room(dual_far, n); }

#if OPS_UNPUBLISHED
__attribute__((noinline)) static void run_dual_nopub(long n)
{
	for (long i = 0; i < n; i++)
		op_unpublished(dual_nopub, next_v++);
}

static void prep_dual_nopub(long n) { region_room(dual_nopub, n); }
#endif

__attribute__((noinline)) static void run_membarrier(long n)
{
	for (long i = 0; i < n; i++)
		(void)rtm_syscall2(RTM_NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0);
}

__attribute__((noinline)) static void run_none(long n)
{
	for (long i = 0; i < n; i++)
		__asm__ __volatile__("" ::: "memory");
}

enum { V_MMAP, V_FLIP, V_DUAL, V_DUAL_FAR,
#if OPS_UNPUBLISHED
       V_DUAL_NOPUB,
#endif
       V_FLIP_B16, V_DUAL_B16, V_FLIP_B64, V_DUAL_B64, V_MMAP_PATCH, V_FLIP_PATCH,
       V_DUAL_PATCH, V_MEMBARRIER, NV };

static const struct variant variants[NV] = {
	[V_MMAP] = { "mmap", "mmap RW + write + mprotect RX + flush + call + munmap", run_mmap,
	             NULL, 1, 1, V_MMAP },
	[V_FLIP] = { "flip", "rtm_code_alloc + write + rtm_code_publish + call, FLIP", run_flip,
	             prep_flip, 1, 1, V_MMAP },
	[V_DUAL] = { "dual", "the same, DUAL", run_dual, prep_dual, 1, 1, V_MMAP },
	[V_DUAL_FAR] = { "dual-far", "dual, calling the function published a page earlier",
	                 run_dual_far, prep_dual_far, 1, 1, V_MMAP },
#if OPS_UNPUBLISHED
	[V_DUAL_NOPUB] = { "dual-nopub", "dual without the publish (not a valid use: "
	                   "what the publish costs in place, x86 and s390x only)", run_dual_nopub,
	                   prep_dual_nopub, 1, 1, NO_REF },
#endif
	[V_FLIP_B16] = { "flip-b16", "16 functions: one alloc of 1 KiB, 16 writes, one publish, "
	                 "16 calls, FLIP", run_flip_b16, prep_flip_b16, 16, 16, V_MMAP },
	[V_DUAL_B16] = { "dual-b16", "the same, DUAL", run_dual_b16, prep_dual_b16, 16, 16,
	                 V_MMAP },
	[V_FLIP_B64] = { "flip-b64", "64 functions (4 KiB) a publish, FLIP", run_flip_b64,
	                 prep_flip_b64, 64, 64, V_MMAP },
	[V_DUAL_B64] = { "dual-b64", "the same, DUAL", run_dual_b64, prep_dual_b64, 64, 64,
	                 V_MMAP },
	[V_MMAP_PATCH] = { "mmap-patch", "mprotect RW + patch + mprotect RX + flush + call",
	                   run_mmap_patch, NULL, 1, 1, V_MMAP_PATCH },
	[V_FLIP_PATCH] = { "flip-patch", "rtm_code_patch_begin + patch + rtm_code_publish + "
	                   "call, FLIP", run_flip_patch, NULL, 1, 1, V_MMAP_PATCH },
	[V_DUAL_PATCH] = { "dual-patch", "the same, DUAL", run_dual_patch, NULL, 1, 1,
	                   V_MMAP_PATCH },
	[V_MEMBARRIER] = { "membarrier", "membarrier(PRIVATE_EXPEDITED_SYNC_CORE) alone",
	                   run_membarrier, NULL, 1, 1, NO_REF },
};

static struct region *need(const char *name, unsigned mode, size_t reserve, long per)
{
	struct region *r = region_new(name, mode, reserve, per);

	if (!r) {
		fprintf(stderr, "%s: a %s region is refused here\n", WHO,
		        mode == RTM_CODE_DUAL ? "DUAL" : "FLIP");
		exit(1);
	}
	return r;
}

/* reserve 0: the default; else room for that many publishes of the
 * largest batch. */
static void setup(long count)
{
	size_t room = count ? (size_t)(count + 2) * (64 * FN_SIZE > ops_page() ? 64 * FN_SIZE
	                                                                     : ops_page())
	                    : 0;

	flip = need("code_bench-flip", RTM_CODE_FLIP, room, 1);
	dual = need("code_bench-dual", RTM_CODE_DUAL, room, 1);
	flip_b16 = need("code_bench-flip-b16", RTM_CODE_FLIP, room, 16);
	dual_b16 = need("code_bench-dual-b16", RTM_CODE_DUAL, room, 16);
	flip_b64 = need("code_bench-flip-b64", RTM_CODE_FLIP, room, 64);
	dual_b64 = need("code_bench-dual-b64", RTM_CODE_DUAL, room, 64);
	dual_nopub = need("code_bench-dual-nopub", RTM_CODE_DUAL, room, 1);
	dual_far = need("code_bench-dual-far", RTM_CODE_DUAL, room, 1);
	flip_patch = need("code_bench-flip-patch", RTM_CODE_FLIP, 0, 1);
	dual_patch = need("code_bench-dual-patch", RTM_CODE_DUAL, 0, 1);
	region_patch_fn(flip_patch, next_v++);
	region_patch_fn(dual_patch, next_v++);
	mmap_fn = mmap_fn_new(next_v++);
}

/* ---- other threads running ---- */

static atomic_int spin_stop;

static void pin(pthread_t t, long cpu)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;
	int err;

	CPU_ZERO(&set);
	CPU_SET((int)(cpu % (n > 0 ? n : 1)), &set);
	if ((err = pthread_setaffinity_np(t, sizeof set, &set)))
		die(WHO, "pthread_setaffinity_np", err);
}

static void *spin(void *arg)
{
	while (!atomic_load_explicit(&spin_stop, memory_order_relaxed))
		;
	return arg;
}

__attribute__((noreturn)) static void usage(void)
{
	fprintf(stderr, "usage: code_bench [--rounds R] [--cycles N] [--spin T]\n"
	                "       code_bench --count N --variant mmap|flip|dual|flip-b16|dual-b16|"
	                "mmap-patch|flip-patch|dual-patch|none\n");
	exit(2);
}

static int count_mode(long count, const char *name)
{
	static const struct {
		const char *name;
		void (*run)(long);
	} counted[] = {
		{ "mmap", run_mmap },
		{ "flip", run_flip },
		{ "dual", run_dual },
		{ "flip-b16", run_flip_b16 },
		{ "dual-b16", run_dual_b16 },
		{ "mmap-patch", run_mmap_patch },
		{ "flip-patch", run_flip_patch },
		{ "dual-patch", run_dual_patch },
		{ "none", run_none },
	};

	for (size_t i = 0; i < sizeof counted / sizeof counted[0]; i++) {
		if (!strcmp(name, counted[i].name)) {
			counted[i].run(1);
			counted[i].run(count);
			return 0;
		}
	}
	usage();
}

static void print_resets(const struct region *const *rs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct region *r = rs[i];

		if (r->resets)
			printf("  %-22s %ld resets outside the clock: %.1f ns per function they "
			       "freed (%ld)\n", r->who, r->resets,
			       r->reset_ns / (double)r->reset_fns, r->reset_fns);
		else
			printf("  %-22s no reset needed (%ld of %ld publishes used)\n", r->who,
			       r->used, r->cap);
	}
}

int main(int argc, char **argv)
{
	long rounds = 41, cycles = 1000, count = 0, spinners = 0;
	const char *vname = NULL;
	pthread_t th[64];
	struct rounds t;
	unsigned def;
	long sync_err;
	rtm_code *probe;

	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--rounds"))
			rounds = parse_long(WHO, argv[++i]);
		else if (!strcmp(argv[i], "--cycles"))
			cycles = parse_long(WHO, argv[++i]);
		else if (!strcmp(argv[i], "--spin"))
			spinners = parse_long(WHO, argv[++i]);
		else if (!strcmp(argv[i], "--count"))
			count = parse_long(WHO, argv[++i]);
		else if (!strcmp(argv[i], "--variant"))
			vname = argv[++i];
		else
			usage();
	}
	if (spinners > 64)
		usage();
	if (emulator()) {
		printf("%s: skipped under %s: its times would be the emulator's\n", WHO, emulator());
		return 77;
	}
	ops_init();
	if (count || vname) {
		if (!count || !vname)
			usage();
		setup(count);
		return count_mode(count, vname);
	}
	setup(0);
	/* The regions registered the process where the architecture needs
	 * it: the call answers 0 then, and EPERM or EINVAL where publishes
	 * make none. */
	sync_err = rtm_syscall2(RTM_NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0);
	probe = rtm_code_create(NULL);
	def = rtm_code_mode(probe);
	rtm_code_destroy(probe);
	if (spinners)
		pin(pthread_self(), 0);
	for (long i = 0; i < spinners; i++) {
		int err = pthread_create(&th[i], NULL, spin, NULL);

		if (err)
			die(WHO, "pthread_create", err);
		pin(th[i], 1 + i);
	}

	t = rounds_run(WHO, variants, NV, rounds, cycles);
	atomic_store(&spin_stop, 1);
	for (long i = 0; i < spinners; i++)
		pthread_join(th[i], NULL);

	printf("publishing a 64-byte function (%s), %ld rounds of about %ld functions, "
	       "rotating order%s\n", RTM_ARCH_NAME, rounds, cycles,
	       spinners ? ", other threads spinning:" : "");
	if (spinners)
		printf("  %ld other thread%s of this process spinning throughout, pinned to CPU 1 "
		       "on (this one to CPU 0; %ld CPUs online)\n", spinners, spinners > 1 ? "s" : "",
		       sysconf(_SC_NPROCESSORS_ONLN));
	{
		double d = rounds_speedup(&t, def == RTM_CODE_DUAL ? V_DUAL : V_FLIP, V_MMAP);
		double b = rounds_speedup(&t, def == RTM_CODE_DUAL ? V_DUAL_B16 : V_FLIP_B16,
		                          V_MMAP);

#if OPS_UNPUBLISHED
		double pub = rounds_diff(&t, V_DUAL, V_DUAL_NOPUB);
		double mb = rounds_median(&t, V_MEMBARRIER);
#endif

		rounds_print(&t, variants);
#if OPS_UNPUBLISHED
		printf("a DUAL publish in place (dual - dual-nopub, median of per-round "
		       "differences): %.1f ns; membarrier alone, in a loop: %.1f ns\n", pub, mb);
#endif
		printf("default mode (flags 0) here: %s. Goal, its publish 10x faster than mmap: "
		       "%.1fx, %s; publishing 16 at a time: %.1fx\n",
		       def == RTM_CODE_DUAL ? "DUAL" : def == RTM_CODE_FLIP ? "FLIP" : "none",
		       d, d >= 10 ? "met" : "not met", b);
	}
	if (RTM_SYSCALL_FAILED(sync_err))
		printf("membarrier SYNC_CORE answers %ld here: publishes make none, and its row "
		       "times the refusal\n", sync_err);
	printf("resets (not in the figures above):\n");
	{
		const struct region *rs[] = { flip, dual, flip_b16, dual_b16, flip_b64, dual_b64,
			                      dual_nopub, dual_far };

		print_resets(rs, sizeof rs / sizeof rs[0]);
	}
	{
		size_t reserve = sizeof(void *) == 8 ? (size_t)64 << 20 : (size_t)16 << 20;
		double f[3], d[3], fm, dm;
		int kept = 0;

		for (int i = 0; i < 3; i++) {
			f[i] = reset_full_ns(RTM_CODE_FLIP, reserve, &kept);
			d[i] = reset_full_ns(RTM_CODE_DUAL, reserve, &kept);
		}
		fm = median(f, 3);
		dm = median(d, 3);
		printf("  a full %zu MiB region's reset (median of 3): FLIP %.0f us, %.1f ns per "
		       "function at one a page; DUAL %.0f us, %.2f ns per 64-byte function\n",
		       reserve >> 20, fm / 1e3, fm / (double)(reserve / ops_page()), dm / 1e3,
		       dm / (double)(reserve / FN_SIZE));
		if (kept)
			printf("  DUAL: after the reset the writable view still holds the old bytes, "
			       "as code.h says: a DUAL reset keeps its pages\n");
	}
	free(t.ns);
	region_free(flip);
	region_free(dual);
	region_free(flip_b16);
	region_free(dual_b16);
	region_free(flip_b64);
	region_free(dual_b64);
	region_free(flip_patch);
	region_free(dual_patch);
	region_free(dual_nopub);
	region_free(dual_far);
	mmap_fn_free(mmap_fn);
	return 0;
}
