/* rtm_icache_flush on Windows: FlushInstructionCache, which the Win32
 * documentation asks of every program that generates or modifies code
 * before it runs it; the system does what its processor needs (cache
 * maintenance on arm64). n 0 is nothing, as on Linux (the system would
 * take a NULL base as the whole cache). Its failure (a range outside the
 * process, which code just written cannot be) reaches the code region
 * through rtm_icache_flush_checked. */
#include <rtmem/code.h>

#include "../icache_internal.h"
#include "win.h"

int rtm_icache_flush_checked(void *p, size_t n)
{
	if (n != 0 && !FlushInstructionCache(GetCurrentProcess(), p, n))
		return rtm_win_error(GetLastError());
	return 0;
}

void rtm_icache_flush(void *p, size_t n)
{
	(void)rtm_icache_flush_checked(p, n);
}
