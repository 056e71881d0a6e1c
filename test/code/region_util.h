/* What the code region's suites share (test_region.c,
 * test_region_badinput.c): both modes, a region that must be created in
 * the mode asked for, a function returning a constant, and the process's
 * writable-and-executable mappings, of which there must be none. */
#ifndef TEST_CODE_REGION_UTIL_H
#define TEST_CODE_REGION_UTIL_H

#include <stdint.h>

#include <rtmem/code.h>

#include "image_wx.h"
#include "machine_code.h"
#include "proc.h"

#define FN_ALIGN (MC_ALIGN > 16 ? MC_ALIGN : 16)

/* Loop tests run once per mode: _i 0 DUAL, 1 FLIP. */
static const unsigned modes[2] = { RTM_CODE_DUAL, RTM_CODE_FLIP };

/* Mappings writable and executable at once, anywhere in the process but
 * in what the program's own image asks for (image_wx.h: sparc64's PLT).
 * (glibc's mips crt1 asks for an executable stack: meson.build links
 * these programs with -z noexecstack.) */
static inline int wx_mappings(void)
{
	const char *s = proc_read("/proc/self/maps");
	struct vma v;
	int n = 0;

	while (vma_next(&s, &v))
		n += v.perms[1] == 'w' && v.perms[2] == 'x' && !image_asks_wx(v.lo, v.hi);
	return n;
}

static inline rtm_code *region(unsigned mode, size_t reserve)
{
	struct rtm_code_config cfg = { reserve, mode, "rtm-test-code" };
	rtm_code *c = rtm_code_create(&cfg);

	ck_assert_msg(c != NULL, "create in mode %u", mode);
	ck_assert_uint_eq(rtm_code_mode(c), mode);
	return c;
}

/* A function returning v, allocated and written, not yet published. */
static inline struct rtm_code_buf const_fn(rtm_code *c, uint32_t v)
{
	struct rtm_code_buf b;

	ck_assert_int_eq(rtm_code_alloc(c, MC_MAX, FN_ALIGN, &b), 0);
	mc_ret_const(b.write, v);
	return b;
}

#endif
