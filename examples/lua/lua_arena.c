/* Lua 5.4 on rtmem: one arena per request.
 *
 * A host that runs each request in a fresh lua_State can give that state
 * an arena as its whole heap: allocation bumps a pointer, Lua's frees cost
 * nothing, and at the end of the request lua_close + rtm_arena_destroy give
 * every byte back to the OS at once. The arena's limit is the request's
 * memory cap: past it the allocator returns NULL, Lua raises its own "not
 * enough memory" (LUA_ERRMEM) through lua_pcall, and the host carries on.
 *
 * The trade: what the collector frees is not reused before the request
 * ends (except the newest block), so this suits short-lived states; a
 * state that lives long and churns wants an allocator with a free list.
 *
 * The program runs a normal request, a runaway one that hits the cap, and
 * the normal one again; it checks each outcome and that rtm_vm_stats is
 * back at its starting value after every request, prints a short report,
 * and exits 1 if any check failed.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include <rtmem/arena.h>
#include <rtmem/vm.h>

#define REQUEST_LIMIT ((size_t)4 << 20)

/* What malloc guarantees, so what Lua's default allocator gives: userdata
 * may hold any C type. */
#define LUA_ARENA_ALIGN _Alignof(max_align_t)

/* lua_Alloc on an arena (ud). Lua's rules: NULL for a failed allocation;
 * freeing (nsize 0) and shrinking never fail. */
static void *arena_lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	rtm_arena *a = ud;
	void *p;

	if (nsize == 0) {
		/* An arena frees all at once; only the newest block can go
		 * back now. Shrunk to the 1 byte the arena keeps for any
		 * allocation, the rest returns to the bump pointer. Any other
		 * block stays where it is until the request ends. */
		if (ptr)
			rtm_arena_resize(a, ptr, osize, 1, LUA_ARENA_ALIGN);
		return NULL;
	}
	/* With ptr NULL, osize tells the type of the new object, not a size. */
	if (!ptr)
		return rtm_arena_alloc(a, nsize, LUA_ARENA_ALIGN);
	/* The newest block grows or shrinks in place; an older one shrinks
	 * in place or grows by copying. */
	p = rtm_arena_resize(a, ptr, osize, nsize, LUA_ARENA_ALIGN);
	/* A shrink never moves the block, so it cannot fail; were it ever
	 * to, the old block is still large enough, which is all Lua asks. */
	return p || nsize > osize ? p : ptr;
}

static int open_libs(lua_State *L)
{
	luaL_openlibs(L);
	return 0;
}

/* Reached only by an error outside lua_pcall, which this host never makes:
 * say so before Lua aborts. */
static int panic(lua_State *L)
{
	const char *msg = lua_tostring(L, -1);

	fprintf(stderr, "lua panic: %s\n", msg ? msg : "(error object is not a string)");
	return 0;
}

struct request {
	const char *name;
	const char *script;
	int status;       /* how lua_pcall must end */
	const char *want; /* the result (LUA_OK) or the error message */
};

/* A page of 2000 rows: a table, many small strings, a buffer that grows. */
static const char render[] =
        "local rows = {}\n"
        "for i = 1, 2000 do\n"
        "  rows[i] = string.format('%04d:%s', i, string.rep('x', i % 17))\n"
        "end\n"
        "local page = table.concat(rows, '\\n')\n"
        "return string.format('%d rows, %d bytes', #rows, #page)\n";

/* A cache that never evicts: every entry is kept, forever. */
static const char runaway[] =
        "local cache, n = {}, 0\n"
        "while true do\n"
        "  n = n + 1\n"
        "  cache[n] = string.rep('#', 100) .. n\n"
        "end\n";

static const struct request requests[] = {
	{ "render", render, LUA_OK, "2000 rows, 27977 bytes" },
	{ "runaway", runaway, LUA_ERRMEM, "not enough memory" },
	{ "render-again", render, LUA_OK, "2000 rows, 27977 bytes" },
};

