/* Defects of the Windows backend that the badinput suites found. Each
 * leaves its cases out on Windows until sys/windows is fixed; then its
 * line goes, and the cases assert what vm.h says, as on Linux.
 *
 *   WIN_HINT_NOT_ROUNDED  rtm_reserve hands an unaligned hint to
 *       VirtualAlloc as it is, and VirtualAlloc reserves every page that
 *       [hint, hint + n) touches: two pages for a one-page request,
 *       counted as one, which rtm_release(p, n) then refuses (not the
 *       whole reservation). vm.h: the hint is "rounded down to 64 KiB".
 *   WIN_SPAN_NOT_CHECKED  rtm_reserve passes a length that reaches
 *       PTRDIFF_MAX (n alone, or n plus the alignment slack, without
 *       overflowing) on to VirtualAlloc2 and VirtualAlloc, which answer
 *       ERROR_INVALID_PARAMETER: RTM_EINVAL, where vm.h says RTM_ENOMEM
 *       (on Linux the mmap layer refuses it so). */
#ifndef TEST_BADINPUT_DEFECTS_H
#define TEST_BADINPUT_DEFECTS_H

#if defined(_WIN32)
#define WIN_HINT_NOT_ROUNDED 1
#define WIN_SPAN_NOT_CHECKED 1
#else
#define WIN_HINT_NOT_ROUNDED 0
#define WIN_SPAN_NOT_CHECKED 0
#endif

#endif
