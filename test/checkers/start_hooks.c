/* Linked whole into every test program of a build with AddressSanitizer:
 * installs rtm_libc_hooks before main, so every test process, and every
 * child Check forks from it, maps through libc unless the test installs a
 * table of its own (and then puts START_HOOKS back, start_hooks.h).
 *
 * Why: ASan keeps its shadow right only for mappings it sees, and it sees
 * them by intercepting libc's mmap and munmap. The arena poisons what it
 * has not handed out; when a block goes back to the OS through a raw
 * munmap, the shadow of those addresses stays as the arena left it, and
 * the shadow pages stay resident. Through libc, ASan clears and releases
 * that shadow itself, which is how the README says a sanitizer build is
 * to be run.
 *
 * How it gets everywhere: test/meson.build rebinds rtmem_dep and
 * rtmem_libc_hooks_dep, for the test/ tree only, to dependencies that add
 * this object (link_whole: a constructor nothing references would be
 * dropped from an archive). A new suite gets it by linking rtmem, with no
 * line of its own. */
#include "start_hooks.h"

#if !RTM_TEST_START_HOOKS
#error "start_hooks.c is built only where START_HOOKS is the libc hooks"
#endif

__attribute__((constructor)) static void install_start_hooks(void)
{
	rtm_set_hooks(START_HOOKS);
}
