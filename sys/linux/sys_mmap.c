/* The raw mmap family (Go: sysMmap, sysMunmap): system calls, errors as
 * values, no hooks. */
#include "raw.h"

rtm_mmap_result rtm_sys_mmap(void *addr, size_t n, int prot, int flags, int fd, uint64_t off)
{
	return rtm_raw_mmap(addr, n, prot, flags, fd, off);
}

int rtm_sys_munmap(void *addr, size_t n)
{
	return rtm_raw_munmap(addr, n);
}

int rtm_sys_mprotect(void *addr, size_t n, int prot)
{
	return rtm_raw_mprotect(addr, n, prot);
}

int rtm_sys_madvise(void *addr, size_t n, int advice)
{
	return rtm_raw_madvise(addr, n, advice);
}
