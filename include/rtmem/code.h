/* <rtmem/code.h> — executable memory for JIT compilers: W^X code
 * regions, and instruction-cache maintenance for this architecture.
 *
 * A code region is one reservation of address space that code is bump
 * allocated from, written, published, called, patched and reset. No page
 * of it is ever writable and executable at once, in any view:
 *
 *   RTM_CODE_DUAL  one memory object (a memfd; Windows: a section) mapped
 *                  twice: a writable view and an executable view. Code is
 *                  written through the one and run at the other;
 *                  publishing makes no mapping change. The writable view
 *                  is not inherited by a forked child (MADV_DONTFORK), and
 *                  the executable view is mapped after the memfd is sealed
 *                  against new writable mappings (F_SEAL_FUTURE_WRITE), so
 *                  it can never be made writable (mprotect is refused), in
 *                  this process or a child.
 *   RTM_CODE_FLIP  one view, switched from writable to executable page by
 *                  page on publish (mprotect). A publish makes every
 *                  allocation since the previous one executable: they may
 *                  share pages, so all of them must be written by then.
 *                  The next allocation starts on a fresh page, so code
 *                  being written never shares a page with published code,
 *                  which stays executable throughout. Patching published
 *                  code makes its pages writable and not executable until
 *                  the publish that ends the patch: the caller must keep
 *                  every thread out of that code meanwhile.
 *
 * With flags 0 the region is DUAL where the kernel allows it (memfd,
 * shared executable mappings) and FLIP otherwise: a kernel that refuses
 * the one (no memfd_create, SELinux execmem or execmod, vm.memfd_noexec,
 * PR_SET_MDWE's refusal of exec gain) gets the other; a region neither
 * works for is a NULL create, never a crash.
 *
 * After rtm_code_publish returns, every thread may call the code: the
 * instruction cache is maintained for the range (rtm_icache_flush) and,
 * where the architecture needs it, every other thread of the process is
 * made to refetch (membarrier MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE,
 * registered once per process at the first create; where the kernel lacks
 * it, the architecture's arch/ header says what still holds).
 *
 * Windows, where it differs:
 *   DUAL  an unnamed pagefile-backed section (CreateFileMappingW, at most
 *         PAGE_EXECUTE_READWRITE, SEC_COMMIT: the whole region is charged
 *         to the commit limit at create; its pages are touched only as
 *         code is written) mapped read-write, and read-execute with no
 *         write access, which the system then refuses to make writable
 *         (VirtualProtect to PAGE_READWRITE or PAGE_EXECUTE_READWRITE
 *         fails; Wine 8 answers ERROR_INVALID_PARAMETER). Where the
 *         system has placeholders (VirtualAlloc2 and MapViewOfFile3,
 *         Windows 10 1803) both views lie side by side in one reservation; elsewhere (older Windows,
 *         Wine 8, which refuses MEM_RESERVE_PLACEHOLDER) the system places
 *         each (MapViewOfFileEx): the executable view is one range all the
 *         same, so code in it reaches other code in it with direct
 *         branches. The section's handle is closed once both views are
 *         mapped. Windows has no fork, and a process it creates inherits
 *         no mappings: there is no MADV_DONTFORK to make. Wine 8 does let
 *         VirtualProtect make the executable view copy-on-write
 *         (PAGE_EXECUTE_WRITECOPY): a private copy of the page, which
 *         never reaches the section; rtmem never asks for it.
 *   FLIP  pages committed read-write as they are allocated, VirtualProtect
 *         to PAGE_EXECUTE_READ on publish and back to PAGE_READWRITE for a
 *         patch. Whether the process may have executable pages at all (the
 *         arbitrary code guard refuses them: RTM_EACCES) is asked at
 *         create, of the first page, committed read-execute and
 *         decommitted.
 *   flags 0  DUAL where the section and its views can be had, else FLIP.
 *   publish  FlushInstructionCache for the range (rtm_icache_flush), then
 *         FlushProcessWriteBuffers, the nearest thing to membarrier's
 *         SYNC_CORE: every processor running a thread of the process takes
 *         an interrupt, whose return serializes it, so a thread that ran
 *         the old bytes of patched code fetches the new ones (fresh code,
 *         never run, needs only the flush on x86 and x64).
 *
 * A region is managed by one thread at a time (alloc, publish, patch,
 * reset, destroy), as an arena is; the code in it may run on any thread.
 * Every mapping goes through the hooked entry points of <rtmem/sys.h>
 * (Windows: <rtmem/sys_windows.h>'s, the section and its views too).
 */
#ifndef RTMEM_CODE_H
#define RTMEM_CODE_H

#include <stddef.h>

#include <rtmem/errno.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rtm_code rtm_code;

#define RTM_CODE_DUAL 0x1u
#define RTM_CODE_FLIP 0x2u

/* Zero in a field means its default.
 *   reserve  address space of the region (each view), rounded up to
 *            pages: one reservation, so code in it reaches other code in
 *            it with direct branches (aarch64 reaches +-128 MiB). Default
 *            64 MiB on 64-bit, 16 MiB on 32-bit. Full: RTM_ENOMEM.
 *   flags    0, RTM_CODE_DUAL or RTM_CODE_FLIP: a mode asked for that the
 *            kernel refuses is a NULL create, with no fallback.
 *   name     the memfd's name in DUAL mode ("/memfd:name"), the
 *            region's name in /proc/self/maps in FLIP mode; best effort,
 *            default "rtmem-code". Windows: not used (it keeps no names
 *            for regions, and a named section would be an object other
 *            processes could open). */
