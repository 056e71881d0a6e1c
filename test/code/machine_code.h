/* Machine code to run through executable memory, for every architecture
 * rtmem builds for (Linux: x86_64 i386 aarch64 aarch64_be arm riscv64
 * riscv32 powerpc ppc64 ppc64le s390x mips and mipsel (o32), mips64
 * and mips64el (n64, R2 and R6) sh4 alpha hppa sparc64 m68k; Windows:
 * x86_64 and i686). Two functions:
 *
 *   int32_t f(void)               returns a 32-bit constant
 *   int32_t f(int32_t, int32_t)   returns the sum of its arguments (wrapping)
 *
 * mc_ret_const(buf, v) writes the first at buf and answers its size;
 * mc_patch_const(buf, v) changes the constant of one written there, in
 * place, touching only the bytes that hold it (so a test that forgets to
 * flush or to make the page writable again sees the old constant, or a
 * fault); mc_add(buf) writes the second. buf must be aligned to MC_ALIGN
 * and hold MC_MAX bytes. mc_const_at / mc_add_at turn the address the
 * code runs at into a pointer to call (on ppc64's ELFv1, a descriptor's
 * address: see there).
 *
 * Each function returns its int32_t the way the ABI wants it in a 64-bit
 * register (riscv64, ppc64, ppc64le, s390x and mips64 sign-extend a 32-bit int
 * return value; x86_64 and aarch64 leave the upper half undefined), so a
 * caller comparing the whole register sees the right value.
 *
 * Encodings, and where the constant lives (v = hi16:lo16):
 *   x86_64, i386   mov eax, imm32 (b8 + imm32 little-endian at 1); ret
 *   aarch64        movz w0, lo16; movk w0, hi16, lsl 16 (imm16 in bits
 *                  [20:5] of the words at 0 and 4); ret. aarch64_be: the
 *                  same words, stored little-endian (mc_word)
 *   arm            ARM (A32) code, also when the tests are Thumb (cross/
 *                  arm-thumb.ini): the pointer has bit 0 clear and gcc
 *                  calls through a pointer with blx, which switches to ARM
 *                  state; bx lr returns to Thumb. movw r0, lo16; movt r0,
 *                  hi16 (imm4:imm12 in bits [19:16] and [11:0] of the
 *                  words at 0 and 4); bx lr
 *   riscv64        lui a0, hi20; addiw a0, a0, lo12 (imm[31:12] of the
 *                  word at 0, imm[31:20] of the word at 4; hi20 is rounded
 *                  up when lo12 is negative, as addiw sign-extends it);
 *                  ret. No compressed instructions: the C extension is
 *                  optional. riscv32: addi for addiw (no sign extension
 *                  to do in a 32-bit register).
 *   powerpc        lis r3, hi16; ori r3, r3, lo16 (the low halfwords of
 *   ppc64, ppc64le the words at 0 and 4); blr. lis sign-extends. These
 *                  leaves need no TOC (r2). ppc64le (ELFv2) and powerpc:
 *                  a function pointer is the entry address; ppc64 (ELFv1)
 *                  calls through a descriptor (mc_const_at below).
 *   hppa           ldil L%v, %r28; ldo R%v(%r28), %r28 (ldil takes the top
 *                  21 bits, scattered over the word at 0; ldo adds the low
 *                  11, in the low 14 bits of the word at 4); bv %r0(%rp);
 *                  nop for its delay slot. A code address with bit 1 clear
 *                  is called directly (bit 1 set would mark a descriptor).
 *   sparc64        sethi %hi(v), %o0 (imm22 = v >> 10 in bits [21:0] of the
 *                  word at 0); or %o0, %lo(v), %o0 (v & 0x3ff in bits [9:0]
 *                  of the word at 4); retl; sra %o0, 0, %o0 in its delay
 *                  slot (sethi clears the upper 32 bits; the V9 ABI has
 *                  the callee sign-extend an int). A function pointer is
 *                  the entry address.
 *   m68k           move.l #imm32, %d0 (20 3c, imm32 big-endian at 2); rts
 *   s390x          lgfi %r2, imm32 (c0 21, imm32 big-endian at 2; the
 *                  64-bit register gets the sign-extended value); br %r14
 *   mips (o32, n64) lui $v0, hi16; ori $v0, $v0, lo16 (the low halfwords
 *                  of the words at 0 and 4; lui sign-extends); jalr $zero,
 *                  $ra; nop. R6 removed the jr encoding (jr is jalr $zero
 *                  there), and jalr $zero, $ra is the same word on R2 and
 *                  R6. jalr is not a compact branch, so it has a delay
 *                  slot on both (R6's forbidden slot belongs to compact
 *                  branches): the nop fills it. The same words serve
 *                  o32 (32-bit registers) and n64.
 *   sh4            16-bit instructions: mov #b3, r0, then shll8 r0 and
 *                  or #b, r0 for each lower byte (or zero-extends its
 *                  immediate; the sign mov #imm8 extends is shifted out);
 *                  rts and its delay slot. The constant's bytes are the
 *                  low bytes of the halfwords at 0, 4, 8 and 12.
 *   alpha          ldah $0, hi16($31); lda $0, lo16($0) (the low halfwords
 *                  of the words at 0 and 4; hi16 rounded up when lo16 is
 *                  negative, as lda sign-extends it); addl $0, $31, $0
 *                  sign-extends the 32-bit result, which ldah + lda alone
 *                  get wrong past 0x7fff7fff; ret
 * The sum: addl/lea on x86 (x86_64 Linux: edi + esi; Windows x64: ecx +
 * edx; i386 and i686 cdecl: the two words above the return address), add
 * w0, w0, w1 (aarch64), add r0, r0, r1 (arm), addw a0, a0, a1 (riscv64,
 * sign-extends; add a0, a0, a1 on riscv32), add r3, r3, r4 (+ extsw r3,
 * r3 on ppc64 and ppc64le; 32-bit powerpc has no extsw, nor needs it),
 * ar %r2, %r3 + lgfr %r2, %r2 (s390x), addu $v0, $a0, $a1 (mips;
 * sign-extends on mips64), mov r4, r0 + add r5, r0 in rts's delay slot (sh4), addl
 * $16, $17, $0 (alpha, sign-extends), add %r26, %r25, %r28 (hppa), add
 * %o0, %o1, %o0 + sra (sparc64), move.l 4(%sp), %d0 + add.l 8(%sp), %d0
 * (m68k: arguments on the stack above the return address).
 */
