/* The self-test's entry: <rtmem/start.h> provides _start, this file the
 * context every section gets and the order they run in. */
#include <rtmem/start.h>

#include "selftest.h"

int selftest_streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

const char *selftest_getenv(char **envp, const char *name)
{
	for (; *envp; envp++) {
		const char *e = *envp, *n = name;

		while (*n && *e == *n) {
			e++;
			n++;
		}
		if (!*n && *e == '=')
			return e + 1;
	}
	return 0;
}

unsigned long selftest_auxv(const unsigned long *auxv, unsigned long type)
{
	for (; auxv[0] != SELFTEST_AT_NULL; auxv += 2) {
		if (auxv[0] == type)
			return auxv[1];
	}
	return 0;
}

/* qemu-user is the process the kernel sees, so the thread name the kernel
 * reports is the emulator's ("qemu-aarch64"), not this program's. */
static const char *emulator(void)
{
	static char name[17];
	static const char prefix[] = "qemu-";

	if (rtm_syscall2(RTM_NR_prctl, SELFTEST_PR_GET_NAME, (long)name) != 0)
		return 0;
	for (size_t i = 0; i < sizeof(prefix) - 1; i++) {
		if (name[i] != prefix[i])
			return 0;
	}
	return name;
}

int main(int argc, char **argv, char **envp)
{
	struct selftest t = {
		.argc = argc,
		.argv = argv,
		.envp = envp,
		.auxv = rtm_auxv_from_envp(envp),
		.emulator = emulator(),
	};

	t.page = selftest_auxv(t.auxv, SELFTEST_AT_PAGESZ);
	rtm_write_str(1, "# rtmem self-test on " RTM_ARCH_NAME "\n");
	if (t.emulator) {
		tap_diag("running under this emulator; the checks it is known to get wrong skip:");
		tap_diag(t.emulator);
	}
#define SECTION(name) section_##name(&t);
	SELFTEST_SECTIONS(SECTION)
#undef SECTION
	return tap_finish();
}
