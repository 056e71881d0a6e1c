/* hppa: the libgcc helpers gcc calls from the core, rtmem's own so that
 * librtmem.a needs nothing from outside (why, and why weak and hidden:
 * arch/hppa.h). Empty on every other architecture, so that one list of
 * sources builds the core everywhere:
 *   __sync_*_4  the five atomic helpers behind the core's C11 atomics,
 *               over the kernel's LWS compare-and-swap;
 *   $$dyncall   the millicode every call through a function pointer goes
 *               through (the hook tables). */
#if defined(__hppa__)
#include <rtmem/errno.h>
#include <rtmem/syscall.h>

#define RTM_LWS_HELPER __attribute__((weak, visibility("hidden")))

/* The word *p held; it became new_ exactly when that is old. -EAGAIN is
 * the kernel's lock taken by another thread: again. -EFAULT cannot
 * happen for the core's own atomics, and there is nobody to report it
 * to: a trap, as libgcc's helpers do. */
static unsigned rtm_lws_cas(volatile void *p, unsigned old, unsigned new_)
{
	for (;;) {
		unsigned seen;
		long err = rtm_arch_lws_cas32(p, old, new_, &seen);

		if (err == 0)
			return seen;
		if (err != -RTM_EAGAIN)
			__builtin_trap();
	}
}

RTM_LWS_HELPER unsigned __sync_val_compare_and_swap_4(volatile void *p, unsigned old,
                                                      unsigned new_)
{
	return rtm_lws_cas(p, old, new_);
}

/* From a plain load: the compare-and-swap catches a stale one. */
#define RTM_LWS_FETCH_OP(name, expr)                                          \
	RTM_LWS_HELPER unsigned name(volatile void *p, unsigned v)            \
	{                                                                     \
		unsigned old = *(volatile unsigned *)p, seen;                 \
                                                                              \
		while ((seen = rtm_lws_cas(p, old, (expr))) != old)           \
			old = seen;                                           \
		return old;                                                   \
	}

RTM_LWS_FETCH_OP(__sync_fetch_and_add_4, old + v)
RTM_LWS_FETCH_OP(__sync_fetch_and_sub_4, old - v)
RTM_LWS_FETCH_OP(__sync_fetch_and_or_4, old | v)
/* gcc's atomic exchange, and its atomic store (a plain stw could be lost
 * to a compare-and-swap in the kernel's critical section). */
RTM_LWS_FETCH_OP(__sync_lock_test_and_set_4, v)

/* A function pointer is either the code's address or, with bit 1 set (a
 * "plabel", what a pointer to a function of a shared object or of PIC code
 * may be), the address + 2 of a descriptor: the code's address, then the
 * linkage-table pointer its code expects in r19. gcc's caller puts the
 * pointer in r22 and its return address in r2 (and r31, the millicode
 * link), with the arguments in place: branch to the code, loading r19
 * from a descriptor first. Linux runs all of a process in one space, so
 * bv (within the space) reaches every target. r21 is scratch at a call. */
__asm__(".text\n"
        ".align 4\n"
        ".weak $$dyncall\n"
        ".hidden $$dyncall\n"
        ".type $$dyncall, @function\n"
        "$$dyncall:\n"
        "	extru,<> %r22, 30, 1, %r0\n" /* bit 1 set: skip the next */
        "	bv,n %r0(%r22)\n"
        "	ldw -2(%r22), %r21\n"
        "	bv %r0(%r21)\n"
        "	ldw 2(%r22), %r19\n"
        ".size $$dyncall, .-$$dyncall\n");

#else
/* ISO C wants a translation unit to declare something. */
typedef int rtm_hppa_libgcc_elsewhere;
#endif
