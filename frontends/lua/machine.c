/* vtlemu.boot and the machine object: its lifetime and the methods that only look
 * (VTL, CPL, exit code, console, instruction count). */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "frontends/cli/cli.h"
#include "frontends/lua/vlua.h"

vlua_machine *vlua_check_machine(lua_State *L, int idx)
{
    vlua_machine *vm = luaL_checkudata(L, idx, VLUA_MACHINE_MT);
    if (!vm->m)
        luaL_error(L, "the machine is closed");
    return vm;
}

vlua_machine *vlua_check_idle(lua_State *L, int idx, const char *what)
{
    vlua_machine *vm = vlua_check_machine(L, idx);
    /* The machine is in the middle of emu_run_until: only looking is safe. */
    if (vm->running)
        luaL_error(L, "m:%s cannot be called from a where function (the machine is running)", what);
    return vm;
}

unsigned vlua_check_vtl(lua_State *L, int idx)
{
    lua_Integer v = luaL_checkinteger(L, idx);
    if (v != 0 && v != 1)
        luaL_error(L, "bad VTL %I (0 or 1)", v);
    return (unsigned)v;
}

void vlua_add_methods(lua_State *L, const luaL_Reg *regs)
{
    luaL_getmetatable(L, VLUA_MACHINE_MT);
    lua_getfield(L, -1, "__index");
    luaL_setfuncs(L, regs, 0);
    lua_pop(L, 2);
}

static void machine_free(vlua_machine *vm)
{
    if (vm->m)
        emu_destroy(vm->m);
    vm->m = NULL;
    free(vm->append);
    vm->append = NULL;
}

/* An optional string field of the boot table; leaves nothing on the stack. */
static const char *opt_string_field(lua_State *L, const char *key)
{
    int t = lua_getfield(L, 1, key);
    const char *s = NULL;
    if (t == LUA_TSTRING)
        s = lua_tostring(L, -1);   /* stays alive: the table holds it */
    else if (t != LUA_TNIL)
        luaL_error(L, "vtlemu.boot: %s must be a string, not a %s", key, luaL_typename(L, -1));
    lua_pop(L, 1);
    return s;
}

static uint64_t mem_field(lua_State *L)
{
    uint64_t size = EMU_DEFAULT_MEM;
    int t = lua_getfield(L, 1, "mem");
    if (t == LUA_TNUMBER) {
        int isint;
        lua_Integer v = lua_tointegerx(L, -1, &isint);
        if (!isint || v <= 0)
            luaL_error(L, "vtlemu.boot: mem must be a positive number of bytes or a size such as \"256M\"");
        size = (uint64_t)v;
    } else if (t == LUA_TSTRING) {
        const char *s = lua_tostring(L, -1);
        if (!cli_parse_size(s, &size))
            luaL_error(L, "vtlemu.boot: bad memory size '%s' (e.g. \"256M\", \"1G\")", s);
    } else if (t != LUA_TNIL) {
        luaL_error(L, "vtlemu.boot: mem must be a number or a string, not a %s", luaL_typename(L, -1));
    }
    lua_pop(L, 1);
    return size;
}

static void check_boot_fields(lua_State *L)
{
    static const char *const known[] = { "vtl0", "vtl1", "mem", "append", "modules", "max_insns" };
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        bool ok = false;
        if (lua_type(L, -2) == LUA_TSTRING) {
            const char *k = lua_tostring(L, -2);
            for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
                ok = ok || !strcmp(k, known[i]);
            if (!ok)
                luaL_error(L, "vtlemu.boot: unknown field '%s' (vtl0, vtl1, mem, append, modules, max_insns)", k);
        } else {
            luaL_error(L, "vtlemu.boot: takes a table of named fields (vtl0=, vtl1=, mem=, append=, modules=)");
        }
        lua_pop(L, 1);
    }
}

