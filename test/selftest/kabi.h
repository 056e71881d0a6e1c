/* Kernel ABI numbers the self-test uses and rtmem does not export; the
 * same on every architecture. test/arch/consts.c checks them against
 * <linux/prctl.h> and <elf.h>. */
#ifndef SELFTEST_KABI_H
#define SELFTEST_KABI_H

/* prctl options */
#define SELFTEST_PR_GET_DUMPABLE     3
#define SELFTEST_PR_GET_NAME         16
#define SELFTEST_PR_GET_NO_NEW_PRIVS 39

/* auxiliary vector entry types */
#define SELFTEST_AT_NULL   0
#define SELFTEST_AT_PAGESZ 6
#define SELFTEST_AT_ENTRY  9

#endif
