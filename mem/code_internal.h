/* Internal: the code region's layout, shared by mem/code*.c.
 *
 * The header is a small reservation of its own. The code lives in one
 * more: in FLIP mode the one view, [exec, exec + size); in DUAL mode the
 * two views of one memory object, [write, write + size) and
 * [exec, exec + size), where sys/code_os.h's backend put them (Linux:
 * side by side in one reservation, the writable one first).
 *
 * Offsets from the view's start:
 *   used       the bump pointer: [0, used) is allocated
 *   published  FLIP: [0, published) is executable (page aligned);
 *              DUAL: what the last publish covered, for bookkeeping only
 *   committed  FLIP: [published, committed) is writable (page aligned);
 *              past it the pages are reserved only
 *   patch_lo, patch_hi  FLIP: published pages made writable by
 *              rtm_code_patch_begin, until the publish that ends it
 *              (patch_hi 0: none) */
#ifndef RTM_MEM_CODE_INTERNAL_H
#define RTM_MEM_CODE_INTERNAL_H

#include <stdint.h>

#include <rtmem/code.h>

struct rtm_code {
	unsigned mode;
	uintptr_t write, exec;
	size_t size;
	size_t hdr_size;    /* this header's own reservation */
	size_t used, published, committed;
	size_t patch_lo, patch_hi;
	const char *name;   /* FLIP: given again after a reset remaps */
};

#define RTM_CODE_DEFAULT_ALIGN 16

#endif
