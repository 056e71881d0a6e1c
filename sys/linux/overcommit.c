/* The kernel's overcommit policy, which decides how a decommit gives the
 * commit charge back.
 *
 * Under strict overcommit (vm.overcommit_memory = 2) the kernel ignores
 * MAP_NORESERVE, so making a reservation writable charges it, and the
 * charge stays with the mapping for as long as it has ever had pages:
 * neither MADV_DONTNEED nor mprotect(PROT_NONE) returns it; only a new
 * mapping in its place does. Under the other two policies a reservation
 * carries no charge, so a decommit can keep the mapping (and with it the
 * huge page advice and the name the caller gave it). jemalloc reads the
 * same file for the same reason (os_overcommits_proc). */
#include <stdatomic.h>

#include "open_flags.h"
#include "vm_os.h"

/* 0 until read; then 1 + whether the policy is strict. Racing first
 * callers read the same file, so relaxed ordering is enough. */
static _Atomic int rtm_overcommit_known;

/* The policy digit from the file: '0', '1' or '2'; 0 when it cannot be
 * read (no /proc in a chroot or an early boot program). */
static char rtm_overcommit_read(void)
{
	static const char path[] = "/proc/sys/vm/overcommit_memory";
	char c = 0;
	long fd = rtm_syscall4(RTM_NR_openat, RTM_AT_FDCWD, (long)path,
	                       RTM_O_RDONLY | RTM_O_CLOEXEC, 0);

	if (RTM_SYSCALL_FAILED(fd))
		return 0;
	if (rtm_syscall3(RTM_NR_read, fd, (long)&c, 1) != 1)
		c = 0;
	(void)rtm_syscall1(RTM_NR_close, fd);
	return c;
}

int rtm_vm_strict_overcommit(void)
{
	int known = atomic_load_explicit(&rtm_overcommit_known, memory_order_relaxed);

	if (!known) {
		/* Unknown counts as strict: replacing the mapping gives the
		 * charge back under every policy, keeping it does not. */
		char c = rtm_overcommit_read();

		known = 1 + (c != '0' && c != '1');
		atomic_store_explicit(&rtm_overcommit_known, known, memory_order_relaxed);
	}
	return known - 1;
}
