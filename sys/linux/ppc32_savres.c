/* 32-bit powerpc: at -Os gcc saves and restores the callee-saved registers
 * of a large frame by calling routines with fixed names (the SVR4 ABI's
 * out-of-line save/restore; rs6000_savres_strategy, with no option to
 * turn it off), which libgcc normally supplies (crtsavres). librtmem.a
 * needs nothing from outside itself, so it carries its own, as the
 * kernel does for its modules. ppc64's linker makes its own on demand;
 * there is nothing to do there.
 *
 * The caller points r11 at the top of its register save area (the frame's
 * upper end, where the back chain of its caller's frame lives) and enters
 * at the first register it saved; each entry falls through to the next:
 *   _savegpr_N    stores rN..r31, rK at r11 - 4 * (32 - K)
 *   _restgpr_N    loads them back
 *   _restgpr_N_x  loads them back and returns for the caller: the link
 *                 register from its frame's save word (4(r11)), r1 = r11
 * Only general registers: the library has no floating-point or vector
 * code to save. Weak, so that a program linking libgcc's as well (its
 * own -Os code with floating point) gets no duplicate definitions, and
 * hidden, so that librtmem.so does not export them. */
#if defined(__powerpc__) && !defined(__powerpc64__)

#define RTM_PPC32_GPRS "14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31"
#define RTM_PPC32_ENTRY(name)                                                 \
	".weak " name "\n.hidden " name "\n.type " name ",@function\n" name ":\n"

__asm__(".pushsection .text.rtm_ppc32_savres,\"ax\",@progbits\n"
        ".balign 4\n"
        ".irp n," RTM_PPC32_GPRS "\n"
        RTM_PPC32_ENTRY("_savegpr_\\n")
        "	stw \\n, -4 * (32 - \\n)(11)\n"
        ".endr\n"
        "	blr\n"
        ".irp n," RTM_PPC32_GPRS "\n"
        RTM_PPC32_ENTRY("_restgpr_\\n")
        "	lwz \\n, -4 * (32 - \\n)(11)\n"
        ".endr\n"
        "	blr\n"
        ".irp n," RTM_PPC32_GPRS "\n"
        RTM_PPC32_ENTRY("_restgpr_\\n\\()_x")
        "	lwz \\n, -4 * (32 - \\n)(11)\n"
        ".endr\n"
        "	lwz 0, 4(11)\n"
        "	mtlr 0\n"
        "	mr 1, 11\n"
        "	blr\n"
        ".popsection\n");

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int rtm_ppc32_savres_unused;
#endif
