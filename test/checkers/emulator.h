/* Whether a test runs under qemu-user (the exe_wrapper of every cross
 * file), and a way to skip the checks that the emulator gets wrong.
 *
 * qemu-user is the process the kernel sees, so the thread name the kernel
 * reports is the emulator's ("qemu-aarch64"), as test/selftest finds it.
 * What qemu-user 7.2 (Debian 12) is known to get wrong, checked against
 * the same calls natively and under qemu-aarch64, -arm, -i386, -s390x,
 * -ppc64le:
 *  - madvise answers 0 to any range and any advice: no ENOMEM for a hole,
 *    no EINVAL for unknown advice, for MADV_FREE on locked pages or on
 *    shared memory, and no advice is applied (MADV_HUGEPAGE, MADV_RANDOM);
 *  - mincore fails with ENOMEM on a mapped PROT_NONE page (page_mapped in
 *    ../vm/proc.h and ../sys/probe.h ask /proc/self/maps instead);
 *  - mprotect of length 0 is ENOMEM;
 *  - MAP_FIXED_NOREPLACE is a plain hint; MAP_SHARED_VALIDATE is EINVAL;
 *  - setrlimit(RLIMIT_AS) succeeds and limits nothing;
 *  - PR_SET_SECCOMP is refused (a filter would see qemu's own syscalls);
 *  - getrusage's page faults are the emulator's too.
 * With a 32-bit guest (i386, arm, mips, mipsel) it keeps the guest's
 * address space inside one PROT_NONE host mapping, and so also (under
 * qemu-mips and -mipsel an msync and an mprotect over a range with an
 * unmapped page answer 0; qemu-mips64 answers ENOMEM, as Linux does):
 *  - mprotect and msync find no hole: a range that is not mapped succeeds
 *    (rtmem's hole check, rtm_os_mapped in sys/linux/vm_os.h, is an msync);
 *  - a PROT_NONE mapping that merges with that host mapping is missing
 *    from the emulated /proc/self/maps (the probes cannot see it at all).
 * qemu-i386 alone: once a signal sent by another thread has been handled,
 * pthread_join fails with EDEADLK, in a program with no rtmem code too.
 * qemu-hppa alone: page 0 is mapped (execute only, "0-1000 --xp" in
 * /proc/self/maps of a static glibc program), qemu's stand-in for the
 * gateway page, which Linux keeps in the kernel's own space: a call on
 * NULL meets that page, not a hole.
 * With guest pages larger than the host's (qemu-sparc64: 8 KiB pages on
 * this x86_64 host's 4 KiB, checked with static glibc programs under
 * qemu-sparc64 against the same calls natively and under qemu-aarch64):
 *  - mincore writes the host's vector: one entry per 4 KiB host page, so
 *    twice the entries the guest's buffer was sized for, and a guest page
 *    touched once is resident in one of its two halves only;
 *  - qemu maps a file itself: a file that cannot be mapped (a pipe) is
 *    EINVAL, not ENODEV, and an offset at or past the file's end is ENOMEM
 *    where the kernel maps it, or refuses an offset off_t cannot reach
 *    with EOVERFLOW.
 *
 * A test that cannot run there says why and returns, as the THP tests do:
 *
 *     if (skip_under_emulator("madvise reports no hole"))
 *             return;
 */
#ifndef RTM_TEST_EMULATOR_H
#define RTM_TEST_EMULATOR_H

#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* "qemu-<arch>" under qemu-user, NULL natively. */
static inline const char *emulator(void)
{
	static char name[17];

	if (prctl(PR_GET_NAME, name, 0, 0, 0) != 0 || strncmp(name, "qemu-", 5) != 0)
		return NULL;
	return name;
}

/* "qemu-<arch>" under qemu-user with a 32-bit guest, NULL otherwise. */
static inline const char *emulator32(void)
{
	return sizeof(void *) == 4 ? emulator() : NULL;
}

/* The host's page size under qemu-user. The guest cannot ask the host;
 * CI's hosts are x86_64, whose pages are always 4 KiB. */
#define EMULATOR_HOST_PAGE 4096

/* "qemu-<arch>" under qemu-user with guest pages larger than the host's,
 * NULL otherwise. */
static inline const char *emulator_big_pages(void)
{
	return sysconf(_SC_PAGESIZE) > EMULATOR_HOST_PAGE ? emulator() : NULL;
}

/* Check's START_TEST(t) defines t_fn: the message names t. */
#define skip_under_emulator(why)   emulator_skip(__func__, why)
#define skip_under_emulator32(why) (emulator32() && emulator_skip(__func__, why))
#define skip_under_emulator_big_pages(why) \
	(emulator_big_pages() && emulator_skip(__func__, why))

static inline int emulator_skip(const char *fn, const char *why)
{
	const char *e = emulator();
	size_t n = strlen(fn);

	if (!e)
		return 0;
	if (n > 3 && strcmp(fn + n - 3, "_fn") == 0)
		n -= 3;
	fprintf(stderr, "%.*s: skipped under %s: %s\n", (int)n, fn, e, why);
	return 1;
}

#endif
