/* code_calls: the system calls a code region makes per function, per
 * mode, beside the small JIT's mmap path (issue 12), counted, not timed.
 *
 * Mappings (mmap, munmap, mprotect, madvise) go through <rtmem/sys.h>'s
 * hooks: a hook table that passes each call on counts them, per call of
 * rtm_code_alloc, rtm_code_publish, rtm_code_patch_begin and
 * rtm_code_reset, over N functions. Two calls a publish may make do not
 * go through the hooks, and are counted from the code for the
 * architecture this is built for:
 *   membarrier  MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, one per
 *               publish where RTM_ARCH_ICACHE_SYNC_CORE is 1 and the
 *               region registered the process (asked here: the call
 *               answers 0 only then)
 *   flush       rtm_icache_flush's system call, one per publish on arm
 *               (cacheflush), riscv64 (riscv_flush_icache) and mips64
 *               (cacheflush); instructions only, or nothing, elsewhere
 * The mmap path calls libc, not the hooks: its three calls are its code.
 * strace_code.py counts every system call of the same ops natively.
 *
 * Under qemu-user the counts hold, with one check left out: the emulator
 * does not see a patch written through a DUAL region's writable view to
 * code it has already translated (test/code/test_region.c says so), so a
 * patched DUAL function is not called there.
 *
 * Usage: code_calls [--count N]
 */
#define _GNU_SOURCE 1

#include <rtmem/sys.h>
#include <rtmem/syscall.h>

#include "code_bench.h"
#include "code_ops.h"
#include "count_hooks.h"
#include "emulator.h"
#include "machine_code.h"

#define WHO "code_calls"

#define MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE 32

#if defined(RTM_ARCH_NR_cacheflush) || defined(RTM_ARCH_NR_riscv_flush_icache)
#define FLUSH_CALLS 1
#else
#define FLUSH_CALLS 0
#endif

/* Hooked calls of one kind of step, and the unhooked ones it makes by
 * the code (per step). */
struct tally {
	unsigned long c[NOPS];
	double membarrier, flush;
};

static int sync_on;

static void take(struct tally *t, const unsigned long *before)
{
	for (int i = 0; i < NOPS; i++)
		t->c[i] += calls[i] - before[i];
}

static void row(const char *what, const struct tally *t, double steps, double per)
{
	double sum = 0, v[NOPS];

	for (int i = 0; i < NOPS; i++)
		sum += v[i] = (double)t->c[i] / steps / per;
	printf("  %-32s %5.2f %6.2f %8.2f %7.2f %10.2f %5.2f %6.2f\n", what, v[OP_MMAP],
	       v[OP_MUNMAP], v[OP_MPROTECT], v[OP_MADVISE], t->membarrier / per, t->flush / per,
	       sum + (t->membarrier + t->flush) / per);
}

static struct tally sum2(const struct tally *a, const struct tally *b)
{
	struct tally s;

	for (int i = 0; i < NOPS; i++)
		s.c[i] = a->c[i] + b->c[i];
	s.membarrier = a->membarrier + b->membarrier;
	s.flush = a->flush + b->flush;
	return s;
}

/* A publish's unhooked calls. */
static void publish_extra(struct tally *t)
{
	t->membarrier = sync_on;
	t->flush = FLUSH_CALLS;
}