#ifndef TEST_CODE_MACHINE_CODE_H
#define TEST_CODE_MACHINE_CODE_H

#include <stddef.h>
#include <stdint.h>

#define MC_MAX 32

/* The compiler's own copy, so that the freestanding self-test (no libc
 * headers on some targets) uses this file too. */
#define mc_copy(d, s, n) __builtin_memcpy(d, s, n)

typedef int32_t (*mc_const_fn)(void);
typedef int32_t (*mc_add_fn)(int32_t, int32_t);

/* An instruction word in the order this machine fetches it: the data byte
 * order (aarch64, arm, riscv, ppc64le, mipsel and mips64el are
 * little-endian in both, powerpc, ppc64, sparc64, mips and mips64
 * big-endian in both; s390x and m68k write their halfwords directly), but
 * on aarch64_be, whose instructions are little-endian whatever the data's
 * order. */
#if defined(__AARCH64EB__)
#define MC_FETCH_ORDER(w) __builtin_bswap32(w)
#else
#define MC_FETCH_ORDER(w) (w)
#endif

static inline void mc_word(unsigned char *p, uint32_t w)
{
	w = MC_FETCH_ORDER(w);
	mc_copy(p, &w, 4);
}

static inline uint32_t mc_read_word(const unsigned char *p)
{
	uint32_t w;

	mc_copy(&w, p, 4);
	return MC_FETCH_ORDER(w);
}

