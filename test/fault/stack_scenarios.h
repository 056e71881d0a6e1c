/* What the stack scenarios (stack_scenarios.c) and the known defects'
 * tests (stack_defects.c) share. */
#ifndef RTM_TEST_FAULT_STACK_SCENARIOS_H
#define RTM_TEST_FAULT_STACK_SCENARIOS_H

#include <stddef.h>
#include <stdint.h>

#include <rtmem/stack.h>

#define STACK_KiB ((size_t)1 << 10)
/* Small stacks, so that a chunk holds a word's worth of slots (one bit
 * each in the chunk's masks: mem/stack_internal.h; full_chunk checks it
 * by the reservations). Several guard pages: what a chunk's layout must
 * still get right. */
#define STACK_SIZE        (64 * STACK_KiB)
#define STACK_KEEP        (16 * STACK_KiB)
#define STACK_GUARD_PAGES 3
#define STACK_CHUNK_SLOTS (sizeof(uintptr_t) * 8)

struct rtm_stack_config stack_fault_config(unsigned flags, size_t limit);

#endif
