/* <rtmem/start.h> — a program entry point without libc, for every
 * architecture rtmem supports (Linux nolibc's arch-*.h do the same job).
 *
 * Use: include it in exactly ONE translation unit of a freestanding
 * program, define main with three parameters, and link without libc:
 *
 *     #include <rtmem/start.h>
 *     int main(int argc, char **argv, char **envp) { ... return 0; }
 *
 *     cc -ffreestanding -fno-stack-protector -ffunction-sections \
 *        -fdata-sections -c prog.c
 *     cc -nostdlib -static -Wl,--gc-sections prog.o librtmem.a -o prog
 *
 * -fno-stack-protector because the canary lives in TLS, which nothing sets
 * up; -static, not -static-pie, because nothing here applies relocations.
 * Add -lgcc after librtmem.a if your own code makes the compiler call its
 * helpers (division on 32-bit arm, 64-bit division on i386); rtmem itself
 * does not (test/arch checks). On aarch64 also pass -mno-outline-atomics
 * (gcc's outlined atomics need libc's getauxval).
 *
 * What it defines (external symbols, hence the one-TU rule):
 *   _start       in top-level asm: clears what the ABI wants cleared, sets
 *                up the global pointer where the ABI has one (riscv gp,
 *                ppc64le TOC, mips $gp, alpha $gp; ppc64's ELFv1 kernel
 *                loads the TOC from _start's descriptor), aligns the stack
 *                and calls rtm_start_c with the kernel's initial stack
 *                pointer.
 *   rtm_start_c  reads argc, argv, envp and the auxiliary vector from that
 *                stack, hands the auxv to rtm_set_auxv() (<rtmem/vm.h>, so
 *                rtm_page_size() is exact from the first call), calls main
 *                and exits the whole process with its return value.
 *   memcpy memmove memset memcmp
 *                weak, byte-at-a-time: gcc and clang may emit calls to these
 *                even in freestanding code (struct copies, zeroing). Define
 *                RTM_START_NO_MEMFUNCS before the include to leave them out
 *                when you supply your own; being weak, a strong definition
 *                elsewhere wins anyway.
 *
 * And static inline helpers, usable in that translation unit:
 *   rtm_exit(status)        exit_group(2), never returns
 *   rtm_strlen(s)
 *   rtm_write_all(fd, p, n) write(2) until done: 0 or a positive errno
 *   rtm_write_str(fd, s)    rtm_write_all of a NUL-terminated string
 *   rtm_auxv_from_envp(envp)  the auxiliary vector that follows envp
 *
 * The initial stack, as the kernel leaves it on every architecture here
 * (hppa: at argv - 1, below sp, as its stack grows up):
 *   sp -> argc, argv[0] .. argv[argc-1], NULL, envp[..], NULL, auxv pairs
 *         (a_type, a_val) .. ending with AT_NULL (0).
 */
#ifndef RTMEM_START_H
#define RTMEM_START_H

#include <stddef.h>
#include <stdint.h>

#include "syscall.h"
#include "vm.h"

int main(int argc, char **argv, char **envp);

__attribute__((noreturn)) static inline void rtm_exit(int status)
{
	for (;;)
		rtm_syscall1(RTM_NR_exit_group, status);
}

static inline size_t rtm_strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

