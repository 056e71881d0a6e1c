/* A hook table over the VirtualAlloc layer that records every call and
 * refuses chosen ones (test_vm.c, test_stack.c):
 *
 *   rec_begin(op, type, nth)  installs it: it refuses the nth call of op
 *                             (H_*) with a type (or, for H_PROTECT,
 *                             H_SECTION and H_MAP, protection) flag of
 *                             type, every such call when nth is 0; type
 *                             0: none; H_UNMAP's calls have the type 1
 *   rec_also(op, type, nth)   a second rule of the same kind, after
 *                             rec_begin
 *   rec.no_alloc2             set: every VirtualAlloc2 answers RTM_ENOSYS,
 *                             as on a system without it
 *   rec.calls[op], rec.types[op]  calls made, type flags seen (or-ed)
 *   rec.refusals              calls refused
 *   rec.reserved              what the last reservation returned
 *   rec.commit_at, commit_len where the last commit was asked, and how much
 *   rec.sections[], nsections the sections created (the first 16)
 *   rec_end()                 puts the raw calls back
 *
 * One recorder per program, used from one thread. */
#ifndef TEST_WINDOWS_WIN_REC_HOOKS_H
#define TEST_WINDOWS_WIN_REC_HOOKS_H

#include <string.h>

#include <windows.h>

#include <rtmem/sys.h>

enum { H_ALLOC, H_ALIGNED, H_FREE, H_PROTECT, H_SECTION, H_MAP, H_UNMAP, H_OPS };

static struct {
	unsigned calls[H_OPS];
	unsigned long types[H_OPS];
	int refuse_op;             /* -1: none */
	unsigned long refuse_type;
	unsigned refuse_nth;
	unsigned seen;             /* such calls so far */
	unsigned refusals;
	int also_op;               /* the second rule: -1 none */
	unsigned long also_type;
	unsigned also_nth, also_seen;
	int no_alloc2;
	void *reserved;
	void *commit_at;
	size_t commit_len;
	void *sections[16];
	unsigned nsections;
} rec;

static int rec_refuses(int op, unsigned long type)
{
	rec.calls[op]++;
	rec.types[op] |= type;
	if (op == rec.also_op && (type & rec.also_type) &&
	    (++rec.also_seen == rec.also_nth || rec.also_nth == 0))
		return 1;
	if (op != rec.refuse_op || !(type & rec.refuse_type))
		return 0;
	rec.seen++;
	return rec.refuse_nth == 0 || rec.seen == rec.refuse_nth;
}

static int rec_refused(int op, unsigned long type)
{
	int no = rec_refuses(op, type);

	rec.refusals += (unsigned)no;
	return no;
}

static rtm_mmap_result rec_alloc(void *ctx, void *addr, size_t n, unsigned long type,
                                 unsigned long protect)
{
	rtm_mmap_result no = { NULL, RTM_ENOMEM }, r;

	(void)ctx;
	if (type & MEM_COMMIT) {
		rec.commit_at = addr;
		rec.commit_len = n;
	}
	if (rec_refused(H_ALLOC, type))
		return no;
	r = rtm_sys_virtual_alloc(addr, n, type, protect);
	if (!r.err && (type & MEM_RESERVE))
		rec.reserved = r.addr;
	return r;
}

static rtm_mmap_result rec_aligned(void *ctx, size_t n, size_t align, unsigned long type,
                                   unsigned long protect)
{
	rtm_mmap_result no = { NULL, RTM_ENOSYS };

	(void)ctx;
	if (rec_refused(H_ALIGNED, type) || rec.no_alloc2)
		return no;
	return rtm_sys_virtual_alloc_aligned(n, align, type, protect);
}

static int rec_free(void *ctx, void *addr, size_t n, unsigned long type)
{
	(void)ctx;
	return rec_refused(H_FREE, type) ? RTM_ENOMEM : rtm_sys_virtual_free(addr, n, type);
}

static int rec_protect(void *ctx, void *addr, size_t n, unsigned long protect,
                       unsigned long *old)
{
	(void)ctx;
	return rec_refused(H_PROTECT, protect) ? RTM_ENOMEM :
	                                         rtm_sys_virtual_protect(addr, n, protect, old);
}

static int rec_section(void *ctx, size_t n, unsigned long protect, void **section)
{
	int err;

	(void)ctx;
	if (rec_refused(H_SECTION, protect))
		return RTM_ENOMEM;
	err = rtm_sys_section_create(n, protect, section);
	if (!err && rec.nsections < 16)
		rec.sections[rec.nsections++] = *section;
	return err;
}

static rtm_mmap_result rec_map(void *ctx, void *section, void *addr, size_t n, unsigned long type,
                               unsigned long protect)
{
	rtm_mmap_result no = { NULL, RTM_ENOMEM };

	(void)ctx;
	if (rec_refused(H_MAP, protect))
		return no;
	return rtm_sys_map_view(section, addr, n, type, protect);
}

static int rec_unmap(void *ctx, void *addr)
{
	(void)ctx;
	return rec_refused(H_UNMAP, 1) ? RTM_EINVAL : rtm_sys_unmap_view(addr);
}

static const struct rtm_hooks rec_table = { rec_alloc,   rec_aligned, rec_free,  rec_protect,
	                                    rec_section, rec_map,     rec_unmap, NULL };

static inline void rec_begin(int op, unsigned long type, unsigned nth)
{
	memset(&rec, 0, sizeof rec);
	rec.refuse_op = type ? op : -1;
	rec.refuse_type = type;
	rec.refuse_nth = nth;
	rec.also_op = -1;
	rtm_set_hooks(&rec_table);
}

static inline void rec_also(int op, unsigned long type, unsigned nth)
{
	rec.also_op = op;
	rec.also_type = type;
	rec.also_nth = nth;
}

static inline void rec_end(void)
{
	rtm_set_hooks(NULL);
}

static inline unsigned rec_total(void)
{
	unsigned n = 0;

	for (int op = 0; op < H_OPS; op++)
		n += rec.calls[op];
	return n;
}

#endif
