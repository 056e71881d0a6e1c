/* What the demo does, the same on every system: it serves "requests"
 * from an arena with a hard cap, reset between them. The arena reserves
 * its address space once, commits it as a request reaches it, and each
 * reset purges what lies past the retain budget (decommits it: the pages
 * and their commit charge go back). It then reports one line: the page
 * size and what the last reset kept.
 *
 * Included by one entry file per system (demo.c for Linux, demo_win.c for
 * Windows), which first defines
 *   DEMO_ON         the report's "on ..." name, a string literal;
 *   say(s)          writes the NUL-terminated s to standard output;
 * then calls demo_run() and exits with what it returns: 0 only if every
 * check held and every byte went back to the OS, else the sum of the
 * failed checks' bits.
 *
 * A header of static functions, not a file of its own: demo_run is called
 * once and inlined into the entry, so the Linux program is the same
 * bytes it was as one file (CI holds it to 4 KiB on x86_64).
 *
 * CI reports each program's stripped size as what a program pays for
 * rtmem, so the demo keeps to short strings, and to shifts, masks and
 * multiplies: it links no libgcc, and 32-bit arm would need it for a
 * division.
 */
#ifndef RTMEM_DEMO_H
#define RTMEM_DEMO_H

#include <rtmem/arena.h>
#include <rtmem/vm.h>

#define LIMIT    ((size_t)1 << 20)
#define RETAIN   ((size_t)16 << 10)
#define REQUESTS 100
#define WORDS    2000
/* What the requests fold their words into: every architecture computes
 * the same text, so this is one constant. */
#define CHECKSUM 3246210681u

/* What can go wrong, one bit each; the exit status is their sum (5 = the
 * requests and the purge), 0 when every check held. */
enum {
	BAD_REQUEST = 1,  /* a request did not fit under the cap */
	BAD_CHECKSUM = 2, /* the requests' words came back changed */
	BAD_PURGE = 4,    /* a reset kept more than the retain budget */
	BAD_LEAK = 8,     /* destroy left address space reserved */
	BAD_CREATE = 16,  /* the arena could not be created */
};

static void say(const char *s);

/* label, then v in decimal. Without a divide: 32-bit arm has none, and
 * at -Os gcc calls libgcc's __aeabi_uidivmod for v % 10, which a program
 * linked -nostdlib does not have. (v * 0xcccccccd) >> 35 is v / 10 for
 * every 32-bit v; the 32x32->64 multiply is one instruction everywhere. */
static void say_num(const char *label, uint32_t v)
{
	char buf[12], *p = buf + sizeof buf;

	say(label);
	*--p = 0;
	do {
		uint32_t q = (uint32_t)(((uint64_t)v * 0xcccccccdu) >> 35);

		*--p = (char)('0' + (v - q * 10));
		v = q;
	} while (v);
	say(p);
}

/* One request: split a pseudo-random text into words, each a fresh
 * allocation chained to the last, then walk the chain and fold every byte
 * into *sum. 0 if the arena refused. */
struct word {
	struct word *next;
	unsigned len;
	char text[];
};

static int serve(rtm_arena *a, unsigned seed, unsigned *sum)
{
	struct word *head = 0;

	for (unsigned i = 0; i < WORDS; i++) {
		unsigned len = 1 + (seed >> 27);
		struct word *w = rtm_arena_alloc(a, sizeof *w + len, _Alignof(struct word));

		if (!w)
			return 0;
		for (unsigned k = 0; k < len; k++)
			w->text[k] = (char)('a' + ((seed >> k) & 15));
		w->len = len;
		w->next = head;
		head = w;
		seed = seed * 1103515245u + 12345u;
	}
	for (; head; head = head->next)
		for (unsigned k = 0; k < head->len; k++)
			*sum = *sum * 31 + (unsigned char)head->text[k];
	return 1;
}

static int demo_run(void)
{
	const struct rtm_arena_config cfg = { .limit = LIMIT, .retain = RETAIN };
	rtm_arena *a = rtm_arena_create(&cfg);
	size_t ps = rtm_page_size(), kept;
	unsigned sum = 0, bad = 0;

	if (!a)
		return BAD_CREATE;
	for (unsigned req = 0; req < REQUESTS; req++) {
		if (!serve(a, req * 2654435761u + 1, &sum))
			bad |= BAD_REQUEST;
		rtm_arena_reset(a);
	}
	if (sum != CHECKSUM)
		bad |= BAD_CHECKSUM;
	/* Each request committed past the budget; each reset purged it. The
	 * arena is the only user of memory here, so the process-wide total
	 * is what it kept. The budget is whole pages: one page where pages
	 * are 64 KiB. */
	kept = rtm_vm_stats().committed;
	if (kept > (RETAIN > ps ? RETAIN : ps))
		bad |= BAD_PURGE;
	rtm_arena_destroy(a);
	if (rtm_vm_stats().reserved)
		bad |= BAD_LEAK;

	say_num("rtmem-demo on " DEMO_ON ": page ", (uint32_t)ps);
	say_num(" B, kept ", (uint32_t)kept);
	say(bad ? " B, FAILED\n" : " B, ok\n");
	return (int)bad;
}

#endif