static void mode_calls(unsigned mode, long n)
{
	struct tally alloc = { { 0 }, 0, 0 }, pub = { { 0 }, 0, 0 };
	struct tally balloc = { { 0 }, 0, 0 }, bpub = { { 0 }, 0, 0 };
	struct tally patch = { { 0 }, 0, 0 }, ppub = { { 0 }, 0, 0 }, reset = { { 0 }, 0, 0 };
	const char *m = mode == RTM_CODE_DUAL ? "dual" : "flip";
	struct region *r = region_new(WHO, mode, 0, 16);
	struct rtm_code_buf b, keep;
	unsigned long before[NOPS];
	char what[64];
	int err;

	if (!r) {
		printf("  %s: refused here\n", m);
		return;
	}
	for (long i = 0; i < n; i++) {
		memcpy(before, calls, sizeof before);
		if ((err = rtm_code_alloc(r->c, FN_SIZE, 0, &b)))
			die(WHO, "rtm_code_alloc", err);
		take(&alloc, before);
		fn_write(b.write, (uint32_t)i);
		memcpy(before, calls, sizeof before);
		if ((err = rtm_code_publish(r->c, &b)))
			die(WHO, "rtm_code_publish", err);
		take(&pub, before);
		fn_call(b.exec, (uint32_t)i);
	}
	for (long i = 0; i < n / 16; i++) {
		memcpy(before, calls, sizeof before);
		if ((err = rtm_code_alloc(r->c, 16 * FN_SIZE, 0, &b)))
			die(WHO, "rtm_code_alloc", err);
		take(&balloc, before);
		for (uint32_t k = 0; k < 16; k++)
			fn_write((char *)b.write + k * FN_SIZE, k);
		memcpy(before, calls, sizeof before);
		if ((err = rtm_code_publish(r->c, &b)))
			die(WHO, "rtm_code_publish", err);
		take(&bpub, before);
		for (uint32_t k = 0; k < 16; k++)
			fn_call((char *)b.exec + k * FN_SIZE, k);
	}
	keep = b;
	for (long i = 0; i < n; i++) {
		memcpy(before, calls, sizeof before);
		if ((err = rtm_code_patch_begin(r->c, &keep)))
			die(WHO, "rtm_code_patch_begin", err);
		take(&patch, before);
		mc_patch_const(keep.write, (uint32_t)i);
		memcpy(before, calls, sizeof before);
		if ((err = rtm_code_publish(r->c, &keep)))
			die(WHO, "rtm_code_publish", err);
		take(&ppub, before);
		if (!(mode == RTM_CODE_DUAL && emulator()))
			fn_call(keep.exec, (uint32_t)i);
	}
	memcpy(before, calls, sizeof before);
	rtm_code_reset(r->c);
	take(&reset, before);
	region_free(r);

	publish_extra(&pub);
	publish_extra(&bpub);
	publish_extra(&ppub);
	{
		struct tally one = sum2(&alloc, &pub), batch = sum2(&balloc, &bpub);
		struct tally patched = sum2(&patch, &ppub);

		snprintf(what, sizeof what, "%s alloc", m);
		row(what, &alloc, (double)n, 1);
		snprintf(what, sizeof what, "%s publish", m);
		row(what, &pub, (double)n, 1);
		snprintf(what, sizeof what, "%s one function", m);
		row(what, &one, (double)n, 1);
		snprintf(what, sizeof what, "%s 16 a publish, per function", m);
		row(what, &batch, (double)(n / 16), 16);
		snprintf(what, sizeof what, "%s patch_begin + publish", m);
		row(what, &patched, (double)n, 1);
		snprintf(what, sizeof what, "%s reset (once, all of it)", m);
		row(what, &reset, 1, 1);
	}
}

__attribute__((noreturn)) static void usage(void)
{
	fprintf(stderr, "usage: code_calls [--count N]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long n = 1000;
	struct tally mm = { { 1, 1, 1, 0 }, 0, FLUSH_CALLS };
	struct tally mp = { { 0, 0, 2, 0 }, 0, FLUSH_CALLS };
	rtm_code *probe;
	unsigned def;
	long r;

	for (int i = 1; i < argc; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "--count"))
			n = parse_long(WHO, argv[++i]);
		else
			usage();
	}
	if (n < 16)
		usage();
	if (!rtm_hooks_enabled()) {
		printf("%s: built with -Dhooks=false: nothing to count\n", WHO);
		return 0;
	}
	ops_init();
	/* The first create registers the process for SYNC_CORE where the
	 * architecture needs it; the call answers 0 only when registered. */
	probe = rtm_code_create(NULL);
	def = rtm_code_mode(probe);
	rtm_code_destroy(probe);
	r = rtm_syscall2(RTM_NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0);
	sync_on = RTM_ARCH_ICACHE_SYNC_CORE && !RTM_SYSCALL_FAILED(r);

	printf("system calls per function (%s, default mode %s), %ld functions of 64 bytes:\n",
	       RTM_ARCH_NAME, def == RTM_CODE_DUAL ? "DUAL" : def == RTM_CODE_FLIP ? "FLIP" : "none",
	       n);
	printf("  mmap munmap mprotect madvise: counted by a hook table (mmap path: its code)\n");
	printf("  membarrier: from the code, %s\n",
	       !RTM_ARCH_ICACHE_SYNC_CORE ? "this architecture needs none (0)"
	       : sync_on ? "SYNC_CORE registered here: one a publish"
	                 : "SYNC_CORE not available here: none");
	printf("  flush: from the code, %s\n",
	       FLUSH_CALLS ? "rtm_icache_flush is one system call here"
	                   : "rtm_icache_flush makes no system call here");
	printf("  %-32s %5s %6s %8s %7s %10s %5s %6s\n", "", "mmap", "munmap", "mprotect",
	       "madvise", "membarrier", "flush", "total");
	row("mmap path, one function", &mm, 1, 1);
	row("mmap path, patch", &mp, 1, 1);
	rtm_set_hooks(&counting);
	mode_calls(RTM_CODE_FLIP, n);
	mode_calls(RTM_CODE_DUAL, n);
	rtm_set_hooks(NULL);
	if (emulator())
		printf("  under %s: patched DUAL code not called (the emulator would run its "
		       "old translation)\n", emulator());
	printf("  not counted: create's memfd_create, ftruncate, fcntl and close (DUAL), "
	       "prctl naming the region (FLIP create and reset), membarrier's registration "
	       "(once a process)\n");
	return 0;
}
