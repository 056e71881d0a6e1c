/* Arena blocks: one reservation each, committed in steps. */
#include "arena_internal.h"
#include "sys/vm_internal.h"

/* The smallest reservation worth halving down to. */
#define RTM_RESERVE_FLOOR ((size_t)64 << 10)

size_t rtm_arena_round_up(size_t n, size_t to)
{
	return n > (size_t)-1 - (to - 1) ? 0 : (n + to - 1) & ~(to - 1);
}

/* n rounded up to a multiple of step, 0 if that overflows. A commit step
 * is only rounded to whole pages, so it need not be a power of two: this
 * takes a remainder. 32-bit arm without a divide instruction, and sh4,
 * alpha and PA-RISC (no divide instruction at all) would make the
 * compiler call libgcc's __aeabi_uidivmod, __udivsi3_i4i, __remqu or the
 * millicode $$remU, which the core may not need, so there the remainder
 * comes from shift-and-subtract. This runs
 * once per commit, a path that ends in a system call anyway. */
static size_t rtm_round_up_steps(size_t n, size_t step)
{
	size_t rem;

#if (defined(__arm__) && !defined(__ARM_ARCH_EXT_IDIV__)) || defined(__sh__) || \
        defined(__alpha__) || defined(__hppa__)
	rem = 0;
	for (int bit = (int)(sizeof(size_t) * 8) - 1; bit >= 0; bit--) {
		/* rem < step <= PTRDIFF_MAX, so the shift cannot carry out. */
		rem = (rem << 1) | ((n >> bit) & 1);
		if (rem >= step)
			rem -= step;
	}
#else
	rem = n % step;
#endif
	if (rem == 0)
		return n;
	return n > (size_t)-1 - (step - rem) ? 0 : n + (step - rem);
}

/* Where a commit that must reach `end` stops, in a block whose data runs
 * from base to usable_end: whole steps from base, never past usable_end. */
static uintptr_t rtm_commit_target(uintptr_t base, uintptr_t usable_end, size_t step,
                                   uintptr_t end)
{
	uintptr_t want = base + rtm_round_up_steps(end - base, step);

	return want < end || want > usable_end ? usable_end : want;
}

int rtm_arena_commit_to(struct rtm_arena *a, struct rtm_arena_block *b, uintptr_t end)
{
	uintptr_t want;
	int err;

	if (end <= b->commit_end)
		return 0;
	want = rtm_commit_target(b->base, b->usable_end, a->commit_step, end);
	/* Inside the block's own reservation, page-aligned: no hole to check. */
	err = rtm_vm_commit_mapped((void *)b->commit_end, want - b->commit_end);
	if (err)
		return err;
	rtm_poison(b->commit_end, want - b->commit_end);
	a->committed += want - b->commit_end;
	b->commit_end = want;
	return 0;
}

void rtm_arena_dress(const struct rtm_arena *a, uintptr_t p, size_t n)
{
	if (a->flags & RTM_ARENA_HUGEPAGES)
		(void)rtm_vm_hugepage_mapped((void *)p, n, 1);
	if (a->name)
		(void)rtm_vm_name_mapped((void *)p, n, a->name);
}

