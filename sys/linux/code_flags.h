/* Internal: the kernel's numbers for what a code region asks besides
 * mappings (the same on every architecture rtmem supports; test/arch
 * checks them against the system headers). */
#ifndef RTM_SYS_LINUX_CODE_FLAGS_H
#define RTM_SYS_LINUX_CODE_FLAGS_H

/* memfd_create(2) */
#define RTM_MFD_CLOEXEC       0x1
#define RTM_MFD_ALLOW_SEALING 0x2
#define RTM_MFD_EXEC          0x10

/* fcntl(2) file seals */
#define RTM_F_ADD_SEALS         1033
#define RTM_F_SEAL_SHRINK       0x2
#define RTM_F_SEAL_GROW         0x4
#define RTM_F_SEAL_FUTURE_WRITE 0x10

/* membarrier(2) */
#define RTM_MEMBARRIER_CMD_QUERY                                0
#define RTM_MEMBARRIER_CMD_PRIVATE_EXPEDITED                    8
#define RTM_MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED           16
#define RTM_MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE          32
#define RTM_MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE 64

#endif
