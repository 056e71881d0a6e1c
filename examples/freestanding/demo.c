/* rtmem-demo: a complete program with no libc at all.
 *
 * Its entry point is <rtmem/start.h>'s _start, which hands the auxiliary
 * vector to rtmem (so the page size is the kernel's, not a guess). It then
 * does what a small runtime does with memory: serves "requests" from an
 * arena that is reset between them, with a hard cap, grows and shrinks a
 * buffer in place, takes a region through its whole lifecycle, and checks
 * every step. It prints a short report with the raw write system call and
 * exits 0 only if every check held.
 */
#include <rtmem/arena.h>
#include <rtmem/start.h>
#include <rtmem/vm.h>

static int failures;

static void say(const char *s)
{
	rtm_write_str(1, s);
}

static void say_num(unsigned long v)
{
	char buf[24], *p = buf + sizeof buf;

	*--p = 0;
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	say(p);
}

static void check(int ok, const char *what)
{
	if (!ok) {
		failures++;
		say("FAILED: ");
		say(what);
		say("\n");
	}
}

/* One request: tokenize a synthetic text into a chain of words, each a
 * fresh allocation, then walk the chain and fold it into a checksum. */
struct word {
	struct word *next;
	unsigned len;
	char text[];
};

static unsigned long serve(rtm_arena *a, unsigned request)
{
	struct word *head = 0;
	unsigned long sum = 0;
	unsigned seed = request * 2654435761u + 1;

	for (unsigned i = 0; i < 2000; i++) {
		unsigned len = 1 + (seed >> 27);
		struct word *w = rtm_arena_alloc(a, sizeof *w + len, _Alignof(struct word));

		if (!w)
			return 0;
		seed = seed * 1103515245u + 12345u;
		for (unsigned k = 0; k < len; k++)
			w->text[k] = (char)('a' + (seed >> (k % 24)) % 26);
		w->len = len;
		w->next = head;
		head = w;
	}
	for (struct word *w = head; w; w = w->next)
		for (unsigned k = 0; k < w->len; k++)
			sum = sum * 31 + (unsigned char)w->text[k];
	return sum;
}

int main(int argc, char **argv, char **envp)
{
	const struct rtm_arena_config cfg = { .limit = 1 << 20 };
	size_t ps = rtm_page_size(), n = 64 * ps;
	rtm_arena *a = rtm_arena_create(&cfg);
	rtm_mmap_result r;
	unsigned long sum = 0, peak = 0;
	unsigned char *p;

	(void)argc;
	(void)argv;
	(void)envp;
	if (!a)
		rtm_exit(2);
	for (unsigned req = 0; req < 100; req++) {
		unsigned long got = serve(a, req);
		check(got != 0, "request within the cap");
		sum ^= got;
		if (rtm_arena_stats(a).used > peak)
			peak = rtm_arena_stats(a).used;
		rtm_arena_reset(a);
	}
	/* The cap: more than the limit gets NULL, and the arena carries on. */
	check(!rtm_arena_alloc(a, cfg.limit + 1, 8) && rtm_arena_alloc(a, 64, 8), "limit");
	rtm_arena_destroy(a);

	/* A region through its lifecycle: reserve, commit, use, purge. */
	r = rtm_reserve(0, n, 16 * ps);
	p = r.addr;
	check(!r.err && !((unsigned long)p & (16 * ps - 1)) && !rtm_commit(p, n), "reserve+commit");
	if (!r.err) {
		p[ps] = 0xa5;
		check(!rtm_purge(p, n) && p[ps] == 0, "purge reads back zero");
		check(!rtm_release_ready(p, n, n), "release");
	}

	say("rtmem-demo on " RTM_ARCH_NAME ": page ");
	say_num(ps);
	say(" B, 100 requests, peak ");
	say_num(peak);
	say(" B, checksum ");
	say_num(sum & 0xffffffffu);
	check(!rtm_vm_stats().reserved && !rtm_vm_stats().committed, "every byte back");
	say(failures ? ", FAILED\n" : ", all memory back, ok\n");
	return failures ? 1 : 0;
}
