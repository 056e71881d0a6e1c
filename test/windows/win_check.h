/* <check.h> for mingw-w64 programs. Check declares its assertion message
 * functions format(printf, ...), which gcc for mingw-w64 takes as msvcrt's
 * printf (ms_printf): it knows no %jd, so every ck_assert_int_* would
 * warn. These programs and Check itself format with mingw-w64's C99 printf
 * (__USE_MINGW_ANSI_STDIO, on under -std=c11), so the format to check
 * against is gnu_printf. The headers check.h includes come first, so the
 * macro reaches check.h alone. */
#ifndef TEST_WINDOWS_WIN_CHECK_H
#define TEST_WINDOWS_WIN_CHECK_H

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define printf gnu_printf
#include <check.h>
#undef printf

#endif