struct rtm_arena_block *rtm_arena_block_map(const struct rtm_arena *a, size_t hdr, size_t at,
                                            size_t need, size_t align)
{
	size_t ps = rtm_page_size();
	size_t guard = (a->flags & RTM_ARENA_GUARD) ? ps : 0;
	size_t unit = (a->flags & RTM_ARENA_HUGEPAGES) ? RTM_HUGE_PAGE : ps;
	size_t min, want, floor;
	uintptr_t base, usable_end, commit_end;
	struct rtm_arena_block *b;
	rtm_mmap_result r;

	min = rtm_arena_round_up(need, unit);
	if (min == 0 || __builtin_add_overflow(min, guard, &min))
		return 0;
	if (align < unit)
		align = unit;
	want = a->reserve > min ? a->reserve : min;
	floor = RTM_RESERVE_FLOOR > min ? RTM_RESERVE_FLOOR : min;

	/* Under ulimit -v or in a 32-bit address space a large reservation
	 * can fail where a smaller one fits: halve down to the floor. Blocks
	 * are aligned to their commit unit (2 MiB for huge pages) at least. */
	for (;;) {
		r = rtm_reserve(0, want, align);
		if (!r.err)
			break;
		if (want <= floor)
			return 0;
		want = rtm_arena_round_up(want >> 1, unit);
		if (want < floor)
			want = floor;
	}
	base = (uintptr_t)r.addr;
	usable_end = base + want - guard;
	rtm_arena_dress(a, base, want);

	/* Commit what this request needs, header included, before the
	 * header can be written. */
	commit_end = rtm_commit_target(base, usable_end, a->commit_step, base + need);
	if (rtm_vm_commit_mapped(r.addr, commit_end - base)) {
		/* A hook may refuse the release too: one more try, as
		 * destroy does, so a failed create leaves nothing mapped. */
		for (int tries = 0; tries < 2 && rtm_vm_release_mapped(r.addr, want, 0); tries++)
			;
		return 0;
	}
	/* ASan does not see munmap: shadow from an earlier life of these
	 * addresses (an arena in caller memory never destroyed, say) is
	 * still there. The header is ours, and holds the kernel's zeros
	 * where it is not written below (memcheck must call them defined);
	 * the rest is not handed out yet. */
	rtm_unpoison(base, hdr);
	rtm_defined(base, hdr);
	rtm_poison(base + hdr, commit_end - base - hdr);

	/* Fresh pages read zero: prev, used_before and serial need no store,
	 * and dirty_end 0 says no data byte has been written (zeroed
	 * allocation relies on the same guarantee). */
	b = (struct rtm_arena_block *)(base + at);
	b->base = base;
	b->size = want;
	b->usable_end = usable_end;
	b->commit_end = commit_end;
	b->data = base + hdr;
	return b;
}

/* Releases one block's reservation: 0 or an errno, totals untouched. The
 * block header lives inside it, so everything needed is read first. */
int rtm_arena_block_unmap(struct rtm_arena_block *b)
{
	uintptr_t base = b->base;
	size_t size = b->size, ready = b->commit_end - b->base;

	/* ASan does not see the munmap: clear our poison first (poison.h),
	 * or the next owner of these addresses would inherit it. Only what
	 * was committed: poison never lies past commit_end, and clearing the
	 * whole reservation writes (and keeps resident) shadow for all of
	 * it, 8 MiB for a default 64 MiB block. */
	rtm_poison_drop(base, ready);
	return rtm_vm_release_mapped((void *)base, size, ready);
}

void rtm_arena_block_free(struct rtm_arena *a, struct rtm_arena_block *b)
{
	size_t size = b->size, ready = b->commit_end - b->base;

	if (rtm_arena_block_unmap(b)) {
		/* The OS (or a hook) refused: keep it, still counted, and try
		 * again at the next reset, rewind or destroy. */
		b->prev = a->spare;
		a->spare = b;
		return;
	}
	a->reserved -= size;
	a->committed -= ready;
	a->chained--;
}

void rtm_arena_pop_to(struct rtm_arena *a, const struct rtm_arena_block *b)
{
	while (a->cur != b) {
		struct rtm_arena_block *newer = a->cur;

		a->cur = newer->prev;
		a->win.last = a->cur->last;
		rtm_arena_block_free(a, newer);
	}
}

/* Retries blocks whose release failed before. */
void rtm_arena_spare_free(struct rtm_arena *a)
{
	struct rtm_arena_block *b = a->spare;

	a->spare = 0;
	while (b) {
		struct rtm_arena_block *prev = b->prev;
		rtm_arena_block_free(a, b);
		b = prev;
	}
}
