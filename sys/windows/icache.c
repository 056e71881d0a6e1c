/* rtm_icache_flush on Windows: FlushInstructionCache, which the Win32
 * documentation asks of every program that generates or modifies code
 * before it runs it; the system does what its processor needs (cache
 * maintenance on arm64). n 0 is nothing, as on Linux (the system would
 * take a NULL base as the whole cache). Its failure (a range outside the
 * process, which code just written cannot be) is not reported, as on
 * Linux. */
#include <rtmem/code.h>

#include "win.h"

void rtm_icache_flush(void *p, size_t n)
{
	if (n != 0)
		FlushInstructionCache(GetCurrentProcess(), p, n);
}
