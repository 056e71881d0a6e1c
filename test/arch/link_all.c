/* Links the whole of librtmem.a (--whole-archive) into a program with no
 * libc and no libgcc, and without start.h's memory functions: an undefined
 * symbol anywhere in the archive fails the link. Running it checks that the
 * result also starts and exits. */
#define RTM_START_NO_MEMFUNCS
#include <rtmem/start.h>

int main(int argc, char **argv, char **envp)
{
	(void)argc;
	(void)argv;
	(void)envp;
	return rtm_write_str(1, "librtmem.a links whole into a -nostdlib program\n");
}