/* vtlemu.boot{vtl0=, vtl1=, mem=, append=, modules=} -> machine */
static int l_boot(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    check_boot_fields(L);
    const char *vtl0 = opt_string_field(L, "vtl0");
    const char *vtl1 = opt_string_field(L, "vtl1");
    const char *append = opt_string_field(L, "append");
    if (!vtl0)
        return luaL_error(L, "vtlemu.boot: vtl0 (the VTL0 kernel image) is required");
    /* modules: image paths whose bytes go to the secure kernel (or VTL0 without one).
     * The strings stay on the Lua stack (in the table) until emu_load has read them. */
    const char *modules[16];
    size_t nmodules = 0;
    int t = lua_getfield(L, 1, "modules");
    if (t != LUA_TNIL && t != LUA_TTABLE)
        return luaL_error(L, "vtlemu.boot: modules must be a list of image paths");
    if (t == LUA_TTABLE) {
        lua_Integer n = luaL_len(L, -1);
        if (n > 16)
            return luaL_error(L, "vtlemu.boot: at most 16 modules");
        for (lua_Integer i = 1; i <= n; i++) {
            if (lua_geti(L, -1, i) != LUA_TSTRING)
                return luaL_error(L, "vtlemu.boot: modules[%d] is not a path", (int)i);
            modules[nmodules++] = lua_tostring(L, -1);
            lua_pop(L, 1);
        }
    }
    int modules_index = lua_gettop(L);
    lua_Integer budget = 0;
    if (lua_getfield(L, 1, "max_insns") != LUA_TNIL) {
        if (!lua_isinteger(L, -1) || (budget = lua_tointeger(L, -1)) <= 0)
            return luaL_error(L, "vtlemu.boot: max_insns must be a positive integer");
    }
    lua_pop(L, 1);
    emu_config cfg = { .mem_size = mem_field(L), .max_insns = (uint64_t)budget, .modules = modules,
                       .module_count = nmodules };

    /* The userdata exists before the machine so that its __gc frees it on any error. */
    vlua_machine *vm = lua_newuserdatauv(L, sizeof(*vm), 0);
    memset(vm, 0, sizeof(*vm));
    luaL_setmetatable(L, VLUA_MACHINE_MT);
    if (append) {
        vm->append = strdup(append);
        if (!vm->append)
            return luaL_error(L, "vtlemu.boot: out of memory");
        cfg.append = vm->append;
    }
    char err[512] = "";
    if (emu_create(&cfg, &vm->m, err, sizeof(err)) != VE_OK) {
        vm->m = NULL;
        return luaL_error(L, "vtlemu.boot: %s", err);
    }
    /* Keep every event from the boot on: m:events and restore need the whole log. */
    emu_keep_events(vm->m, true);
    if (emu_load(vm->m, vtl0, vtl1, err, sizeof(err)) != VE_OK)
        return luaL_error(L, "vtlemu.boot: %s", err);
    lua_remove(L, modules_index);   /* the module list: read, no longer needed */
    return 1;
}

static int l_gc(lua_State *L)
{
    machine_free(luaL_checkudata(L, 1, VLUA_MACHINE_MT));
    return 0;
}

/* m:close(): frees the machine's memory now rather than at garbage collection. */
static int l_close(lua_State *L)
{
    vlua_machine *vm = luaL_checkudata(L, 1, VLUA_MACHINE_MT);
    if (vm->running)
        return luaL_error(L, "m:close cannot be called from a where function (the machine is running)");
    machine_free(vm);
    return 0;
}

static int l_tostring(lua_State *L)
{
    vlua_machine *vm = luaL_checkudata(L, 1, VLUA_MACHINE_MT);
    if (!vm->m)
        lua_pushstring(L, "vtlemu machine (closed)");
    else
        lua_pushfstring(L, "vtlemu machine (VTL%d running, %I instructions)", (int)emu_current_vtl(vm->m),
                        (lua_Integer)emu_icount(vm->m));
    return 1;
}

static int l_vtl(lua_State *L)
{
    lua_pushinteger(L, emu_current_vtl(vlua_check_machine(L, 1)->m));
    return 1;
}

static int l_cpl(lua_State *L)
{
    lua_pushinteger(L, emu_current_cpl(vlua_check_machine(L, 1)->m));
    return 1;
}

static int l_vtl_enabled(lua_State *L)
{
    vlua_machine *vm = vlua_check_machine(L, 1);
    lua_pushboolean(L, emu_vtl_enabled(vm->m, vlua_check_vtl(L, 2)));
    return 1;
}

static int l_icount(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)emu_icount(vlua_check_machine(L, 1)->m));
    return 1;
}

static int l_exit_code(lua_State *L)
{
    int status;
    if (emu_exited(vlua_check_machine(L, 1)->m, &status))
        lua_pushinteger(L, status);
    else
        lua_pushnil(L);
    return 1;
}

/* m:console([vtl]) -> all console output of that VTL so far (VTL0 by default). */
static int l_console(lua_State *L)
{
    vlua_machine *vm = vlua_check_machine(L, 1);
    unsigned vtl = lua_isnoneornil(L, 2) ? 0 : vlua_check_vtl(L, 2);
    size_t len = 0;
    const char *text = emu_console_text(vm->m, vtl, &len);
    lua_pushlstring(L, text ? text : "", text ? len : 0);
    return 1;
}

void vlua_open_machine(lua_State *L)
{
    static const luaL_Reg meta[] = {
        { "__gc", l_gc },
        { "__close", l_gc },
        { "__tostring", l_tostring },
        { NULL, NULL },
    };
    static const luaL_Reg methods[] = {
        { "close", l_close },
        { "vtl", l_vtl },
        { "cpl", l_cpl },
        { "vtl_enabled", l_vtl_enabled },
        { "icount", l_icount },
        { "exit_code", l_exit_code },
        { "console", l_console },
        { NULL, NULL },
    };
    luaL_newmetatable(L, VLUA_MACHINE_MT);
    luaL_setfuncs(L, meta, 0);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);

    lua_newtable(L);
    lua_pushcfunction(L, l_boot);
    lua_setfield(L, -2, "boot");
    lua_pushinteger(L, (lua_Integer)VLUA_DEFAULT_MAX_INSNS);
    lua_setfield(L, -2, "default_max_insns");
    lua_pushliteral(L, VTLEMU_VERSION);
    lua_setfield(L, -2, "version");
    lua_setglobal(L, "vtlemu");
}
