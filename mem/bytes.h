/* Internal: clearing and copying bytes without libc. The core is built
 * with -ffreestanding and, under gcc, -fno-tree-loop-distribute-patterns,
 * so these loops stay loops instead of becoming calls to memset/memcpy,
 * which a libc-free library cannot assume exist. Word-sized steps keep
 * them fast enough for the arena's zeroing and resize copies. */
#ifndef RTM_MEM_BYTES_H
#define RTM_MEM_BYTES_H

#include <stddef.h>
#include <stdint.h>

typedef size_t __attribute__((may_alias)) rtm_word_;

static inline void rtm_bytes_zero(void *dst, size_t n)
{
	unsigned char *d = (unsigned char *)dst;

	for (; n && ((uintptr_t)d & (sizeof(rtm_word_) - 1)); n--)
		*d++ = 0;
	for (; n >= sizeof(rtm_word_); n -= sizeof(rtm_word_), d += sizeof(rtm_word_))
		*(rtm_word_ *)(void *)d = 0;
	for (; n; n--)
		*d++ = 0;
}

/* Forward copy; dst must not overlap the source ahead of it (the arena
 * only copies into fresh memory past the source). */
static inline void rtm_bytes_copy(void *dst, const void *src, size_t n)
{
	unsigned char *d = (unsigned char *)dst;
	const unsigned char *s = (const unsigned char *)src;

	if ((((uintptr_t)d ^ (uintptr_t)s) & (sizeof(rtm_word_) - 1)) == 0) {
		for (; n && ((uintptr_t)d & (sizeof(rtm_word_) - 1)); n--)
			*d++ = *s++;
		for (; n >= sizeof(rtm_word_); n -= sizeof(rtm_word_)) {
			*(rtm_word_ *)(void *)d = *(const rtm_word_ *)(const void *)s;
			d += sizeof(rtm_word_);
			s += sizeof(rtm_word_);
		}
	}
	for (; n; n--)
		*d++ = *s++;
}

#endif
