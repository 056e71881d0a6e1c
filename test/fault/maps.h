/* The process's address space as the fault driver compares it, before a
 * scenario and after each faulted run (maps_linux.h: /proc/self/maps;
 * maps_windows.h: a VirtualQuery walk). Each gives
 *
 *   struct maps_snapshot      what is mapped, in a few numbers (Linux:
 *                             also the open descriptors, and wx, the
 *                             mappings writable and executable at once)
 *   maps_snapshot()           takes one without allocating: the walk
 *                             must not see itself
 *   maps_equal(a, b)          nothing leaked, nothing changed
 *   maps_describe(s, buf, n)  for a failure's message only */
#ifndef RTM_TEST_MAPS_H
#define RTM_TEST_MAPS_H

#if defined(_WIN32)
#include "maps_windows.h"
#else
#include "maps_linux.h"
#endif

#endif