/* A word with the bits of mask replaced by bits. */
static inline void mc_set_bits(unsigned char *p, uint32_t mask, uint32_t bits)
{
	mc_word(p, (mc_read_word(p) & ~mask) | (bits & mask));
}

#if defined(__x86_64__) || defined(__i386__)

#define MC_ARCH  "x86"
#define MC_ALIGN 1

static inline void mc_patch_const(void *buf, uint32_t v)
{
	mc_copy((unsigned char *)buf + 1, &v, 4); /* little-endian, as x86 reads it */
}

static inline size_t mc_ret_const(void *buf, uint32_t v)
{
	unsigned char *p = buf;

	p[0] = 0xb8; /* mov eax, imm32 */
	mc_patch_const(p, v);
	p[5] = 0xc3; /* ret */
	return 6;
}

static inline size_t mc_add(void *buf)
{
#if defined(__x86_64__) && defined(_WIN64)
	static const unsigned char code[] = { 0x8d, 0x04, 0x11, 0xc3 }; /* lea eax, [rcx + rdx]; ret */
#elif defined(__x86_64__)
	static const unsigned char code[] = { 0x8d, 0x04, 0x37, 0xc3 }; /* lea eax, [rdi + rsi]; ret */
#else
	static const unsigned char code[] = {
		0x8b, 0x44, 0x24, 0x04, /* mov eax, [esp + 4] */
		0x03, 0x44, 0x24, 0x08, /* add eax, [esp + 8] */
		0xc3,                   /* ret */
	};
#endif
	mc_copy(buf, code, sizeof code);
	return sizeof code;
}

#elif defined(__aarch64__)

#define MC_ARCH  "aarch64"
#define MC_ALIGN 4

static inline void mc_patch_const(void *buf, uint32_t v)
{
	unsigned char *p = buf;

	mc_set_bits(p, 0xffffu << 5, (v & 0xffff) << 5);
	mc_set_bits(p + 4, 0xffffu << 5, (v >> 16) << 5);
}

static inline size_t mc_ret_const(void *buf, uint32_t v)
{
	unsigned char *p = buf;

	mc_word(p, 0x52800000);     /* movz w0, #0 */
	mc_word(p + 4, 0x72a00000); /* movk w0, #0, lsl #16 */
	mc_word(p + 8, 0xd65f03c0); /* ret */
	mc_patch_const(p, v);
	return 12;
}

static inline size_t mc_add(void *buf)
{
	unsigned char *p = buf;

	mc_word(p, 0x0b010000);     /* add w0, w0, w1 */
	mc_word(p + 4, 0xd65f03c0); /* ret */
	return 8;
}

#elif defined(__arm__)

#define MC_ARCH  "arm"
#define MC_ALIGN 4

/* movw/movt: imm16 = imm4:imm12, imm4 in bits [19:16], imm12 in [11:0]. */
static inline uint32_t mc_arm_imm16(uint32_t imm)
{
	return ((imm & 0xf000) << 4) | (imm & 0x0fff);
}

static inline void mc_patch_const(void *buf, uint32_t v)
{
	unsigned char *p = buf;

	mc_set_bits(p, 0x000f0fff, mc_arm_imm16(v & 0xffff));
	mc_set_bits(p + 4, 0x000f0fff, mc_arm_imm16(v >> 16));
}

static inline size_t mc_ret_const(void *buf, uint32_t v)
{
	unsigned char *p = buf;

	mc_word(p, 0xe3000000);     /* movw r0, #0 */
	mc_word(p + 4, 0xe3400000); /* movt r0, #0 */
	mc_word(p + 8, 0xe12fff1e); /* bx lr */
	mc_patch_const(p, v);
	return 12;
}

static inline size_t mc_add(void *buf)
{
	unsigned char *p = buf;

	mc_word(p, 0xe0800001);     /* add r0, r0, r1 */
	mc_word(p + 4, 0xe12fff1e); /* bx lr */
	return 8;
}

