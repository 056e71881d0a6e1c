/* The ops of code_ops.h. */
#define _GNU_SOURCE 1 /* MAP_ANONYMOUS under -std=c11 */

#include <sys/mman.h>
#include <unistd.h>

#include "code_bench.h"
#include "code_ops.h"
#include "machine_code.h"

static unsigned char tmpl[FN_SIZE];
static size_t page;

size_t ops_page(void)
{
	return page;
}

void ops_init(void)
{
	page = (size_t)sysconf(_SC_PAGESIZE);
	/* The padding is never run: int3 on x86, zeros (undefined or
	 * trapping words) elsewhere, so a wild jump into it stops. */
#if defined(__x86_64__) || defined(__i386__)
	memset(tmpl, 0xcc, sizeof tmpl);
#endif
	(void)mc_ret_const(tmpl, 0);
}

/* A store of all 64 bytes, as a JIT's emitter would make, then this
 * function's constant. */
void fn_write(void *w, uint32_t v)
{
	memcpy(w, tmpl, FN_SIZE);
	mc_patch_const(w, v);
}

void fn_call(void *exec, uint32_t v)
{
	int32_t got = mc_const_at(exec)();

	if (got != (int32_t)v) {
		fprintf(stderr, "code_ops: the function at %p returned %ld, not %ld\n", exec,
		        (long)got, (long)(int32_t)v);
		exit(1);
	}
}

struct region *region_new(const char *who, unsigned mode, size_t reserve, long per)
{
	struct rtm_code_config cfg = { reserve, mode, who };
	struct region *r = calloc(1, sizeof *r);
	size_t bytes = (size_t)per * FN_SIZE;

	if (!r)
		die(who, "calloc", ENOMEM);
	if (!(r->c = rtm_code_create(&cfg))) {
		free(r);
		return NULL;
	}
	if (!reserve)
		reserve = sizeof(void *) == 8 ? (size_t)64 << 20 : (size_t)16 << 20;
	reserve = (reserve + page - 1) & ~(page - 1);
	r->who = who;
	r->per = per;
	r->ring_n = (long)(page / FN_SIZE);
	if (!(r->ring = calloc((size_t)r->ring_n, sizeof *r->ring)))
		die(who, "calloc", ENOMEM);
	/* FLIP: a publish ends its last page, and the next allocation starts
	 * on a fresh one; DUAL: allocations follow each other (64 is a
	 * multiple of the default alignment). */
	if (rtm_code_mode(r->c) == RTM_CODE_FLIP)
		r->cap = (long)(reserve / page / ((bytes + page - 1) / page));
	else
		r->cap = (long)(reserve / bytes);
	return r;
}

void region_free(struct region *r)
{
	if (r) {
		rtm_code_destroy(r->c);
		free(r->ring);
		free(r);
	}
}

void region_room(struct region *r, long n)
{
	double t0;

	if (n > r->cap)
		die(r->who, "region_room: a batch larger than the region", ENOMEM);
	if (r->used + n <= r->cap)
		return;
	t0 = now_ns();
	rtm_code_reset(r->c);
	r->reset_ns += now_ns() - t0;
	r->reset_fns += r->used * r->per;
	r->resets++;
	r->used = 0;
	memset(r->ring, 0, sizeof *r->ring * (size_t)r->ring_n);
}

double reset_full_ns(unsigned mode, size_t reserve, int *kept)
{
	struct rtm_code_config cfg = { reserve, mode, "code_bench-reset" };
	rtm_code *c = rtm_code_create(&cfg);
	struct rtm_code_buf b;
	double t0, t1;
	int err;

	if (!c)
		die("reset_full_ns", "rtm_code_create", EPERM);
	if ((err = rtm_code_alloc(c, reserve, 0, &b)))
		die("reset_full_ns", "rtm_code_alloc", err);
	memset(b.write, 0xcc, b.size);
	if ((err = rtm_code_publish(c, &b)))
		die("reset_full_ns", "rtm_code_publish", err);
	t0 = now_ns();
	rtm_code_reset(c);
	t1 = now_ns();
	if (mode == RTM_CODE_DUAL)
		*kept = ((volatile unsigned char *)b.write)[b.size / 2] != 0;
	rtm_code_destroy(c);
	return t1 - t0;
}

