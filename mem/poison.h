/* Internal: telling memory checkers which arena bytes are live.
 *
 * Under AddressSanitizer (or Valgrind memcheck, with -Dvalgrind=enabled)
 * the arena marks everything it has not handed out as unaddressable and
 * marks it again on rewind/reset, so a use after reset is reported. In
 * those builds RTM_POISONING is 1 and the arena closes its inline window,
 * so every allocation passes through the slow path that unpoisons it. In
 * normal builds all of this compiles to nothing. */
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
#elif defined(RTM_VALGRIND)
#include <valgrind/memcheck.h>
#define RTM_POISONING 1
#define rtm_poison(p, n)   ((void)VALGRIND_MAKE_MEM_NOACCESS((const void *)(p), (n)))
#define rtm_unpoison(p, n) ((void)VALGRIND_MAKE_MEM_UNDEFINED((const void *)(p), (n)))
#else
#define RTM_POISONING 0
#define rtm_poison(p, n)   ((void)(p), (void)(n))
#define rtm_unpoison(p, n) ((void)(p), (void)(n))
#endif

#endif
