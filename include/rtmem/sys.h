/* <rtmem/sys.h> — the mmap layer, errors as values (Go: runtime/cgo_mmap.go).
 * On Windows, the VirtualAlloc layer of <rtmem/sys_windows.h> in its place.
 *
 * Two levels, as in the Go runtime:
 *
 *   rtm_sys_*   raw system calls (Go: sysMmap, sysMunmap). They never
 *               consult the hooks, so a hook may call them to delegate.
 *   rtm_*       hooked entry points (Go: mmap, munmap). When a hook table is
 *               installed and has the operation, the call goes to the hook
 *               (Go: _cgo_mmap, _cgo_munmap); otherwise straight to rtm_sys_*.
 *               Everything else in rtmem (vm.h, arena.h) maps through these,
 *               so an installed hook sees every mapping rtmem makes.
 *
 * Errors: every function returns 0 or a positive errno (RTM_E* from
 * <rtmem/errno.h>, equal to the system's E* values). errno is never read or
 * written; no function here takes a lock or uses TLS, so all of them are
 * async-signal-safe when no hooks are installed, and with hooks when the
 * hooks are.
 *
 * The errors listed are the ones rtmem itself detects or that the kernel
 * gives for the documented misuse; the kernel may report others (its man
 * pages list them), and they are passed through unchanged.
 */
#ifndef RTMEM_SYS_H
#define RTMEM_SYS_H

#include <stddef.h>
#include <stdint.h>

#include "errno.h"
#if !defined(_WIN32)
#include "mman.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* addr is the mapping (MAP_FAILED is never used), or NULL when err != 0. */
typedef struct rtm_mmap_result {
	void *addr;
	int err; /* 0 or a positive errno */
} rtm_mmap_result;

#if defined(_WIN32)
/* Windows: VirtualAlloc and friends, raw and hooked, and struct rtm_hooks
 * for them. The rest of this header is the Linux mmap layer. */
#include "sys_windows.h"
#else

/* mmap(2) as a raw system call (Go: sysMmap).
 * Errors:
 *   RTM_EINVAL  n == 0; off not a multiple of the page size (4096 on the
 *               mmap2 architectures, checked before any syscall); addr not
 *               page aligned with RTM_MAP_FIXED; neither of RTM_MAP_SHARED /
 *               RTM_MAP_PRIVATE, or both for an anonymous mapping (on a
 *               file, both is the kernel's MAP_SHARED_VALIDATE, which refuses
 *               unknown flags with EOPNOTSUPP).
 *               On 32-bit (mmap2) architectures also: off >= 2^44, which
 *               mmap2 cannot express (no syscall made).
 *   RTM_ENOMEM  n >= PTRDIFF_MAX, whatever else is wrong (32-bit: checked
 *               before any syscall, as musl does; 64-bit: no kernel maps
 *               it, and rtmem reports the length once the kernel has
 *               refused, so success pays nothing); no address space left;
 *               RLIMIT_AS or the overcommit policy refused the commit.
 *   RTM_EBADF   fd is not an open file and RTM_MAP_ANONYMOUS is not set.
 *   RTM_EEXIST  RTM_MAP_FIXED_NOREPLACE and the range overlaps a mapping.
 *   RTM_EACCES  fd's open mode does not allow prot.
 *   RTM_ENODEV  fd's file system does not support mapping.
 *   RTM_EOVERFLOW off + n overflows the file offset type.
 */
rtm_mmap_result rtm_sys_mmap(void *addr, size_t n, int prot, int flags, int fd, uint64_t off);

/* munmap(2) (Go: sysMunmap). Unmapping a range that holds no mapping is
 * not an error (the kernel's rule).
 * Errors:
 *   RTM_EINVAL  n == 0; addr not page aligned; the range wraps the address
 *               space.
 */
int rtm_sys_munmap(void *addr, size_t n);

/* mprotect(2).
 * Errors:
 *   RTM_EINVAL  addr not page aligned; prot has unknown bits.
 *   RTM_ENOMEM  part of the range is not mapped; the change would exceed
 *               the overcommit limit (PROT_WRITE on a private mapping).
 *   RTM_EACCES  prot not allowed for a shared file mapping's open mode.
 *   n == 0 succeeds and does nothing (the kernel's rule).
 */
int rtm_sys_mprotect(void *addr, size_t n, int prot);

/* madvise(2).
 * Errors:
 *   RTM_EINVAL  addr not page aligned; unknown advice; advice the kernel
 *               does not support (RTM_MADV_FREE before 4.5, RTM_MADV_COLLAPSE
 *               before 6.1, hugepage advice without THP); DONTNEED on
 *               locked pages; addr + n, rounded up to a page, wraps.
 *   RTM_ENOMEM  part of the range is not mapped.
 *   n == 0 succeeds and does nothing (the kernel's rule).
 */
int rtm_sys_madvise(void *addr, size_t n, int advice);

/* The hooked entry points: same arguments and errors as rtm_sys_* above
 * (a hook may add its own). With no hooks installed they cost one load and
 * one predictable branch over the raw call; built with -Dhooks=false they
 * are the raw call. */
rtm_mmap_result rtm_mmap(void *addr, size_t n, int prot, int flags, int fd, uint64_t off);
int rtm_munmap(void *addr, size_t n);
int rtm_mprotect(void *addr, size_t n, int prot);
int rtm_madvise(void *addr, size_t n, int advice);

/* A hook table (Go: _cgo_mmap, _cgo_munmap). Any member may be NULL: that
 * operation stays a raw system call. A hook returns what the rtm_sys_*
 * function would: a result/0 or a positive errno, never -1 + errno. A hook
 * may call rtm_sys_* to delegate; calling the hooked rtm_* from a hook
 * recurses. */
struct rtm_hooks {
	rtm_mmap_result (*mmap)(void *ctx, void *addr, size_t n, int prot, int flags, int fd,
	                        uint64_t off);
	int (*munmap)(void *ctx, void *addr, size_t n);
	int (*mprotect)(void *ctx, void *addr, size_t n, int prot);
	int (*madvise)(void *ctx, void *addr, size_t n, int advice);
	void *ctx; /* passed as the first argument of every hook */
};

#endif /* !_WIN32 */

/* Installs hooks (NULL: back to raw system calls) and returns the table
 * that was installed before (NULL if none). Safe while other threads map:
 * the pointer is published with one atomic exchange, so a concurrent call
 * sees either the old table or the new one, never a mix.
 *
 * Lifetime: rtmem keeps the pointer, not a copy. The table (and ctx) must
 * stay valid and unchanged for as long as any thread may still be inside a
 * call that loaded it, which in practice means: for the rest of the
 * program, or until every thread that maps has quiesced after the table was
 * replaced. A static const table is the intended use.
 *
 * Does not fail. With -Dhooks=false the table is stored and returned, but
 * the entry points never call it (rtm_hooks_enabled() tells which build). */
const struct rtm_hooks *rtm_set_hooks(const struct rtm_hooks *hooks);

/* The table installed now, or NULL. */
const struct rtm_hooks *rtm_get_hooks(void);

/* 1 when the library routes through hooks, 0 in a -Dhooks=false build. */
int rtm_hooks_enabled(void);

#ifdef __cplusplus
}
#endif

#endif