/* What small JITs do per function: a mapping of its own, flipped to
 * executable, called, unmapped. */
void op_mmap(uint32_t v)
{
	mmap_fn_free(mmap_fn_new(v));
}

/* A function returning v, allocated from r and written, published when
 * publish is set. */
static struct rtm_code_buf fn_new(struct region *r, uint32_t v, int publish)
{
	struct rtm_code_buf b;
	int err = rtm_code_alloc(r->c, FN_SIZE, 0, &b);

	if (err)
		die(r->who, "rtm_code_alloc", err);
	fn_write(b.write, v);
	if (publish && (err = rtm_code_publish(r->c, &b)))
		die(r->who, "rtm_code_publish", err);
	return b;
}

void op_publish(struct region *r, uint32_t v)
{
	struct rtm_code_buf b = fn_new(r, v, 1);

	fn_call(b.exec, v);
	r->used++;
}

void op_publish_far(struct region *r, uint32_t v)
{
	struct far *f = &r->ring[r->used % r->ring_n];
	struct rtm_code_buf b = fn_new(r, v, 1);

	/* The first page's worth after a reset has none a page back. */
	if (f->exec)
		fn_call(f->exec, f->v);
	else
		fn_call(b.exec, v);
	f->exec = b.exec;
	f->v = v;
	r->used++;
}

#if OPS_UNPUBLISHED
void op_unpublished(struct region *r, uint32_t v)
{
	struct rtm_code_buf b = fn_new(r, v, 0);

	fn_call(b.exec, v);
	r->used++;
}
#endif

void op_batch(struct region *r, uint32_t v)
{
	struct rtm_code_buf b;
	long k = r->per;
	int err = rtm_code_alloc(r->c, (size_t)k * FN_SIZE, 0, &b);

	if (err)
		die(r->who, "rtm_code_alloc", err);
	for (long i = 0; i < k; i++)
		fn_write((char *)b.write + i * FN_SIZE, v + (uint32_t)i);
	if ((err = rtm_code_publish(r->c, &b)))
		die(r->who, "rtm_code_publish", err);
	for (long i = 0; i < k; i++)
		fn_call((char *)b.exec + i * FN_SIZE, v + (uint32_t)i);
	r->used++;
}

void *mmap_fn_new(uint32_t v0)
{
	void *p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap_fn_new", "mmap", errno);
	fn_write(p, v0);
	if (mprotect(p, page, PROT_READ | PROT_EXEC))
		die("mmap_fn_new", "mprotect", errno);
	rtm_icache_flush(p, FN_SIZE);
	fn_call(p, v0);
	return p;
}

void op_mmap_patch(void *fn, uint32_t v)
{
	if (mprotect(fn, page, PROT_READ | PROT_WRITE))
		die("op_mmap_patch", "mprotect RW", errno);
	mc_patch_const(fn, v);
	if (mprotect(fn, page, PROT_READ | PROT_EXEC))
		die("op_mmap_patch", "mprotect RX", errno);
	rtm_icache_flush(fn, FN_SIZE);
	fn_call(fn, v);
}

void mmap_fn_free(void *fn)
{
	if (munmap(fn, page))
		die("mmap_fn_free", "munmap", errno);
}

void region_patch_fn(struct region *r, uint32_t v0)
{
	int err = rtm_code_alloc(r->c, FN_SIZE, 0, &r->patch);

	if (err)
		die(r->who, "rtm_code_alloc", err);
	fn_write(r->patch.write, v0);
	if ((err = rtm_code_publish(r->c, &r->patch)))
		die(r->who, "rtm_code_publish", err);
	fn_call(r->patch.exec, v0);
	r->used++;
}

void op_patch(struct region *r, uint32_t v)
{
	int err = rtm_code_patch_begin(r->c, &r->patch);

	if (err)
		die(r->who, "rtm_code_patch_begin", err);
	mc_patch_const(r->patch.write, v);
	if ((err = rtm_code_publish(r->c, &r->patch)))
		die(r->who, "rtm_code_publish", err);
	fn_call(r->patch.exec, v);
}
