/* How an input's mappings reach the kernel: raw system calls, libc (the
 * sanitizer-visible route), or a table that refuses chosen calls so the
 * arena's failure paths run. A release is never refused: an input can
 * then always give back all it took, and the driver insists that it did.
 *
 * Linux: a release is a MADV_NORMAL check, then munmap, so munmap and
 * MADV_NORMAL pass; mmap, mprotect and every other advice may be refused.
 * Windows: a release is VirtualFree(MEM_RELEASE), which passes; every
 * VirtualAlloc (reserve, commit, MEM_RESET), VirtualAlloc2, decommit and
 * VirtualProtect may be refused. Windows has no libc route (fuzz_hooks.c
 * says why): FZ_LIBC runs raw there. */
#ifndef RTM_FUZZ_HOOKS_H
#define RTM_FUZZ_HOOKS_H

#include <stdint.h>

enum fz_route { FZ_RAW, FZ_LIBC, FZ_REFUSING };

/* mask: bit k set refuses the k-th refusable call (mod 32). Remove puts
 * back the table that was installed before. */
void fz_route_install(enum fz_route route, uint32_t mask);
void fz_route_remove(void);

/* The route an input's first bytes choose (its route byte & 3: 1 libc
 * hooks, 2 refusing hooks, then 4 bytes of refusal mask, else raw), read
 * and installed. Returns whether it is the refusing route. */
struct fz_in;
int fz_route_from_input(struct fz_in *in);

/* Calls refused since the route was installed. */
unsigned fz_refused(void);

/* Refusable calls seen (refused or not) since the route was installed:
 * the OS calls an operation made, where the refusing route is in. */
unsigned fz_calls(void);

#endif