#elif defined(__riscv)

/* riscv32 has no addiw and addw (their opcodes are reserved there): addi
 * and add, which on a 32-bit register are the same operations. */
#if __riscv_xlen == 64
#define MC_ARCH      "riscv64"
#define MC_RISCV_ADDI 0x0005051b /* addiw a0, a0, 0 */
#define MC_RISCV_ADD  0x00b5053b /* addw a0, a0, a1 */
#else
#define MC_ARCH      "riscv32"
#define MC_RISCV_ADDI 0x00050513 /* addi a0, a0, 0 */
#define MC_RISCV_ADD  0x00b50533 /* add a0, a0, a1 */
#endif
#define MC_ALIGN 4

static inline void mc_patch_const(void *buf, uint32_t v)
{
	unsigned char *p = buf;
	/* addi(w) adds lo12 sign-extended: when its bit 11 is set, hi20 is
	 * one more (all in 32 bits: addiw wraps and sign-extends the sum). */
	uint32_t hi20 = ((v + 0x800) >> 12) & 0xfffff;

	mc_set_bits(p, 0xfffff000u, hi20 << 12);
	mc_set_bits(p + 4, 0xfff00000u, (v & 0xfff) << 20);
}

static inline size_t mc_ret_const(void *buf, uint32_t v)
{
	unsigned char *p = buf;

	mc_word(p, 0x00000537);     /* lui a0, 0 */
	mc_word(p + 4, MC_RISCV_ADDI);
	mc_word(p + 8, 0x00008067); /* ret (jalr zero, 0(ra)) */
	mc_patch_const(p, v);
	return 12;
}

static inline size_t mc_add(void *buf)
{
	unsigned char *p = buf;

	mc_word(p, MC_RISCV_ADD);
	mc_word(p + 4, 0x00008067); /* ret */
	return 8;
}

#elif defined(__powerpc__)

#if defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
#define MC_ARCH  "ppc64le"
#elif defined(__powerpc64__)
#define MC_ARCH  "ppc64"
#else
#define MC_ARCH  "powerpc"
#endif
#define MC_ALIGN 4

static inline void mc_patch_const(void *buf, uint32_t v)
{
	unsigned char *p = buf;

	mc_set_bits(p, 0xffff, v >> 16);
	mc_set_bits(p + 4, 0xffff, v & 0xffff);
}

static inline size_t mc_ret_const(void *buf, uint32_t v)
{
	unsigned char *p = buf;

	mc_word(p, 0x3c600000);     /* lis r3, 0 */
	mc_word(p + 4, 0x60630000); /* ori r3, r3, 0 */
	mc_word(p + 8, 0x4e800020); /* blr */
	mc_patch_const(p, v);
	return 12;
}

static inline size_t mc_add(void *buf)
{
	unsigned char *p = buf;

	mc_word(p, 0x7c632214);     /* add r3, r3, r4 */
#ifdef __powerpc64__
	mc_word(p + 4, 0x7c6307b4); /* extsw r3, r3 */
	mc_word(p + 8, 0x4e800020); /* blr */
	return 12;
#else
	mc_word(p + 4, 0x4e800020); /* blr */
	return 8;
#endif
}

#elif defined(__s390x__)

#define MC_ARCH  "s390x"
#define MC_ALIGN 2

static inline void mc_patch_const(void *buf, uint32_t v)
{
	unsigned char *p = buf;

	p[2] = (unsigned char)(v >> 24);
	p[3] = (unsigned char)(v >> 16);
	p[4] = (unsigned char)(v >> 8);
	p[5] = (unsigned char)v;
}

static inline size_t mc_ret_const(void *buf, uint32_t v)
{
	unsigned char *p = buf;

	p[0] = 0xc0; /* lgfi %r2, imm32 */
	p[1] = 0x21;
	mc_patch_const(p, v);
	p[6] = 0x07; /* br %r14 */
	p[7] = 0xfe;
	return 8;
}

