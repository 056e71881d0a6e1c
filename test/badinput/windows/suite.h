/* The runner of test/vm/suite.h on Windows: Check cannot fork there, so
 * every test runs in this one process (../../windows/win_suite.h says
 * what that asks of a test; the badinput sources say where it matters). */
#ifndef TEST_BADINPUT_WINDOWS_SUITE_H
#define TEST_BADINPUT_WINDOWS_SUITE_H

#include "win_suite.h"

#endif
