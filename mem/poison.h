/* Internal: telling memory checkers which arena bytes are live.
 *
 * Under AddressSanitizer (or Valgrind memcheck, with -Dvalgrind=enabled)
 * the arena marks everything it has not handed out as unaddressable and
 * marks it again on rewind/reset, so a use after reset is reported. In
 * those builds RTM_POISONING is 1 and the arena closes its inline window,
 * so every allocation passes through the slow path that unpoisons it. In
 * normal builds all of this compiles to nothing.
 *
 *   rtm_poison(p, n)    not handed out: no access
 *   rtm_unpoison(p, n)  handed out: accessible, contents undefined
 *   rtm_defined(p, n)   handed out holding known bytes (the kernel's
 *                       zeroes): memcheck must not call them undefined
 *   rtm_poison_drop(p, n)  about to be unmapped or mapped over: drop what
 *                       the checker would not drop itself. ASan sees no
 *                       munmap (clang 14 does not intercept it), so the
 *                       range is unpoisoned; memcheck sees every mapping
 *                       change, and a failed unmap must leave the bytes
 *                       (a block header among them) as they were, so it
 *                       does nothing.
 *   RTM_POISON_PADDING  1: alignment padding stays poisoned (ASan reports
 *                       an overrun into it). 0 (memcheck): padding is
 *                       unpoisoned with the allocation, so nothing below
 *                       the bump pointer is no-access and an arena in
 *                       caller memory can hand back just the rest. */
#ifndef RTM_MEM_POISON_H
#define RTM_MEM_POISON_H

#include <stddef.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RTM_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(RTM_ASAN)
#define RTM_ASAN 1
#endif

#if defined(RTM_ASAN)
void __asan_poison_memory_region(void const volatile *addr, size_t size);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
#define RTM_POISONING 1
#define rtm_poison(p, n)   __asan_poison_memory_region((const void *)(p), (n))
#define rtm_unpoison(p, n) __asan_unpoison_memory_region((const void *)(p), (n))
#define rtm_defined(p, n)  ((void)(p), (void)(n))
#define rtm_poison_drop(p, n) rtm_unpoison(p, n)
#define RTM_POISON_PADDING 1
#elif defined(RTM_VALGRIND)
#include <valgrind/memcheck.h>
#define RTM_POISONING 1
#define rtm_poison(p, n)   ((void)VALGRIND_MAKE_MEM_NOACCESS((const void *)(p), (n)))
#define rtm_unpoison(p, n) ((void)VALGRIND_MAKE_MEM_UNDEFINED((const void *)(p), (n)))
#define rtm_defined(p, n)  ((void)VALGRIND_MAKE_MEM_DEFINED((const void *)(p), (n)))
#define rtm_poison_drop(p, n) ((void)(p), (void)(n))
#define RTM_POISON_PADDING 0
#else
#define RTM_POISONING 0
#define rtm_poison(p, n)   ((void)(p), (void)(n))
#define rtm_unpoison(p, n) ((void)(p), (void)(n))
#define rtm_defined(p, n)  ((void)(p), (void)(n))
#define rtm_poison_drop(p, n) ((void)(p), (void)(n))
#define RTM_POISON_PADDING 0
#endif

#endif
