/* A program with no libc: <rtmem/start.h> is its entry point, librtmem.a
 * its only library. It maps, protects and unmaps, runs an arena, and exits
 * with the number of the first check that failed (0: all passed). */
#include <rtmem/arena.h>
#include <rtmem/start.h>
#include <rtmem/sys.h>
#include <rtmem/vm.h>

static int fail(int step, const char *what)
{
	rtm_write_str(2, "bare: failed: ");
	rtm_write_str(2, what);
	rtm_write_str(2, "\n");
	return step;
}

int main(int argc, char **argv, char **envp)
{
	struct rtm_arena_mark m;
	rtm_mmap_result r;
	rtm_arena *a;
	size_t page;
	char *p, *q;

	/* start.h hands over the stack the kernel built: argv[0] and the
	 * environment are there, and the auxv gave rtmem the page size. */
	if (argc < 1 || !argv[0] || argv[argc] || !envp)
		return fail(1, "argc/argv/envp");
	page = rtm_page_size();
	if (page < 4096 || (page & (page - 1)))
		return fail(2, "rtm_page_size");

	r = rtm_mmap(NULL, 2 * page, RTM_PROT_READ | RTM_PROT_WRITE,
	             RTM_MAP_PRIVATE | RTM_MAP_ANONYMOUS, -1, 0);
	if (r.err || !r.addr)
		return fail(3, "rtm_mmap");
	p = r.addr;
	p[0] = 1;
	p[2 * page - 1] = 2;
	if (rtm_mprotect(p, page, RTM_PROT_READ) || p[0] != 1)
		return fail(4, "rtm_mprotect");
	if (rtm_mprotect(p + 1, page, RTM_PROT_READ) != RTM_EINVAL)
		return fail(5, "rtm_mprotect of an unaligned address is not RTM_EINVAL");
	if (rtm_munmap(p, 2 * page))
		return fail(6, "rtm_munmap");

	a = rtm_arena_create(NULL);
	if (!a)
		return fail(7, "rtm_arena_create");
	p = rtm_arena_alloc(a, 100, 8);
	m = rtm_arena_save(a);
	q = rtm_arena_alloc_zeroed(a, 3 * page, 4096);
	if (!p || !q || (unsigned long)q % 4096 || q[3 * page - 1] != 0)
		return fail(8, "rtm_arena_alloc");
	rtm_arena_rewind(a, m);
	if (rtm_arena_alloc(a, 1, 1) != p + 100)
		return fail(9, "rtm_arena_rewind");
	rtm_arena_destroy(a);
	if (rtm_vm_stats().reserved != 0)
		return fail(10, "rtm_arena_destroy left address space reserved");

	return rtm_write_str(1, "bare: ok\n") ? 11 : 0;
}