static inline size_t mc_add(void *buf)
{
	static const unsigned char code[] = {
		0x1a, 0x23,             /* ar %r2, %r3 */
		0xb9, 0x14, 0x00, 0x22, /* lgfr %r2, %r2 */
		0x07, 0xfe,             /* br %r14 */
	};

	mc_copy(buf, code, sizeof code);
	return sizeof code;
}

#elif defined(__mips__)

#define MC_ARCH  "mips"
#define MC_ALIGN 4

static inline void mc_patch_const(void *buf, uint32_t v)
{
	unsigned char *p = buf;

	mc_set_bits(p, 0xffff, v >> 16);
	mc_set_bits(p + 4, 0xffff, v & 0xffff);
}

static inline size_t mc_ret_const(void *buf, uint32_t v)
{
	unsigned char *p = buf;

	mc_word(p, 0x3c020000);      /* lui $v0, 0 */
	mc_word(p + 4, 0x34420000);  /* ori $v0, $v0, 0 */
	mc_word(p + 8, 0x03e00009);  /* jalr $zero, $ra */
	mc_word(p + 12, 0x00000000); /* nop (delay slot) */
	mc_patch_const(p, v);
	return 16;
}

static inline size_t mc_add(void *buf)
{
	unsigned char *p = buf;

	mc_word(p, 0x00851021);     /* addu $v0, $a0, $a1 */
	mc_word(p + 4, 0x03e00009); /* jalr $zero, $ra */
	mc_word(p + 8, 0x00000000); /* nop (delay slot) */
	return 12;
}

#elif defined(__sh__) && defined(__LITTLE_ENDIAN__)

#define MC_ARCH  "sh4"
#define MC_ALIGN 2

/* 16-bit instructions, fetched in the data byte order. */
static inline void mc_half(unsigned char *p, uint16_t h)
{
	mc_copy(p, &h, 2);
}

/* The constant is in the instructions, a byte at a time (mov #imm8 and
 * or #imm8: the immediate is the low byte of the halfwords at 0, 4, 8
 * and 12), not in a literal pool, which the data side would read. */
static inline void mc_patch_const(void *buf, uint32_t v)
{
	unsigned char *p = buf;

	p[0] = (unsigned char)(v >> 24);
	p[4] = (unsigned char)(v >> 16);
	p[8] = (unsigned char)(v >> 8);
	p[12] = (unsigned char)v;
}

static inline size_t mc_ret_const(void *buf, uint32_t v)
{
	static const uint16_t code[] = {
		0xe000, /* mov #b3, r0 (sign-extends; shifted out below) */
		0x4018, /* shll8 r0 */
		0xcb00, /* or #b2, r0 */
		0x4018, /* shll8 r0 */
		0xcb00, /* or #b1, r0 */
		0x4018, /* shll8 r0 */
		0xcb00, /* or #b0, r0 */
		0x000b, /* rts */
		0x0009, /* nop (delay slot) */
	};
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < sizeof code / sizeof code[0]; i++)
		mc_half(p + 2 * i, code[i]);
	mc_patch_const(p, v);
	return sizeof code;
}

static inline size_t mc_add(void *buf)
{
	unsigned char *p = buf;

	mc_half(p, 0x6043);     /* mov r4, r0 */
	mc_half(p + 2, 0x000b); /* rts */
	mc_half(p + 4, 0x305c); /* add r5, r0 (delay slot) */
	return 6;
}

#elif defined(__alpha__)

#define MC_ARCH  "alpha"
#define MC_ALIGN 4

/* lda adds its 16 bits sign-extended: hi16 is one more when bit 15 of v
 * is set. */
static inline void mc_patch_const(void *buf, uint32_t v)
{
	unsigned char *p = buf;

	mc_set_bits(p, 0xffff, ((v + 0x8000) >> 16) & 0xffff);
	mc_set_bits(p + 4, 0xffff, v & 0xffff);
}