struct rtm_code_config {
	size_t reserve;
	unsigned flags;
	const char *name;
};

/* An allocation: write its bytes through write, run them at exec.
 * write == exec in FLIP mode. */
struct rtm_code_buf {
	void *write;
	void *exec;
	size_t size;
};

/* A region (NULL cfg: every default), or NULL: flags other than 0,
 * RTM_CODE_DUAL or RTM_CODE_FLIP; a reserve that overflows when rounded
 * (or doubled, in DUAL mode); the OS refused the region's header, the
 * mode asked for, or both modes (nothing stays mapped or open). */
rtm_code *rtm_code_create(const struct rtm_code_config *cfg);

/* Unmaps the region: its code must not run any more. NULL: nothing. */
void rtm_code_destroy(rtm_code *c);

/* RTM_CODE_DUAL or RTM_CODE_FLIP; 0 for NULL. */
unsigned rtm_code_mode(const rtm_code *c);

/* size bytes aligned to align (0: 16) for *out, writable through
 * out->write, not yet to be run.
 * Errors (0 or RTM_E*; *out untouched and the region as before):
 *   RTM_EINVAL  c or out NULL; size 0; align not a power of two, or
 *               larger than the page size.
 *   RTM_ENOMEM  the region is full (or size overflows with the
 *               alignment).
 *   other RTM_E*  what the OS answered (FLIP: the commit of the pages
 *               refused; the kernel says RTM_ENOMEM). */
int rtm_code_alloc(rtm_code *c, size_t size, size_t align, struct rtm_code_buf *out);

/* Makes b's code runnable at b->exec, from any thread, once this
 * returns. FLIP: every allocation since the previous publish becomes
 * executable (and no longer writable), or, when b is published code being
 * patched, b's pages become executable again. DUAL: no mapping changes.
 * Errors (nothing changes):
 *   RTM_EINVAL  c or b NULL; b not within what this region has handed
 *               out (an allocation as rtm_code_alloc gave it, or part of
 *               one, its write and exec views matching; the region keeps
 *               no list of allocations, so a range spanning two is taken
 *               too); FLIP: b neither newly allocated nor being patched.
 *   other RTM_E*  what the OS answered to the cache maintenance (arm,
 *               riscv64 and mips ask the kernel for it, and a seccomp
 *               filter can refuse that; FLIP flushes before it changes
 *               any protection) or to mprotect (FLIP; Windows:
 *               VirtualProtect). */
int rtm_code_publish(rtm_code *c, const struct rtm_code_buf *b);

/* Makes published code in b writable through b->write again, to patch
 * it; rtm_code_publish(c, b) ends the patch. DUAL: nothing to change (the
 * writable view stays writable; other threads may run the code while it
 * is patched, so patch what they can see change, or keep them out).
 * Which patches other threads may run into safely is the architecture's
 * rule, not rtmem's: aarch64 allows swapping only B, BL, NOP, BRK, SVC,
 * HVC, SMC and ISB for one another; x86 asks for its cross-modifying
 * protocol (int3 first, a publish between steps).
 * FLIP: b's pages are writable and not executable until the publish, with
 * any other code on those pages: keep every thread out of it.
 * Errors: RTM_EINVAL as rtm_code_publish, or b not yet published (DUAL
 * knows only how far publishing has reached: b below that passes), or
 * (FLIP) a patch begun and not yet published: one at a time; other RTM_E*
 * what mprotect answered (FLIP); nothing changes. */
int rtm_code_patch_begin(rtm_code *c, const struct rtm_code_buf *b);

/* Frees all code at once: the region is empty again (its code must not
 * run any more). FLIP: its pages go back to the OS; if the OS refuses to
 * take them, they stay as they are and the space they hold stays taken
 * until a later reset, new code starting past them, on fresh pages.
 * DUAL: the pages stay resident, up to the most the region has held, and
 * new code overwrites the old in place: the sealed memfd takes no hole
 * punched in it (Windows: the section's pages stay committed); destroy
 * gives them back. NULL: nothing. */
void rtm_code_reset(rtm_code *c);

/* Makes instructions written to [p, p + n) visible to instruction fetch
 * on the calling CPU, and on every other CPU that has not yet executed
 * them (what each architecture does, and why, is in its arch/ header;
 * README's table sums them up: x86 and s390x keep the caches coherent and
 * need nothing; aarch64, the powerpc family, sparc64, hppa and alpha
 * maintain the caches with their own instructions; arm, riscv, mips, sh4
 * and m68k ask the kernel). Call it after writing code and before running
 * it, with the address the code will run at. n 0: nothing. Reports no
 * error: where the kernel does the maintenance it answers for any range
 * the process can address, unless a seccomp filter refuses the call;
 * rtm_code_publish, which makes the same call, reports that. Windows:
 * FlushInstructionCache. */
void rtm_icache_flush(void *p, size_t n);

#ifdef __cplusplus
}
#endif

#endif
