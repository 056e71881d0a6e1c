/* <rtmem/code.h> — executable memory for JIT compilers: instruction-cache
 * maintenance for this architecture (the W^X code region, rtm_code_*,
 * comes with issue 12).
 */
#ifndef RTMEM_CODE_H
#define RTMEM_CODE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Makes instructions written to [p, p + n) visible to instruction fetch
 * on the calling CPU, and on every other CPU that has not yet executed
 * them (what each architecture does, and why, is in its arch/ header:
 * x86 and s390x keep the caches coherent and need nothing; aarch64 cleans
 * the data cache and invalidates the instruction cache by line, as CTR_EL0
 * says; arm asks the kernel (cacheflush); riscv64 asks the kernel to fence
 * every hart (riscv_flush_icache); ppc64le dcbst/sync/icbi/isync per
 * block; mips64 asks the kernel (cacheflush), which knows whether synci
 * would reach every core). Call it after writing code and before running
 * it, with the address the code will run at. n 0: nothing. No errors:
 * the architectures that need the kernel get an answer for a range they
 * can address, and the others cannot fail. Windows:
 * FlushInstructionCache. */
void rtm_icache_flush(void *p, size_t n);

#ifdef __cplusplus
}
#endif

#endif
