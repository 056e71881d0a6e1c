/* Internal: <windows.h> as the Windows backend uses it, and what it
 * shares between its files. */
#ifndef RTM_SYS_WINDOWS_WIN_H
#define RTM_SYS_WINDOWS_WIN_H

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <rtmem/sys.h>

#pragma GCC visibility push(hidden)

/* GetLastError's value as an RTM_E* (the table in <rtmem/sys_windows.h>). */
int rtm_win_error(unsigned long e);

/* The system's allocation granularity (64 KiB), cached (page_size.c). */
size_t rtm_win_granularity(void);

/* Bytes of the user address space, from its lowest to its highest
 * address (GetSystemInfo), cached: no reservation can be larger. */
size_t rtm_win_user_bytes(void);

#pragma GCC visibility pop

#endif
