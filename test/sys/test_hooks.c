/* rtm_set_hooks / rtm_get_hooks and the hooked rtm_* entry points.
 *
 * Built once per configuration with EXPECT_HOOKS = 1 or 0 (-Dhooks). With
 * 0 the same tests assert the opposite: the table is stored and returned,
 * but no hook is ever called and every op is the raw system call. */
#include <string.h>

#include "api.h"
#include "probe.h"

#ifndef EXPECT_HOOKS
#error "meson passes EXPECT_HOOKS (1 or 0) from -Dhooks"
#endif

#define RW   (RTM_PROT_READ | RTM_PROT_WRITE)
#define ANON (RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS)

enum op { OP_MMAP, OP_MUNMAP, OP_MPROTECT, OP_MADVISE, OP_COUNT };

/* What the hooks saw, and how they answer. The hooks get a pointer to it
 * as ctx; ctx_seen records that pointer so a test can see it arrived. */
static struct rec {
	int calls[OP_COUNT];
	void *ctx_seen[OP_COUNT];
	void *addr;
	size_t n;
	int prot, flags, fd, advice;
	uint64_t off;
	int fail[OP_COUNT]; /* nonzero: the hook returns this errno */
	int delegate;       /* the hook calls rtm_sys_* (else a canned answer) */
} rec;

/* Never a real mapping: only a hook can return it. */
#define CANNED_ADDR ((void *)0x7e570000)

static struct rec *seen(void *ctx, enum op op, void *addr, size_t n)
{
	struct rec *r = ctx;

	rec.calls[op]++;
	rec.ctx_seen[op] = ctx;
	rec.addr = addr;
	rec.n = n;
	return r;
}

static rtm_mmap_result hook_mmap(void *ctx, void *addr, size_t n, int prot, int flags, int fd,
                                 uint64_t off)
{
	struct rec *r = seen(ctx, OP_MMAP, addr, n);
	rtm_mmap_result res = { CANNED_ADDR, 0 };

	r->prot = prot;
	r->flags = flags;
	r->fd = fd;
	r->off = off;
	if (r->fail[OP_MMAP]) {
		res.addr = NULL;
		res.err = r->fail[OP_MMAP];
		return res;
	}
	return r->delegate ? rtm_sys_mmap(addr, n, prot, flags, fd, off) : res;
}

static int hook_munmap(void *ctx, void *addr, size_t n)
{
	struct rec *r = seen(ctx, OP_MUNMAP, addr, n);

	if (r->fail[OP_MUNMAP])
		return r->fail[OP_MUNMAP];
	return r->delegate ? rtm_sys_munmap(addr, n) : 0;
}

static int hook_mprotect(void *ctx, void *addr, size_t n, int prot)
{
	struct rec *r = seen(ctx, OP_MPROTECT, addr, n);

	r->prot = prot;
	if (r->fail[OP_MPROTECT])
		return r->fail[OP_MPROTECT];
	return r->delegate ? rtm_sys_mprotect(addr, n, prot) : 0;
}

static int hook_madvise(void *ctx, void *addr, size_t n, int advice)
{
	struct rec *r = seen(ctx, OP_MADVISE, addr, n);

	r->advice = advice;
	if (r->fail[OP_MADVISE])
		return r->fail[OP_MADVISE];
	return r->delegate ? rtm_sys_madvise(addr, n, advice) : 0;
}

static const struct rtm_hooks all_ops = { hook_mmap, hook_munmap, hook_mprotect, hook_madvise,
	                                  &rec };
static const struct rtm_hooks only_mmap = { .mmap = hook_mmap, .ctx = &rec };
static const struct rtm_hooks all_but_mmap = {
	.munmap = hook_munmap, .mprotect = hook_mprotect, .madvise = hook_madvise, .ctx = &rec
};

static const struct api *const H = &apis[API_HOOKED];

/* Each test starts from the process's start table (start_hooks.h) and
 * takes it away: these tests are about tables installed over none. The
 * fixture's hooks_off puts it back. */
static void setup(void)
{
	memset(&rec, 0, sizeof rec);
	ck_assert_ptr_eq(rtm_set_hooks(NULL), START_HOOKS);
}

static void expect_calls(int mmap, int munmap, int mprotect, int madvise)
{
	ck_assert_int_eq(rec.calls[OP_MMAP], mmap);
	ck_assert_int_eq(rec.calls[OP_MUNMAP], munmap);
	ck_assert_int_eq(rec.calls[OP_MPROTECT], mprotect);
	ck_assert_int_eq(rec.calls[OP_MADVISE], madvise);
}

static void expect_perms(const void *p, const char *want)
{
	char perms[5];

	maps_perms(p, perms);
	ck_assert_str_eq(perms, want);
}

START_TEST(a_fresh_process_has_no_hooks_and_knows_its_build)
{
	ck_assert_ptr_null(rtm_get_hooks());
	ck_assert_int_eq(rtm_hooks_enabled(), EXPECT_HOOKS);
}
END_TEST

/* Arguments no raw call would accept, so a raw call cannot pass for the
 * hook: an unaligned address, an unaligned 64-bit offset, unknown bits. */
