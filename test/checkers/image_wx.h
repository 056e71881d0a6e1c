/* Whether a writable and executable mapping is one the program's own ELF
 * image asked for: inside a loaded PT_LOAD segment whose flags are both
 * PF_W and PF_X. The W^X checks of the code region's tests (test/code,
 * test/fault) count the others: what the image asks for is the linker's
 * doing, not rtmem's. sparc64 has such a segment in every glibc program:
 * its .plt (dynamic) and .iplt (static, for IFUNCs) are written at run
 * time and executed, so binutils puts them in the data segment and marks
 * it RWE, and the kernel maps that segment and the bss after it writable
 * and executable. dl_iterate_phdr reads what is already loaded: nothing
 * is mapped or allocated, so a snapshot taken with it stays exact. */
#ifndef RTM_TEST_IMAGE_WX_H
#define RTM_TEST_IMAGE_WX_H

#include <link.h>
#include <stdint.h>
#include <unistd.h>

struct image_wx_query {
	uintptr_t lo, hi;
	int inside;
};

static inline int image_wx_segment(struct dl_phdr_info *info, size_t size, void *data)
{
	struct image_wx_query *q = data;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);

	(void)size;
	for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo, hi;

		if (ph->p_type != PT_LOAD || (ph->p_flags & (PF_W | PF_X)) != (PF_W | PF_X))
			continue;
		/* The kernel maps whole pages: from the page holding the
		 * segment's start to the end of its memory image (bss
		 * included), rounded up. */
		lo = (info->dlpi_addr + ph->p_vaddr) & ~(page - 1);
		hi = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz + page - 1) & ~(page - 1);
		if (q->lo >= lo && q->hi <= hi) {
			q->inside = 1;
			return 1;
		}
	}
	return 0;
}

/* 1 when [lo, hi) lies within one writable and executable segment of a
 * loaded object. */
static inline int image_asks_wx(uintptr_t lo, uintptr_t hi)
{
	struct image_wx_query q = { lo, hi, 0 };

	dl_iterate_phdr(image_wx_segment, &q);
	return q.inside;
}

#endif