static inline size_t mc_ret_const(void *buf, uint32_t v)
{
	unsigned char *p = buf;

	mc_word(p, 0x241f0000);      /* ldah $0, 0($31) */
	mc_word(p + 4, 0x20000000);  /* lda $0, 0($0) */
	mc_word(p + 8, 0x401f0000);  /* addl $0, $31, $0 */
	mc_word(p + 12, 0x6bfa8001); /* ret $31, ($26), 1 */
	mc_patch_const(p, v);
	return 16;
}

static inline size_t mc_add(void *buf)
{
	unsigned char *p = buf;

	mc_word(p, 0x42110000);     /* addl $16, $17, $0 */
	mc_word(p + 4, 0x6bfa8001); /* ret $31, ($26), 1 */
	return 8;
}

#elif defined(__hppa__)

#define MC_ARCH  "hppa"
#define MC_ALIGN 4

/* ldil's 21-bit immediate (the top 21 bits of the value) is stored
 * scattered: from its most significant bit down, bit 20 goes to the
 * word's bit 0, bits 19..9 to bits 11..1, bits 8..7 to bits 15..14, bits
 * 6..2 to bits 20..16 and bits 1..0 to bits 13..12. */
static inline uint32_t mc_hppa_im21(uint32_t x)
{
	return ((x >> 20) & 0x1) | (((x >> 9) & 0x7ff) << 1) | (((x >> 7) & 0x3) << 14) |
	       (((x >> 2) & 0x1f) << 16) | ((x & 0x3) << 12);
}

static inline void mc_patch_const(void *buf, uint32_t v)
{
	unsigned char *p = buf;

	mc_set_bits(p, 0x1fffff, mc_hppa_im21(v >> 11));
	/* ldo's 14-bit displacement keeps its sign in bit 0: the low 11
	 * bits of v are never negative, so they sit one bit up. */
	mc_set_bits(p + 4, 0x3fff, (v & 0x7ff) << 1);
}

static inline size_t mc_ret_const(void *buf, uint32_t v)
{
	unsigned char *p = buf;

	mc_word(p, 0x23800000);      /* ldil L%0, %r28 */
	mc_word(p + 4, 0x379c0000);  /* ldo 0(%r28), %r28 */
	mc_word(p + 8, 0xe840c000);  /* bv %r0(%rp) */
	mc_word(p + 12, 0x08000240); /* nop (delay slot) */
	mc_patch_const(p, v);
	return 16;
}

static inline size_t mc_add(void *buf)
{
	unsigned char *p = buf;

	mc_word(p, 0x0b3a061c);     /* add %r26, %r25, %r28 */
	mc_word(p + 4, 0xe840c000); /* bv %r0(%rp) */
	mc_word(p + 8, 0x08000240); /* nop (delay slot) */
	return 12;
}

#elif defined(__sparc__) && defined(__arch64__)

#define MC_ARCH  "sparc64"
#define MC_ALIGN 4

static inline void mc_patch_const(void *buf, uint32_t v)
{
	unsigned char *p = buf;

	mc_set_bits(p, 0x3fffff, v >> 10);
	mc_set_bits(p + 4, 0x3ff, v & 0x3ff);
}

static inline size_t mc_ret_const(void *buf, uint32_t v)
{
	unsigned char *p = buf;

	mc_word(p, 0x11000000);      /* sethi %hi(0), %o0 */
	mc_word(p + 4, 0x90122000);  /* or %o0, 0, %o0 */
	mc_word(p + 8, 0x81c3e008);  /* retl */
	mc_word(p + 12, 0x913a2000); /* sra %o0, 0, %o0 (delay slot) */
	mc_patch_const(p, v);
	return 16;
}

static inline size_t mc_add(void *buf)
{
	unsigned char *p = buf;

	mc_word(p, 0x90020009);     /* add %o0, %o1, %o0 */
	mc_word(p + 4, 0x81c3e008); /* retl */
	mc_word(p + 8, 0x913a2000); /* sra %o0, 0, %o0 (delay slot) */
	return 12;
}

