/* The code region on this architecture, with no libc: real machine code
 * (../code/machine_code.h) written, published and called in each mode,
 * a second function beside the first, a patch published and called
 * again, a reset that serves new code at the same address, every byte
 * back to the OS after destroy. On targets with Check, test/code goes
 * further (W^X over /proc/self/maps, faults, threads, refused calls);
 * here it is what runs where there is no C library. */
#include <rtmem/code.h>
#include <rtmem/syscall.h>
#include <rtmem/vm.h>

#include "../code/machine_code.h"
#include "selftest.h"

#define FN_ALIGN (MC_ALIGN > 16 ? MC_ALIGN : 16)

/* "<mode>: <what>" in buf, cut to fit. */
static const char *join(char *buf, size_t n, const char *a, const char *b)
{
	size_t k = 0;

	while (*a && k + 1 < n)
		buf[k++] = *a++;
	while (*b && k + 1 < n)
		buf[k++] = *b++;
	buf[k] = 0;
	return buf;
}

/* A function returning v at a new allocation, published; its buffer. */
static int const_fn(rtm_code *c, uint32_t v, struct rtm_code_buf *b)
{
	if (rtm_code_alloc(c, MC_MAX, FN_ALIGN, b) != 0)
		return 0;
	mc_ret_const(b->write, v);
	return rtm_code_publish(c, b) == 0;
}

static void one_mode(const struct selftest *t, rtm_code *c, const char *mode)
{
	struct rtm_code_buf k, add, again;
	char name[64];
	int dual = rtm_code_mode(c) == RTM_CODE_DUAL;

#define NAME(what) (join(name, sizeof name, mode, what))
	if (!tap_ok(const_fn(c, 0x12345678u, &k), NAME("alloc, write, publish")))
		return;
	tap_eq(mc_const_at(k.exec)(), 0x12345678, NAME("the published code runs"));
	tap_ok(dual ? k.write != k.exec : k.write == k.exec, NAME("one view, or two"));
#ifdef RTM_ARCH_SHMLBA
	/* Where the data cache is indexed by more bits than a page has, the
	 * kernel maps a view only at the colour of its file offset (arch/
	 * header): k, the region's first code, is at offset 0 of both. */
	tap_ok(!dual || (((uintptr_t)k.write | (uintptr_t)k.exec) & (RTM_ARCH_SHMLBA - 1)) == 0,
	       NAME("both views start at cache colour 0"));
#endif

	if (tap_ok(rtm_code_alloc(c, MC_MAX, FN_ALIGN, &add) == 0, NAME("a second function"))) {
		mc_add(add.write);
		tap_eq(rtm_code_publish(c, &add), 0, NAME("publish the second"));
		tap_eq(mc_add_at(add.exec)(40, 2), 42, NAME("it runs"));
		tap_eq(mc_add_at(add.exec)(-7, 3), -4, NAME("negative sums sign-extend"));
		tap_eq(mc_const_at(k.exec)(), 0x12345678, NAME("the first still runs"));
	}

	/* qemu-user does not see a write through the writable view to code
	 * it has translated at the other (test/checkers/emulator.h). */
	if (dual && t->emulator) {
		tap_skip(NAME("patch"), "qemu-user misses writes through the other view");
		tap_skip(NAME("reset"), "qemu-user misses writes through the other view");
		return;
	}
	if (tap_eq(rtm_code_patch_begin(c, &k), 0, NAME("patch begin"))) {
		mc_patch_const(k.write, 0x7654321u);
		tap_eq(rtm_code_publish(c, &k), 0, NAME("patch published"));
		tap_eq(mc_const_at(k.exec)(), 0x7654321, NAME("the patched code runs"));
	}

	rtm_code_reset(c);
	if (tap_ok(const_fn(c, 99, &again), NAME("new code after reset"))) {
		tap_ok(again.exec == k.exec, NAME("at the address the old code had"));
		tap_eq(mc_const_at(again.exec)(), 99, NAME("the new code runs, not the old"));
	}
#undef NAME
}

void section_code(const struct selftest *t)
{
	struct rtm_vm_stats s0 = rtm_vm_stats(), s;
	rtm_code *c = rtm_code_create(0);
	unsigned dflt = 0;

	if (tap_ok(c != 0, "code: a region in the default mode")) {
		dflt = rtm_code_mode(c);
		tap_ok(dflt == RTM_CODE_DUAL || dflt == RTM_CODE_FLIP, "code: DUAL or FLIP");
		rtm_code_destroy(c);
	}
	c = rtm_code_create(&(struct rtm_code_config){ 1u << 20, RTM_CODE_FLIP, "rtm-selftest" });
	if (tap_ok(c != 0, "code: FLIP")) {
		one_mode(t, c, "code FLIP: ");
		rtm_code_destroy(c);
	}
	/* The default is DUAL wherever the kernel allows DUAL. */
	c = rtm_code_create(&(struct rtm_code_config){ 1u << 20, RTM_CODE_DUAL, "rtm-selftest" });
	if (dflt == RTM_CODE_DUAL && tap_ok(c != 0, "code: DUAL")) {
		one_mode(t, c, "code DUAL: ");
		rtm_code_destroy(c);
	} else {
		tap_ok(c == 0, "code: DUAL refused where the default is FLIP");
		rtm_code_destroy(c);
	}
	s = rtm_vm_stats();
	tap_ok(s.reserved == s0.reserved && s.committed == s0.committed,
	       "code: every byte back to the OS after destroy");
}