static const char *status_name(int status)
{
	switch (status) {
	case LUA_OK: return "LUA_OK";
	case LUA_ERRRUN: return "LUA_ERRRUN";
	case LUA_ERRMEM: return "LUA_ERRMEM";
	case LUA_ERRERR: return "LUA_ERRERR";
	case LUA_ERRSYNTAX: return "LUA_ERRSYNTAX";
	default: return "?";
	}
}

static size_t kib(size_t n)
{
	return (n + 1023) / 1024;
}

/* Runs one request in a fresh state on a fresh arena; 1 if it ended as
 * expected and gave back every byte. */
static int run(const struct request *rq, struct rtm_vm_stats base)
{
	/* Reserve room for the cap and the arena's own header: one block,
	 * and no more address space than a request may use. */
	const struct rtm_arena_config cfg = {
		.reserve = REQUEST_LIMIT + ((size_t)64 << 10),
		.limit = REQUEST_LIMIT,
		.name = "lua-request",
	};
	rtm_arena *a = rtm_arena_create(&cfg);
	struct rtm_arena_stats as;
	struct rtm_vm_stats held, after;
	const char *out;
	lua_State *L;
	int status, ok, back;

	if (!a) {
		printf("%-13s rtm_arena_create failed\n", rq->name);
		return 0;
	}
	L = lua_newstate(arena_lua_alloc, a);
	if (!L) {
		printf("%-13s lua_newstate failed\n", rq->name);
		rtm_arena_destroy(a);
		return 0;
	}
	lua_atpanic(L, panic);

	/* Everything that allocates runs protected, so reaching the cap is
	 * an error the host gets back, never a panic. */
	lua_pushcfunction(L, open_libs);
	status = lua_pcall(L, 0, 0, 0);
	if (status == LUA_OK)
		status = luaL_loadbufferx(L, rq->script, strlen(rq->script), rq->name, "t");
	if (status == LUA_OK)
		status = lua_pcall(L, 0, 1, 0);
	/* Not lua_tostring on anything else: converting would allocate. */
	out = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(not a string)";
	ok = status == rq->status && strcmp(out, rq->want) == 0;

	as = rtm_arena_stats(a);
	held = rtm_vm_stats();
	printf("%-13s %-10s \"%s\"\n", rq->name, status_name(status), out);
	printf("%-13s arena peak %zu KiB (cap %zu KiB), committed %zu KiB, reserved %zu KiB\n", "",
	       kib(as.peak), kib(REQUEST_LIMIT), kib(as.committed), kib(as.reserved));
	ok = ok && as.peak <= REQUEST_LIMIT;

	lua_close(L);
	rtm_arena_destroy(a);
	after = rtm_vm_stats();
	back = after.reserved == base.reserved && after.committed == base.committed;
	printf("%-13s rtm_vm_stats %zu/%zu KiB reserved/committed while held, %zu/%zu KiB after: %s\n",
	       "", kib(held.reserved), kib(held.committed), kib(after.reserved),
	       kib(after.committed), back ? "baseline" : "NOT BACK TO BASELINE");
	if (!ok)
		printf("%-13s FAIL: wanted %s \"%s\"\n", "", status_name(rq->status), rq->want);
	return ok && back;
}

int main(void)
{
	const size_t n = sizeof requests / sizeof requests[0];
	struct rtm_vm_stats base = rtm_vm_stats();
	size_t good = 0;

	printf("%s on rtmem: one arena per request, cap %zu KiB\n", LUA_RELEASE,
	       kib(REQUEST_LIMIT));
	printf("baseline rtm_vm_stats: %zu KiB reserved, %zu KiB committed\n", kib(base.reserved),
	       kib(base.committed));
	for (size_t i = 0; i < n; i++)
		good += run(&requests[i], base);
	printf("%zu of %zu requests ended as expected and gave every byte back: %s\n", good, n,
	       good == n ? "PASS" : "FAIL");
	return good == n ? 0 : 1;
}