START_TEST(installed_table_gets_every_op_with_its_ctx_and_the_arguments)
{
	void *const odd = (void *)0x12345;
	const uint64_t off = 0x0123456789abcdefULL;
	const int flags = ANON | RTM_MAP_NORESERVE;
	rtm_mmap_result r;
	int e[OP_COUNT];

	ck_assert_ptr_null(rtm_set_hooks(&all_ops));
	r = T_MMAP(H, odd, 3 * page_size() + 5, RTM_PROT_READ | RTM_PROT_EXEC, flags, 77, off);
	if (EXPECT_HOOKS) {
		ck_assert_ptr_eq(r.addr, CANNED_ADDR);
		ck_assert_ptr_eq(rec.ctx_seen[OP_MMAP], &rec);
		ck_assert_ptr_eq(rec.addr, odd);
		ck_assert_uint_eq(rec.n, 3 * page_size() + 5);
		ck_assert_int_eq(rec.prot, RTM_PROT_READ | RTM_PROT_EXEC);
		ck_assert_int_eq(rec.flags, flags);
		ck_assert_int_eq(rec.fd, 77);
		ck_assert_uint_eq(rec.off, off);
	} else {
		ck_assert_int_eq(r.err, RTM_EINVAL);
	}

	e[OP_MUNMAP] = T_MUNMAP(H, odd, 7);
	if (EXPECT_HOOKS)
		ck_assert(rec.ctx_seen[OP_MUNMAP] == &rec && rec.addr == odd && rec.n == 7);

	e[OP_MPROTECT] = T_MPROTECT(H, odd, 9, RTM_PROT_READ | 0x80);
	if (EXPECT_HOOKS)
		ck_assert(rec.ctx_seen[OP_MPROTECT] == &rec && rec.addr == odd && rec.n == 9 &&
		          rec.prot == (RTM_PROT_READ | 0x80));

	e[OP_MADVISE] = T_MADVISE(H, odd, 11, 12345);
	if (EXPECT_HOOKS)
		ck_assert(rec.ctx_seen[OP_MADVISE] == &rec && rec.addr == odd && rec.n == 11 &&
		          rec.advice == 12345);

	for (int op = OP_MUNMAP; op < OP_COUNT; op++)
		ck_assert_int_eq(e[op], EXPECT_HOOKS ? 0 : RTM_EINVAL);
	expect_calls(EXPECT_HOOKS, EXPECT_HOOKS, EXPECT_HOOKS, EXPECT_HOOKS);
	ck_assert_ptr_eq(rtm_set_hooks(NULL), &all_ops);
}
END_TEST

START_TEST(set_hooks_returns_the_table_it_replaces)
{
	/* rtmem keeps the pointer, not a copy: get returns the same address. */
	ck_assert_ptr_null(rtm_set_hooks(&all_ops));
	ck_assert_ptr_eq(rtm_get_hooks(), &all_ops);
	ck_assert_ptr_eq(rtm_set_hooks(&only_mmap), &all_ops);
	ck_assert_ptr_eq(rtm_get_hooks(), &only_mmap);
	ck_assert_ptr_eq(rtm_set_hooks(&only_mmap), &only_mmap);
	ck_assert_ptr_eq(rtm_set_hooks(NULL), &only_mmap);
	ck_assert_ptr_null(rtm_get_hooks());
	ck_assert_ptr_null(rtm_set_hooks(NULL));
	expect_calls(0, 0, 0, 0);
}
END_TEST

START_TEST(null_members_stay_raw_system_calls)
{
	size_t pg = page_size();
	unsigned char *p;

	rec.delegate = 1;
	rtm_set_hooks(&only_mmap);
	p = T_ANON(H, 2 * pg);
	memset(p, 0x19, 2 * pg);
	ck_assert_int_eq(T_MPROTECT(H, p, pg, RTM_PROT_READ), 0);
	expect_perms(p, "r--p");
	ck_assert_int_eq(T_MADVISE(H, p + pg, pg, RTM_MADV_DONTNEED), 0);
	ck_assert_uint_eq(p[pg], 0);
	ck_assert_int_eq(T_MUNMAP(H, p, 2 * pg), 0);
	ck_assert_uint_eq(pages_mapped(p, 2 * pg), 0);
	expect_calls(EXPECT_HOOKS, 0, 0, 0);

	rtm_set_hooks(&all_but_mmap);
	p = T_ANON(H, pg);
	p[0] = 0x19;
	ck_assert_int_eq(T_MPROTECT(H, p, pg, RTM_PROT_READ), 0);
	expect_perms(p, "r--p");
	ck_assert_int_eq(T_MADVISE(H, p, pg, RTM_MADV_DONTNEED), 0);
	ck_assert_uint_eq(p[0], 0);
	ck_assert_int_eq(T_MUNMAP(H, p, pg), 0);
	ck_assert(!page_mapped(p));
	expect_calls(EXPECT_HOOKS, EXPECT_HOOKS, EXPECT_HOOKS, EXPECT_HOOKS);
	ck_assert_ptr_eq(rtm_set_hooks(NULL), &all_but_mmap);
}
END_TEST

