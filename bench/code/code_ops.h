/* One function's life, the ways the code benchmarks measure it: each op
 * writes a 64-byte function returning v (machine_code.h's mc_ret_const,
 * padded), makes it runnable, calls it and checks what it returned, so a
 * figure can only come from code that ran.
 *
 *   op_mmap        what small JITs do: mmap a page RW, write, mprotect RX,
 *                  rtm_icache_flush (nothing on x86; what a correct JIT
 *                  must do elsewhere), call, munmap. No other thread is
 *                  told: the page is new to all of them.
 *   op_mmap_patch  that JIT's patch of a function it keeps: mprotect RW,
 *                  rewrite the constant, mprotect RX, flush, call
 *   op_publish     rtm_code_alloc + write + rtm_code_publish + call
 *   op_publish_far the same, but the call is of the function published a
 *                  page (page size / 64 functions) before this one, whose
 *                  constant it checks: the write lands on a page other
 *                  than the one code last ran from. Which of the two a
 *                  JIT does changes what x86 makes of the write (its
 *                  self-modifying-code check works by page)
 *   op_batch       k functions in one rtm_code_alloc of k * 64 bytes,
 *                  written, one rtm_code_publish, each called
 *   op_unpublished rtm_code_alloc + write + call, no publish: NOT a way
 *                  to run code (the contract wants the publish); only
 *                  where the flush is nothing and fetch is coherent (x86,
 *                  s390x: OPS_UNPUBLISHED 1) and with no other thread
 *                  running the region's code, it runs the same bytes, and
 *                  tells what a DUAL publish itself costs in place
 *   op_patch       rtm_code_patch_begin + rewrite the constant +
 *                  rtm_code_publish + call
 *
 * A struct region keeps count of what its code region still holds, so
 * that the caller can reset it before a batch of ops instead of in the
 * middle of one (region_room), and times the resets it makes. */
#ifndef BENCH_CODE_OPS_H
#define BENCH_CODE_OPS_H

#include <stdint.h>

#include <rtmem/code.h>

struct region {
	rtm_code *c;
	const char *who;
	long per;       /* functions per publish */
	long cap;       /* publishes the region holds from empty */
	long used;      /* publishes since create or the last reset */
	long resets;
	long reset_fns; /* functions the resets freed */
	double reset_ns;
	struct rtm_code_buf patch; /* op_patch's function */
	struct far { void *exec; uint32_t v; } *ring; /* op_publish_far's: a page of functions */
	long ring_n;
};

/* Page size; the padded function. Before any op. */
void ops_init(void);
size_t ops_page(void);

/* The 64 bytes of the function returning v, stored at w; a call of the
 * one at exec, which exits the program unless it returns v. */
void fn_write(void *w, uint32_t v);
void fn_call(void *exec, uint32_t v);

/* A region in mode (0: the default) of reserve bytes (0: default, 64
 * MiB on 64-bit) for publishes of per functions each; NULL if the mode
 * is refused. */
struct region *region_new(const char *who, unsigned mode, size_t reserve, long per);
void region_free(struct region *r);

/* Resets r first if n more publishes would not fit. */
void region_room(struct region *r, long n);

void op_mmap(uint32_t v);
void op_publish(struct region *r, uint32_t v);
void op_publish_far(struct region *r, uint32_t v);
void op_batch(struct region *r, uint32_t v);
#if defined(__x86_64__) || defined(__i386__) || defined(__s390x__)
#define OPS_UNPUBLISHED 1
void op_unpublished(struct region *r, uint32_t v);
#else
#define OPS_UNPUBLISHED 0
#endif

/* ns of one rtm_code_reset of a region in mode of reserve bytes whose
 * every page was written and published, as a region is when full.
 * DUAL: *kept is set when the writable view still holds the bytes after
 * the reset (code.h says its pages go back: they read zero). */
double reset_full_ns(unsigned mode, size_t reserve, int *kept);

/* A kept function for the patch ops, returning v0. */
void *mmap_fn_new(uint32_t v0);
void op_mmap_patch(void *fn, uint32_t v);
void mmap_fn_free(void *fn);
void region_patch_fn(struct region *r, uint32_t v0);
void op_patch(struct region *r, uint32_t v);

#endif
