/* The VirtualAlloc family as raw calls (Go: stdcall to VirtualAlloc in
 * mem_windows.go): errors as values, no hooks. */
#include <stdatomic.h>

#include "win.h"

/* Arbitrary code guard's refusal of executable memory (Windows 10 1607);
 * mingw's headers may not have it. */
#define RTM_ERROR_DYNAMIC_CODE_BLOCKED 1655

int rtm_win_error(unsigned long e)
{
	switch (e) {
	case ERROR_NOT_ENOUGH_MEMORY:
	case ERROR_OUTOFMEMORY:
	case ERROR_COMMITMENT_LIMIT: return RTM_ENOMEM;
	case ERROR_ACCESS_DENIED:
	case RTM_ERROR_DYNAMIC_CODE_BLOCKED: return RTM_EACCES;
	case ERROR_PRIVILEGE_NOT_HELD: return RTM_EPERM;
	case ERROR_PROC_NOT_FOUND: return RTM_ENOSYS;
	default: return RTM_EINVAL; /* ERROR_INVALID_PARAMETER, _ADDRESS, the rest */
	}
}

static rtm_mmap_result rtm_win_refused(int err)
{
	rtm_mmap_result r;

	r.addr = 0;
	r.err = err;
	return r;
}

static rtm_mmap_result rtm_win_result(void *p)
{
	rtm_mmap_result r;

	r.addr = p;
	r.err = p ? 0 : rtm_win_error(GetLastError());
	return r;
}

rtm_mmap_result rtm_sys_virtual_alloc(void *addr, size_t n, unsigned long type, unsigned long protect)
{
	return rtm_win_result(VirtualAlloc(addr, n, type, protect));
}

/* VirtualAlloc2's own types, declared here: mingw's headers hide them
 * behind _WIN32_WINNT, and the function is looked up at run time. */
struct rtm_mem_address_requirements {
	void *lowest_starting_address;
	void *highest_ending_address;
	SIZE_T alignment;
};

struct rtm_mem_extended_parameter {
	DWORD64 type; /* the low 8 bits; the rest is reserved, zero */
	union {
		DWORD64 u64;
		void *pointer;
	} u;
};

#define RTM_MEM_EXTENDED_PARAMETER_ADDRESS_REQUIREMENTS 1

typedef void *(WINAPI *rtm_virtual_alloc2_fn)(HANDLE, void *, SIZE_T, ULONG, ULONG,
                                              struct rtm_mem_extended_parameter *, ULONG);

typedef void *(WINAPI *rtm_map_view3_fn)(HANDLE, HANDLE, void *, ULONG64, SIZE_T, ULONG, ULONG,
                                          struct rtm_mem_extended_parameter *, ULONG);

/* What KernelBase or kernel32 exports as name (KernelBase first: Wine 8
 * exports VirtualAlloc2 and MapViewOfFile3 from there only), NULL where
 * neither has it; looked up once per function (racing first callers find
 * the same address, so relaxed is enough). */
struct rtm_win_lookup {
	_Atomic int looked;
	void (*_Atomic fn)(void);
};

static void (*rtm_win_find(struct rtm_win_lookup *l, const char *name))(void)
{
	static const char *const modules[] = { "kernelbase.dll", "kernel32.dll" };

	if (!atomic_load_explicit(&l->looked, memory_order_acquire)) {
		void (*f)(void) = 0;

		for (unsigned i = 0; i < 2 && !f; i++) {
			HMODULE m = GetModuleHandleA(modules[i]);
			if (m)
				f = (void (*)(void))GetProcAddress(m, name);
		}
		atomic_store_explicit(&l->fn, f, memory_order_relaxed);
		atomic_store_explicit(&l->looked, 1, memory_order_release);
	}
	return atomic_load_explicit(&l->fn, memory_order_relaxed);
}