#elif defined(__m68k__)

#define MC_ARCH  "m68k"
#define MC_ALIGN 2

static inline void mc_patch_const(void *buf, uint32_t v)
{
	unsigned char *p = buf;

	p[2] = (unsigned char)(v >> 24);
	p[3] = (unsigned char)(v >> 16);
	p[4] = (unsigned char)(v >> 8);
	p[5] = (unsigned char)v;
}

static inline size_t mc_ret_const(void *buf, uint32_t v)
{
	unsigned char *p = buf;

	p[0] = 0x20; /* move.l #imm32, %d0 */
	p[1] = 0x3c;
	mc_patch_const(p, v);
	p[6] = 0x4e; /* rts */
	p[7] = 0x75;
	return 8;
}

static inline size_t mc_add(void *buf)
{
	static const unsigned char code[] = {
		0x20, 0x2f, 0x00, 0x04, /* move.l 4(%sp), %d0 */
		0xd0, 0xaf, 0x00, 0x08, /* add.l 8(%sp), %d0 */
		0x4e, 0x75,             /* rts */
	};

	mc_copy(buf, code, sizeof code);
	return sizeof code;
}

#else
#error "test/code/machine_code.h: no machine code for this architecture"
#endif

#if defined(__powerpc64__) && _CALL_ELF != 2
/* ELFv1 (big-endian ppc64): a function pointer is the address of a
 * descriptor, { entry address, TOC pointer, environment }, and a call
 * through it loads r2 and the entry from there. So mc_const_at(exec) and
 * mc_add_at(exec) build one for exec, as a compound literal: it lives to
 * the end of the caller's enclosing block, as long as the pointer may be
 * called (every caller calls it there). These leaves read no TOC, so it
 * is 0; the caller restores its own r2 after the call. The descriptor is
 * data, not code: it is never written to the code's pages. Compilers
 * take a descriptor for constant: gcc does not count a call through a
 * pointer as reading it (and dropped the literal's stores as dead); clang
 * optimizes with LLVM's invariant-function-descriptors (and in a loop,
 * where the literal is rebuilt at the same address, called the first
 * iteration's code every time).
 * mc_fdesc_escape stores it first and hands back an address the compiler
 * cannot know, a new one for every call. */
struct mc_fdesc {
	uint64_t entry, toc, env;
};

static inline const struct mc_fdesc *mc_fdesc_escape(const struct mc_fdesc *d)
{
	__asm__ __volatile__("" : "+r"(d) : : "memory");
	return d;
}

static inline mc_const_fn mc_const_desc(const struct mc_fdesc *d)
{
	mc_const_fn f;

	d = mc_fdesc_escape(d);
	mc_copy(&f, &d, sizeof f);
	return f;
}

static inline mc_add_fn mc_add_desc(const struct mc_fdesc *d)
{
	mc_add_fn f;

	d = mc_fdesc_escape(d);
	mc_copy(&f, &d, sizeof f);
	return f;
}

#define mc_const_at(exec) mc_const_desc(&(struct mc_fdesc){ (uint64_t)(uintptr_t)(exec), 0, 0 })
#define mc_add_at(exec)   mc_add_desc(&(struct mc_fdesc){ (uint64_t)(uintptr_t)(exec), 0, 0 })

#else
/* The pointer to call for code that runs at exec. An object pointer does
 * not convert to a function pointer in ISO C; the bits are the address on
 * every other ABI here (ELFv2 included), so they are copied. */
static inline mc_const_fn mc_const_at(void *exec)
{
	mc_const_fn f;

	mc_copy(&f, &exec, sizeof f);
	return f;
}

static inline mc_add_fn mc_add_at(void *exec)
{
	mc_add_fn f;

	mc_copy(&f, &exec, sizeof f);
	return f;
}
#endif

#endif
