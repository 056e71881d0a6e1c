/* <rtmem/stack.h> — pooled, guarded stacks for threads, coroutines and
 * fibers.
 *
 * A pool carves large reservations into slots of guard + stack. The
 * guard lies beyond the end each stack grows toward (below it; above it
 * where stacks grow up, on hppa) and is reserved, never committed: running
 * off the end faults, and costs address space only. A stack is committed
 * when the pool first hands it out and stays committed while cached.
 *
 *   rtm_stack_acquire  a cached stack (no OS call), else a fresh slot
 *                      (one commit), else a new reservation of slots
 *   rtm_stack_release  gives back the pages beyond keep_resident from the
 *                      stack's start of use (one OS call on Linux), then
 *                      caches the stack; the kept pages are reused
 *                      without page faults
 *
 * Lock-free and thread-safe: any thread may acquire, and any thread may
 * release a stack another one acquired. Each reservation's free slots are
 * a bit mask changed with compare-and-swap on one machine word (no list
 * pointers to go stale, so no ABA), and reservations are only ever added
 * until the pool is destroyed. No libc, no TLS.
 *
 * Checkers: under AddressSanitizer a released stack is unpoisoned (a
 * previous user's frames leave redzones behind); under Valgrind
 * (-Dvalgrind=enabled) a stack is registered with VALGRIND_STACK_REGISTER
 * while it is acquired. Switching to and from a stack is the caller's:
 * annotate fiber switches yourself (ASan's
 * __sanitizer_start_switch_fiber / __sanitizer_finish_switch_fiber,
 * TSan's __tsan_switch_to_fiber).
 */
#ifndef RTMEM_STACK_H
#define RTMEM_STACK_H

#include <stddef.h>

#include <rtmem/errno.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rtm_stack_pool rtm_stack_pool;

/* Zero in a field means its default.
 *   size           usable bytes per stack, rounded up to pages
 *                  (default 256 KiB)
 *   guard          inaccessible bytes beyond the end each stack grows
 *                  toward, rounded up to pages (default one page); many
 *                  pages stop a large frame from jumping over it
 *   keep_resident  bytes from the stack's start of use kept committed and
 *                  resident across release and reuse, rounded up to pages
 *                  and at most size (default 16 KiB)
 *   limit          most stacks acquired at once; 0: none
 *   flags          RTM_STACK_ZERO: every acquired stack reads as zeros
 *   name           names the pool's reservations (Linux: "[anon:name]"
 *                  in /proc/self/maps), best effort; the string must
 *                  outlive the pool */
struct rtm_stack_config {
	size_t size;
	size_t guard;
	size_t keep_resident;
	size_t limit;
	unsigned flags;
	const char *name;
};

#define RTM_STACK_ZERO 0x1u

/* The usable bytes [lo, hi), page aligned, and the initial stack pointer:
 * hi where stacks grow down; where they grow up (hppa) lo + 64, above the
 * 64-byte frame (frame marker and argument words) that a function called
 * with sp finds below it. Both meet every supported ABI's stack alignment
 * (hppa's is 64 bytes). An address, not a register value: sparc64's %sp
 * holds an address less 2047 (its stack bias), and a first frame there
 * needs its 176-byte save area below it. */
struct rtm_stack {
	void *lo, *hi;
	void *sp;
};

/* acquired: stacks handed out now; cached: released stacks kept for
 * reuse; reserved: bytes of the pool's reservations (its header, guards
 * and every slot); committed: bytes committed in them. */
struct rtm_stack_stats {
	size_t acquired, cached, reserved, committed;
};

/* A pool with no stacks yet: one small reservation for its header (NULL
 * cfg: every default).
 * Errors (NULL, and nothing stays mapped): a flag not defined above;
 * size, guard or keep_resident so large that rounding it up to pages, or
 * a slot (guard + size) with a header page, overflows; the OS refused the
 * header's reservation or commit. A pool whose slot the address space
 * cannot hold is created, and its first acquire is RTM_ENOMEM. */
rtm_stack_pool *rtm_stack_pool_create(const struct rtm_stack_config *cfg);

/* Releases every reservation of the pool, stacks acquired or not (using
 * one afterwards faults). NULL: nothing. A release the OS refuses is
 * tried once more; refused twice, that reservation stays mapped and the
 * rest still go. */
void rtm_stack_pool_destroy(rtm_stack_pool *p);

/* A stack for *out, cached if one is, else fresh.
 * Errors (0 or RTM_E*, *out untouched and the pool as before on error):
 *   RTM_EINVAL  p or out is NULL
 *   RTM_ENOMEM  limit stacks are acquired already, or the OS refused the
 *               commit of a fresh stack or a new reservation (then the
 *               stack's slot stays free and nothing new stays mapped)
 *   other RTM_E*  what the OS answered to that commit or reservation */
int rtm_stack_acquire(rtm_stack_pool *p, struct rtm_stack *out);

/* Gives s back to the pool: the pages beyond keep_resident go back to the
 * OS now (their contents are gone), the rest stays resident, and the stack
 * is cached for the next acquire (zeroed first under RTM_STACK_ZERO).
 * Errors:
 *   RTM_EINVAL  p or s is NULL, or s is not a stack this pool handed out
 *               and has not taken back: lo and hi must be exactly as
 *               acquire gave them. Caught: a stack of another pool, a
 *               changed stack, a second release of a stack that is still
 *               cached. Not caught: a second release after the stack was
 *               handed out again (it is then another owner's, and is
 *               taken from that owner), or two releases of one stack
 *               racing each other in two threads (one of them may purge
 *               before the other is refused). Nothing changes then.
 *   other RTM_E*  the OS refused to take the pages back: the stack is
 *               cached all the same (the pool never loses it), its
 *               pages stay resident, and under RTM_STACK_ZERO it was
 *               zeroed by hand instead. Windows, where giving pages back
 *               is a decommit and a commit: when the commit is refused
 *               and a second commit too, the slot goes back unused and
 *               decommitted (released all the same; the next acquire
 *               that takes it commits it); if that decommit is refused
 *               as well, the slot is set aside, never handed out again,
 *               its pages counted as committed until destroy.
 * Windows: giving the pages back is a decommit and a commit (two calls). */
int rtm_stack_release(rtm_stack_pool *p, const struct rtm_stack *s);

/* A snapshot of the counters (each exact, read one after another). NULL:
 * all zero. */
struct rtm_stack_stats rtm_stack_pool_stats(const rtm_stack_pool *p);

#ifdef __cplusplus
}
#endif

#endif
