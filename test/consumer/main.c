/* A hosted program using rtmem as an outside project would: raw mappings,
 * an arena, and a host runtime's own hook table that accounts for every
 * mapping and hands the work to rtm_libc_hooks. Exits 1 on the first
 * result that is not what rtmem documents. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rtmem/arena.h>
#include <rtmem/libc_hooks.h>
#include <rtmem/vm.h>

#define FAIL(...)                                                  \
	do {                                                       \
		fprintf(stderr, "consumer: line %d: ", __LINE__);  \
		fprintf(stderr, __VA_ARGS__);                      \
		fputc('\n', stderr);                               \
		return 1;                                          \
	} while (0)

/* What a host runtime might keep: bytes mapped through rtmem right now. */
struct account {
	long mmaps, munmaps;
	size_t live;
};

static rtm_mmap_result acct_mmap(void *ctx, void *addr, size_t n, int prot, int flags, int fd,
                                 uint64_t off)
{
	struct account *acct = ctx;
	rtm_mmap_result r = rtm_libc_hooks.mmap(rtm_libc_hooks.ctx, addr, n, prot, flags, fd, off);

	if (!r.err) {
		acct->mmaps++;
		/* A fixed mapping over reserved space replaces, not adds. */
		if (!(flags & RTM_MAP_FIXED))
			acct->live += n;
	}
	return r;
}

static int acct_munmap(void *ctx, void *addr, size_t n)
{
	struct account *acct = ctx;
	int err = rtm_libc_hooks.munmap(rtm_libc_hooks.ctx, addr, n);

	if (!err) {
		acct->munmaps++;
		acct->live -= n;
	}
	return err;
}

static struct account acct;

/* mprotect and madvise stay raw system calls (NULL members). */
static const struct rtm_hooks acct_hooks = {
	.mmap = acct_mmap,
	.munmap = acct_munmap,
	.ctx = &acct,
};

static int use_arena(void)
{
	struct rtm_arena_config cfg = { .reserve = 1 << 20, .name = "consumer" };
	rtm_arena *a = rtm_arena_create(&cfg);
	uint32_t *v[1000];

	if (!a)
		FAIL("rtm_arena_create failed");
	for (uint32_t k = 0; k < 1000; k++) {
		v[k] = rtm_arena_alloc(a, 4 * 1024, 64);
		if (!v[k] || (uintptr_t)v[k] % 64)
			FAIL("allocation %u failed or is misaligned", (unsigned)k);
		memset(v[k], 0, 4 * 1024);
		v[k][0] = k;
	}
	for (uint32_t k = 0; k < 1000; k++) {
		if (v[k][0] != k)
			FAIL("allocation %u was overwritten", (unsigned)k);
	}
	/* 4 MB of allocations in 1 MiB blocks: the arena had to grow. */
	if (rtm_arena_stats(a).blocks < 4)
		FAIL("the arena has %zu blocks, want 4 or more", rtm_arena_stats(a).blocks);
	if (rtm_arena_alloc(a, 16, 3) != NULL)
		FAIL("an alignment of 3 was accepted");
	rtm_arena_destroy(a);
	return 0;
}

int main(void)
{
	size_t page = rtm_page_size(), n = 8 * page;
	struct rtm_vm_stats before = rtm_vm_stats(), after;
	rtm_mmap_result r;
	unsigned char *p;

	if (page < 4096 || (page & (page - 1)))
		FAIL("rtm_page_size() = %zu", page);

	r = rtm_mmap(NULL, n, RTM_PROT_READ | RTM_PROT_WRITE, RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS, -1, 0);
	if (r.err)
		FAIL("rtm_mmap: error %d", r.err);
	p = r.addr;
	memset(p, 0xab, n);
	if (rtm_madvise(p, n, RTM_MADV_DONTNEED) || p[n - 1] != 0)
		FAIL("MADV_DONTNEED did not give back zero pages");
	if (rtm_munmap(p, n))
		FAIL("rtm_munmap failed");
	r = rtm_mmap(NULL, 0, RTM_PROT_READ, RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS, -1, 0);
	if (r.err != RTM_EINVAL || r.addr)
		FAIL("rtm_mmap of 0 bytes: error %d, want RTM_EINVAL (%d)", r.err, RTM_EINVAL);
	/* In hosted code the RTM_E* values are the system's E* values. */
	if (RTM_EINVAL != EINVAL || RTM_ENOMEM != ENOMEM)
		FAIL("RTM_E* differ from <errno.h>");
	if (use_arena())
		return 1;

	if (rtm_set_hooks(&acct_hooks) != NULL)
		FAIL("a hook table was installed before");
	if (use_arena())
		return 1;
	if (rtm_hooks_enabled() && (acct.mmaps == 0 || acct.munmaps == 0))
		FAIL("the arena bypassed the hooks (%ld mmaps, %ld munmaps)", acct.mmaps, acct.munmaps);
	if (acct.live != 0)
		FAIL("%zu bytes still mapped after rtm_arena_destroy", acct.live);
	rtm_set_hooks(NULL);

	after = rtm_vm_stats();
	if (after.reserved != before.reserved || after.committed != before.committed)
		FAIL("rtm_vm_stats did not return to where it started");
	printf("consumer: ok (page %zu, %ld mappings through the hooks)\n", page, acct.mmaps);
	return 0;
}