START_TEST(removed_table_is_no_longer_called)
{
	unsigned char *p;

	ck_assert_ptr_null(rtm_set_hooks(&all_ops));
	ck_assert_ptr_eq(rtm_set_hooks(NULL), &all_ops);
	p = T_ANON(H, page_size());
	p[0] = 1;
	ck_assert_int_eq(T_MPROTECT(H, p, page_size(), RTM_PROT_READ), 0);
	expect_perms(p, "r--p");
	ck_assert_int_eq(T_MADVISE(H, p, page_size(), RTM_MADV_DONTNEED), 0);
	ck_assert_uint_eq(p[0], 0);
	ck_assert_int_eq(T_MUNMAP(H, p, page_size()), 0);
	ck_assert(!page_mapped(p));
	expect_calls(0, 0, 0, 0);
}
END_TEST

START_TEST(failing_hook_error_reaches_the_caller_and_nothing_changes)
{
	size_t pg = page_size();
	void *hole = T_ANON(&apis[API_SYS], 2 * pg);
	unsigned char *p = T_ANON(&apis[API_SYS], pg);
	rtm_mmap_result r;

	ck_assert_int_eq(rtm_sys_munmap(hole, 2 * pg), 0);
	memset(p, 0x5a, pg);
	rec.fail[OP_MMAP] = RTM_EAGAIN;
	rec.fail[OP_MUNMAP] = RTM_EPERM;
	rec.fail[OP_MPROTECT] = RTM_EFAULT;
	rec.fail[OP_MADVISE] = RTM_EINTR;
	rtm_set_hooks(&all_ops);

	r = T_MMAP(H, hole, 2 * pg, RW, ANON | RTM_MAP_FIXED_NOREPLACE, -1, 0);
	ck_assert_int_eq(r.err, EXPECT_HOOKS ? RTM_EAGAIN : 0);
	ck_assert_uint_eq(pages_mapped(hole, 2 * pg), EXPECT_HOOKS ? 0 : 2);
	if (!EXPECT_HOOKS)
		ck_assert_int_eq(rtm_sys_munmap(r.addr, 2 * pg), 0);

	ck_assert_int_eq(T_MPROTECT(H, p, pg, RTM_PROT_READ), EXPECT_HOOKS ? RTM_EFAULT : 0);
	expect_perms(p, EXPECT_HOOKS ? "rw-p" : "r--p");
	ck_assert_int_eq(T_MADVISE(H, p, pg, RTM_MADV_DONTNEED), EXPECT_HOOKS ? RTM_EINTR : 0);
	ck_assert_uint_eq(p[0], EXPECT_HOOKS ? 0x5a : 0);
	ck_assert_int_eq(T_MUNMAP(H, p, pg), EXPECT_HOOKS ? RTM_EPERM : 0);
	ck_assert_int_eq(page_mapped(p), EXPECT_HOOKS);

	expect_calls(EXPECT_HOOKS, EXPECT_HOOKS, EXPECT_HOOKS, EXPECT_HOOKS);
	rtm_set_hooks(NULL);
	ck_assert_int_eq(T_MUNMAP(H, p, pg), 0);
}
END_TEST

START_TEST(delegating_hook_returns_a_real_mapping)
{
	size_t n = 2 * page_size();
	unsigned char *p;

	rec.delegate = 1;
	rtm_set_hooks(&all_ops);
	p = T_ANON(H, n);
	if (EXPECT_HOOKS)
		ck_assert(rec.addr == NULL && rec.n == n && rec.prot == RW && rec.flags == ANON &&
		          rec.fd == -1 && rec.off == 0);
	ck_assert_uint_eq(pages_mapped(p, n), 2);
	expect_perms(p, "rw-p");
	memset(p, 0x6b, n);
	ck_assert_int_eq(T_MPROTECT(H, p, n, RTM_PROT_READ), 0);
	expect_perms(p, "r--p");
	ck_assert_int_eq(T_MADVISE(H, p, n, RTM_MADV_DONTNEED), 0);
	ck_assert_uint_eq(p[n - 1], 0);
	ck_assert_int_eq(T_MUNMAP(H, p, n), 0);
	ck_assert_uint_eq(pages_mapped(p, n), 0);
	expect_calls(EXPECT_HOOKS, EXPECT_HOOKS, EXPECT_HOOKS, EXPECT_HOOKS);
	rtm_set_hooks(NULL);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("hooks");
	TCase *tc = tcase_create("hooks");

	tcase_add_checked_fixture(tc, setup, hooks_off);
	tcase_add_test(tc, a_fresh_process_has_no_hooks_and_knows_its_build);
	tcase_add_test(tc, installed_table_gets_every_op_with_its_ctx_and_the_arguments);
	tcase_add_test(tc, set_hooks_returns_the_table_it_replaces);
	tcase_add_test(tc, null_members_stay_raw_system_calls);
	tcase_add_test(tc, removed_table_is_no_longer_called);
	tcase_add_test(tc, failing_hook_error_reaches_the_caller_and_nothing_changes);
	tcase_add_test(tc, delegating_hook_returns_a_real_mapping);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