/* write(2) may take less than asked (pipes, signals): keep going. */
static inline int rtm_write_all(int fd, const void *buf, size_t n)
{
	const char *p = (const char *)buf;

	while (n > 0) {
		long r = rtm_syscall3(RTM_NR_write, fd, (long)p, (long)n);
		if (r == -RTM_EINTR)
			continue;
		if (RTM_SYSCALL_FAILED(r))
			return (int)-r;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static inline int rtm_write_str(int fd, const char *s)
{
	return rtm_write_all(fd, s, rtm_strlen(s));
}

static inline const unsigned long *rtm_auxv_from_envp(char **envp)
{
	while (*envp)
		envp++;
	return (const unsigned long *)(envp + 1);
}

/* The canary is in TLS and nothing has set TLS up yet: this function must
 * not be instrumented even when the rest of the program is. */
#if defined(__has_attribute)
#if __has_attribute(no_stack_protector)
#define RTM_START_NO_SSP __attribute__((no_stack_protector))
#endif
#endif
#ifndef RTM_START_NO_SSP
#define RTM_START_NO_SSP
#endif

__attribute__((used, noreturn)) RTM_START_NO_SSP void rtm_start_c(unsigned long *sp);
__attribute__((used, noreturn)) RTM_START_NO_SSP void rtm_start_c(unsigned long *sp)
{
	/* argv follows argc, envp follows argv's NULL. Both calls read argc
	 * from sp: for all the compiler knows rtm_set_auxv writes the stack
	 * it is handed, so only sp is kept across it (one saved register,
	 * not three for argc, argv and envp). */
	rtm_set_auxv(rtm_auxv_from_envp((char **)sp + sp[0] + 2));
	rtm_exit(main((int)sp[0], (char **)sp + 1, (char **)sp + sp[0] + 2));
}

/* _start is entered by a jump from the kernel, not a call: there is no
 * return address, the stack pointer is only as aligned as the kernel
 * chose, and registers the C ABI expects (global pointers) are unset. Each
 * stub fixes what its ABI needs and passes the original sp as the first
 * argument. Aligned to 4, the widest instruction alignment of them all
 * (the entry point itself needs no more). */
#define RTM_START_HEAD                                                        \
	".pushsection .text._start,\"ax\",%progbits\n"                        \
	".balign 4\n"                                                         \
	".globl _start\n"                                                     \
	".type _start,%function\n"
#define RTM_START_TAIL                                                        \
	".size _start,.-_start\n"                                             \
	".popsection\n"

#if defined(__x86_64__)
/* rbp = 0 ends the frame chain (the ABI asks for it); after `call` pushes
 * the return address rsp is 16n-8, what every C function expects. */
__asm__(RTM_START_HEAD
        "_start:\n"
        "	xor %ebp, %ebp\n"
        "	mov %rsp, %rdi\n"
        "	and $-16, %rsp\n"
        "	call rtm_start_c\n"
        "	hlt\n"
        RTM_START_TAIL);
#elif defined(__i386__)
/* The argument goes on the stack; 12 + 4 bytes keep esp 16-aligned at the
 * call, as gcc has assumed since 4.5. */
__asm__(RTM_START_HEAD
        "_start:\n"
        "	xor %ebp, %ebp\n"
        "	mov %esp, %eax\n"
        "	and $-16, %esp\n"
        "	sub $12, %esp\n"
        "	push %eax\n"
        "	call rtm_start_c\n"
        "	hlt\n"
        RTM_START_TAIL);
#elif defined(__aarch64__)
/* x29 = x30 = 0 end the frame record chain. */
__asm__(RTM_START_HEAD
        "_start:\n"
        "	mov x29, xzr\n"
        "	mov x30, xzr\n"
        "	mov x0, sp\n"
        "	and sp, x0, #-16\n"
        "	bl rtm_start_c\n"
        "	brk #0\n"
        RTM_START_TAIL);
#elif defined(__arm__)
/* Assembled in the instruction set the rest of the file uses, so that a
 * Thumb build has a Thumb entry (.thumb_func makes the ELF entry address
 * odd, which tells the kernel to start in Thumb state). bic cannot write
 * sp in Thumb, hence the detour through r1. AAPCS wants 8-byte alignment. */
#if defined(__thumb__)
#define RTM_START_ISA ".thumb\n.thumb_func\n"
#else
#define RTM_START_ISA ".arm\n"
#endif
__asm__(RTM_START_HEAD
        ".syntax unified\n"
        RTM_START_ISA
        "_start:\n"
        "	mov r0, sp\n"
        "	bic r1, r0, #7\n"
        "	mov sp, r1\n"
        "	bl rtm_start_c\n"
        "	udf #0\n"
        RTM_START_TAIL);
#undef RTM_START_ISA
#elif defined(__riscv)
/* riscv64 and riscv32 alike. gp must hold __global_pointer$ before any C code runs: the linker relaxes
 * accesses near it into gp-relative ones. norelax, or the load of gp would
 * itself be relaxed into "mv gp, gp". */
__asm__(RTM_START_HEAD
        "_start:\n"
        ".option push\n"
        ".option norelax\n"
        "	lla gp, __global_pointer$\n"
        ".option pop\n"
        "	mv a0, sp\n"
        "	andi sp, sp, -16\n"
        "	call rtm_start_c\n"
        "	unimp\n"
        RTM_START_TAIL);
#elif defined(__powerpc64__) && _CALL_ELF == 2
/* ELFv2: the kernel enters with r12 = _start, the same contract as a global
 * entry point, so the TOC pointer (r2) is computed from it. The caller's
 * minimal frame is 32 bytes with a back chain word, here 0 (outermost). The
 * nop after bl is the slot the linker may use to restore r2. */
__asm__(RTM_START_HEAD
        "_start:\n"
        "	addis 2, 12, .TOC.-_start@ha\n"
        "	addi 2, 2, .TOC.-_start@l\n"
        "	mr 3, 1\n"
        "	clrrdi 1, 1, 4\n"
        "	li 0, 0\n"
        "	stdu 0, -32(1)\n"
        "	bl rtm_start_c\n"
        "	nop\n"
        "	trap\n"
        RTM_START_TAIL);
#elif defined(__powerpc64__)
/* ELFv1 (big-endian ppc64): a function's symbol names its descriptor in
 * .opd (entry address, TOC pointer, environment), and so does the ELF
 * entry point: the kernel loads r2 from _start's descriptor and jumps to
 * the entry, so the TOC is set already. The caller's minimal frame is 112
 * bytes: 48 of linkage (back chain 0 here) and the 8-doubleword parameter
 * save area, which ELFv1 callees may write even for one argument. */
__asm__(".pushsection .opd,\"aw\"\n"
        ".balign 8\n"
        ".globl _start\n"
        ".type _start,@function\n"
        "_start:\n"
        "	.quad .L.rtm_start, .TOC.@tocbase, 0\n"
        ".popsection\n"
        ".pushsection .text._start,\"ax\",%progbits\n"
        ".balign 4\n"
        ".L.rtm_start:\n"
        "	mr 3, 1\n"
        "	clrrdi 1, 1, 4\n"
        "	li 0, 0\n"
        "	stdu 0, -112(1)\n"
        "	bl rtm_start_c\n"
        "	nop\n"
        "	trap\n"
        ".size _start,.-.L.rtm_start\n"
        ".popsection\n");
#elif defined(__powerpc__)
/* 32-bit SysV: the caller's minimal frame is 16 bytes, its first word the
 * back chain (0: outermost) and its second the word where the callee saves
 * its return address. */
__asm__(RTM_START_HEAD
        "_start:\n"
        "	mr 3, 1\n"
        "	clrrwi 1, 1, 4\n"
        "	li 0, 0\n"
        "	stwu 0, -16(1)\n"
        "	bl rtm_start_c\n"
        "	trap\n"
        RTM_START_TAIL);
#elif defined(__s390x__)
/* The caller provides a 160-byte register save area at the callee's sp;
 * its first word, the back chain, is 0 for the outermost frame. */
__asm__(RTM_START_HEAD
        "_start:\n"
        "	lgr %r2, %r15\n"
        "	aghi %r15, -160\n"
        "	nill %r15, 0xfff8\n"
        "	xc 0(8,%r15), 0(%r15)\n"
        "	brasl %r14, rtm_start_c\n"
        "	.word 0\n"
        RTM_START_TAIL);
#elif defined(__mips__) && defined(_ABI64) && _MIPS_SIM == _ABI64 || \
	defined(__mips__) && defined(_ABIO32) && _MIPS_SIM == _ABIO32
/* The MIPS linker scripts name the entry __start, not _start: both label
 * the same code. PIC (abicalls): $gp is derived from the code's own
 * address, which bal puts in $ra (the label after the delay slot); then the
 * call goes through $25 ($t9), from which the callee computes its own $gp.
 * n64 writes the distance to $gp as %neg(%gp_rel(label)); o32 has the
 * linker's _gp_disp, the distance from the lui to _gp (the lui's own
 * address is what bal left in $ra). An o32 callee may store its four
 * argument registers in the 16 bytes at its sp: the caller reserves them. */
#if _MIPS_SIM == _ABI64
#define RTM_START_GP                                                          \
	"1:	lui $28, %hi(%neg(%gp_rel(1b)))\n"                            \
	"	daddiu $28, $28, %lo(%neg(%gp_rel(1b)))\n"                    \
	"	daddu $28, $28, $31\n"
#define RTM_START_ARGS ""
#define RTM_START_LOAD "ld"
#else
#define RTM_START_GP                                                          \
	"1:	lui $28, %hi(_gp_disp)\n"                                     \
	"	addiu $28, $28, %lo(_gp_disp)\n"                              \
	"	addu $28, $28, $31\n"
#define RTM_START_ARGS "	addiu $29, $29, -16\n"
#define RTM_START_LOAD "lw"
#endif
__asm__(RTM_START_HEAD
        ".globl __start\n"
        ".type __start,%function\n"
        "__start:\n"
        "_start:\n"
        ".set push\n"
        ".set noreorder\n"
        "	bal 1f\n"
        "	nop\n"
        RTM_START_GP
        "	move $4, $29\n"
        "	li $12, -16\n"
        "	and $29, $29, $12\n"
        RTM_START_ARGS
        "	" RTM_START_LOAD " $25, %call16(rtm_start_c)($28)\n"
        "	jalr $25\n"
        "	nop\n"
        "	break\n"
        ".set pop\n"
        RTM_START_TAIL);
#undef RTM_START_GP
#undef RTM_START_ARGS
#undef RTM_START_LOAD
#elif defined(__sh__)
/* r4 is the first argument; the SH ABI wants sp 4-aligned, 8 for doubles.
 * r14 = 0 ends the frame chain. rtm_start_c's address comes from the
 * literal pool (a static, non-PIE link: its final address). The call's
 * delay slot does the clearing; sleep (privileged) traps if it returns. */
__asm__(RTM_START_HEAD
        "_start:\n"
        "	mov r15, r4\n"
        "	mov #-8, r0\n"
        "	and r0, r15\n"
        "	mov.l 1f, r1\n"
        "	jsr @r1\n"
        "	mov #0, r14\n"
        "	sleep\n"
        "	.balign 4\n"
        "1:	.long rtm_start_c\n"
        RTM_START_TAIL);
#elif defined(__alpha__)
/* Every function derives $gp from its own address in $27, and _start has
 * none: br puts the address of 1 in $gp, and ldgp (ldah/lda with gpdisp
 * relocations against that label) turns it into the global pointer before
 * anything reaches a global. jsr to a symbol loads $27 from the GOT, so
 * rtm_start_c's own ldgp works. $15 (the frame pointer) = 0 ends the frame
 * chain; the stack is kept 16-aligned. halt is privileged: a SIGILL if
 * rtm_start_c ever returned. */
__asm__(RTM_START_HEAD
        "_start:\n"
        "	br $29, 1f\n"
        "1:	ldgp $29, 0($29)\n"
        "	mov $30, $16\n"
        "	bic $30, 15, $30\n"
        "	mov $31, $15\n"
        "	jsr $26, rtm_start_c\n"
        "	call_pal 0\n"
        RTM_START_TAIL);
#elif defined(__hppa__)
/* The stack grows up, and the kernel hands over argc in r25 and argv in
 * r24 rather than at sp: the table starts one word below argv, which is
 * what rtm_start_c reads. dp (r27) must hold $global$, the base the
 * linker resolves data accesses against; in a static link it turns the
 * PIC library's linkage-table accesses (through r19) into dp-relative
 * ones too, so r19 needs nothing. A callee keeps its return pointer at
 * -20 and the previous sp at -4 below the sp it is called with, in the
 * caller's frame: 64 bytes of frame here, whose previous-sp word is 0,
 * the end of the frame chain. */
__asm__(RTM_START_HEAD
        "_start:\n"
        "	ldil L%$global$, %dp\n"
        "	ldo R%$global$(%dp), %dp\n"
        "	ldo -4(%r24), %r26\n"
        "	ldo 64(%sp), %sp\n"
        "	stw %r0, -4(%sp)\n"
        "	bl rtm_start_c, %rp\n"
        "	nop\n"
        "	iitlbp %r0, (%sr0, %r0)\n"
        RTM_START_TAIL);
#elif defined(__sparc__) && defined(__arch64__)
/* The kernel enters with %sp biased by 2047 (every sparc64 stack pointer
 * is) and argc 128 bytes above the biased address, past the register
 * window save area of this first frame. A C function may store its
 * incoming arguments in its caller's frame, in the 48 bytes above the
 * caller's save area: _start makes a frame of its own (save area and that
 * space, 176 bytes), 16-aligned as the ABI wants the unbiased address, so
 * that those stores never land on argc and argv. %fp = 0 ends the frame
 * chain. call has a delay slot: the nop fills it. */
__asm__(RTM_START_HEAD
        "_start:\n"
        "	mov %g0, %fp\n"
        "	add %sp, 2047, %g1\n"
        "	add %g1, 128, %o0\n"
        "	sub %g1, 176, %g1\n"
        "	and %g1, -16, %g1\n"
        "	sub %g1, 2047, %sp\n"
        "	call rtm_start_c\n"
        "	nop\n"
        "	illtrap 0\n"
        RTM_START_TAIL);
#elif defined(__m68k__)
/* The argument goes on the stack. %a6 (the frame pointer) = 0 ends the
 * frame chain. The kernel's 4-byte alignment is more than the ABI asks
 * (2 bytes). sp is copied through %a0 rather than pushed as itself: what
 * move.l %sp,-(%sp) stores is not obvious to a reader. */
__asm__(RTM_START_HEAD
        "_start:\n"
        "	suba.l %a6, %a6\n"
        "	move.l %sp, %a0\n"
        "	move.l %a0, -(%sp)\n"
        "	jsr rtm_start_c\n"
        "	illegal\n"
        RTM_START_TAIL);
#else
#error "<rtmem/start.h>: no _start for this architecture"
#endif

#undef RTM_START_HEAD
#undef RTM_START_TAIL

#ifndef RTM_START_NO_MEMFUNCS
/* Written as loops, which is exactly what gcc's loop distribution (and
 * clang's loop idiom pass) would turn back into calls to memset/memcpy:
 * infinite recursion at -O2. The attributes switch that off here only. */
#if defined(__clang__)
#define RTM_START_MEMFN __attribute__((weak, no_builtin))
#elif defined(__GNUC__)
#define RTM_START_MEMFN __attribute__((weak, optimize("no-tree-loop-distribute-patterns")))
#else
#define RTM_START_MEMFN __attribute__((weak))
#endif

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

RTM_START_MEMFN void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = (unsigned char *)dst;
	const unsigned char *s = (const unsigned char *)src;

	while (n--)
		*d++ = *s++;
	return dst;
}

RTM_START_MEMFN void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = (unsigned char *)dst;
	const unsigned char *s = (const unsigned char *)src;

	/* Compared as integers: relational operators on pointers into
	 * different objects are undefined. */
	if ((uintptr_t)d <= (uintptr_t)s) {
		while (n--)
			*d++ = *s++;
	} else {
		while (n--)
			d[n] = s[n];
	}
	return dst;
}

RTM_START_MEMFN void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = (unsigned char *)dst;

	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

RTM_START_MEMFN int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
	}
	return 0;
}

#undef RTM_START_MEMFN
#endif

#endif
