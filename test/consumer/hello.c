/* The smallest hosted rtmem program: the README's install, vendoring and
 * CMake commands build and run it (.ci/consumer.sh runs those commands).
 * An arena, one allocation, everything given back; exits 0 only then. */
#include <stdio.h>
#include <string.h>

#include <rtmem/arena.h>
#include <rtmem/vm.h>

int main(void)
{
	rtm_arena *a = rtm_arena_create(NULL);
	char *s;

	if (!a)
		return 1;
	s = rtm_arena_alloc(a, 64, 1);
	if (!s)
		return 1;
	strcpy(s, "hello from an rtmem arena");
	printf("%s, page %zu B\n", s, rtm_page_size());
	rtm_arena_destroy(a);
	return rtm_vm_stats().reserved != 0;
}