static rtm_virtual_alloc2_fn rtm_virtual_alloc2(void)
{
	static struct rtm_win_lookup l;

	return (rtm_virtual_alloc2_fn)rtm_win_find(&l, "VirtualAlloc2");
}

static rtm_map_view3_fn rtm_map_view3(void)
{
	static struct rtm_win_lookup l;

	return (rtm_map_view3_fn)rtm_win_find(&l, "MapViewOfFile3");
}

rtm_mmap_result rtm_sys_virtual_alloc_aligned(size_t n, size_t align, unsigned long type,
                                              unsigned long protect)
{
	rtm_virtual_alloc2_fn alloc2 = rtm_virtual_alloc2();
	struct rtm_mem_address_requirements req;
	struct rtm_mem_extended_parameter param;

	if (!alloc2)
		return rtm_win_refused(RTM_ENOSYS);
	req.lowest_starting_address = 0;
	req.highest_ending_address = 0;
	req.alignment = align;
	param.type = RTM_MEM_EXTENDED_PARAMETER_ADDRESS_REQUIREMENTS;
	param.u.pointer = &req;
	return rtm_win_result(alloc2(0, 0, n, type, protect, &param, 1));
}

int rtm_sys_virtual_free(void *addr, size_t n, unsigned long type)
{
	return VirtualFree(addr, n, type) ? 0 : rtm_win_error(GetLastError());
}

int rtm_sys_virtual_protect(void *addr, size_t n, unsigned long protect, unsigned long *old)
{
	DWORD was;

	if (!VirtualProtect(addr, n, protect, &was))
		return rtm_win_error(GetLastError());
	if (old)
		*old = was;
	return 0;
}

int rtm_sys_section_create(size_t n, unsigned long protect, void **section)
{
	/* The size's high half: 0 where size_t has 32 bits. */
	HANDLE h = CreateFileMappingW(INVALID_HANDLE_VALUE, 0, protect,
	                              (DWORD)((unsigned long long)n >> 32), (DWORD)n, 0);

	if (!h)
		return rtm_win_error(GetLastError());
	*section = h;
	return 0;
}

int rtm_sys_section_close(void *section)
{
	return CloseHandle(section) ? 0 : rtm_win_error(GetLastError());
}

rtm_mmap_result rtm_sys_map_view(void *section, void *addr, size_t n, unsigned long type,
                                 unsigned long protect)
{
	rtm_map_view3_fn map3;

	if (type == 0) {
		/* MapViewOfFileEx takes an access, not a protection; the
		 * executable view gets no write access, so that it can never
		 * be made writable. */
		DWORD access = protect == PAGE_READWRITE     ? FILE_MAP_WRITE :
		               protect == PAGE_EXECUTE_READ ? FILE_MAP_READ | FILE_MAP_EXECUTE :
		                                              0;

		if (!access)
			return rtm_win_refused(RTM_EINVAL);
		return rtm_win_result(MapViewOfFileEx(section, access, 0, 0, n, addr));
	}
	map3 = rtm_map_view3();
	if (!map3)
		return rtm_win_refused(RTM_ENOSYS);
	return rtm_win_result(map3(section, GetCurrentProcess(), addr, 0, n, type, protect, 0, 0));
}

int rtm_sys_unmap_view(void *addr)
{
	return UnmapViewOfFile(addr) ? 0 : rtm_win_error(GetLastError());
}

int rtm_sys_virtual_query(const void *addr, struct rtm_win_region *out)
{
	MEMORY_BASIC_INFORMATION mbi;

	if (VirtualQuery(addr, &mbi, sizeof mbi) != sizeof mbi)
		return rtm_win_error(GetLastError());
	out->base = mbi.BaseAddress;
	out->size = mbi.RegionSize;
	out->allocation_base = mbi.State == MEM_FREE ? 0 : mbi.AllocationBase;
	out->state = mbi.State;
	out->protect = mbi.State == MEM_COMMIT ? mbi.Protect : 0;
	return 0;
}
