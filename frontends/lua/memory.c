/* Looking at and changing the machine's state: registers, memory as a VTL sees it,
 * SLAT rights, disassembly, transfers by a DMA device. Looking is allowed inside a
 * `where` function; changing is not. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "frontends/lua/vlua.h"

/* One read or write at most: a debugger look, not a RAM dump. */
#define MAX_ACCESS (UINT64_C(1) << 30)
#define PAGE 4096u
/* dma0, the machine's DMA engine: 00:03.0. */
#define DMA0_REQUESTER 0x0018u

/* The names of emu/machine.h, for m:regs. */
static const char *const reg_names[] = {
    "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14",
    "r15", "rip", "rflags", "cr0", "cr2", "cr3", "cr4", "efer", "cs", "ds", "es", "fs", "gs", "ss", "fs_base",
    "gs_base", "kernel_gs_base", "star", "lstar", "cstar", "sfmask", "gdtr_base", "gdtr_limit", "idtr_base",
    "idtr_limit", "tr", "pat", "dr0", "dr1", "dr2", "dr3", "dr6", "dr7",
};

static int fail(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(lua_State *L, const char *fmt, ...)
{
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    lua_pushnil(L);
    lua_pushstring(L, msg);
    return 2;
}

static int fail_status(lua_State *L, ve_status st, unsigned vtl, const char *why)
{
    if (why && why[0])
        return fail(L, "%s", why);
    if (st == VE_E_STATE)
        return fail(L, "VTL%u is not enabled", vtl);
    return fail(L, "%s", ve_status_str(st));
}

static int unknown_reg(lua_State *L, const char *who, const char *name)
{
    return luaL_error(L, "%s: unknown register '%s' (rax..r15, rip, rflags, cr0 cr2 cr3 cr4, efer, cs..ss, "
                         "fs_base gs_base kernel_gs_base, star lstar cstar sfmask pat, gdtr_/idtr_base/limit, tr, "
                         "dr0..dr3 dr6 dr7)", who, name);
}

/* m:reg(vtl, name) -> value | nil, reason */
static int l_reg(lua_State *L)
{
    vlua_machine *vm = vlua_check_machine(L, 1);
    unsigned vtl = vlua_check_vtl(L, 2);
    const char *name = luaL_checkstring(L, 3);
    uint64_t v;
    ve_status st = emu_reg_get(vm->m, vtl, name, &v);
    if (st == VE_E_INVAL)
        return unknown_reg(L, "m:reg", name);
    if (st != VE_OK)
        return fail_status(L, st, vtl, NULL);
    lua_pushinteger(L, (lua_Integer)v);
    return 1;
}

/* m:set_reg(vtl, name, value) -> true | nil, reason */
static int l_set_reg(lua_State *L)
{
    vlua_machine *vm = vlua_check_idle(L, 1, "set_reg");
    unsigned vtl = vlua_check_vtl(L, 2);
    const char *name = luaL_checkstring(L, 3);
    uint64_t v = (uint64_t)luaL_checkinteger(L, 4);
    ve_status st = emu_reg_set(vm->m, vtl, name, v);
    if (st == VE_E_INVAL)
        return unknown_reg(L, "m:set_reg", name);
    if (st != VE_OK)
        return fail_status(L, st, vtl, NULL);
    lua_pushboolean(L, 1);
    return 1;
}

/* m:regs(vtl) -> {rax=…, …} | nil, reason */
static int l_regs(lua_State *L)
{
    vlua_machine *vm = vlua_check_machine(L, 1);
    unsigned vtl = vlua_check_vtl(L, 2);
    lua_createtable(L, 0, (int)(sizeof(reg_names) / sizeof(reg_names[0])));
    for (size_t i = 0; i < sizeof(reg_names) / sizeof(reg_names[0]); i++) {
        uint64_t v;
        ve_status st = emu_reg_get(vm->m, vtl, reg_names[i], &v);
        if (st == VE_E_INVAL)
            return luaL_error(L, "m:regs: the machine does not know register '%s'", reg_names[i]);
        if (st != VE_OK)
            return fail_status(L, st, vtl, NULL);
        lua_pushinteger(L, (lua_Integer)v);
        lua_setfield(L, -2, reg_names[i]);
    }
    return 1;
}

/* The options table of m:read / m:write at idx: {space="gva"|"gpa"|"spa"}. */
static emu_space check_space(lua_State *L, int idx, const char *who)
{
    if (lua_isnoneornil(L, idx))
        return EMU_SPACE_GVA;
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_type(L, -2) != LUA_TSTRING || strcmp(lua_tostring(L, -2), "space"))
            luaL_error(L, "%s: unknown option '%s' (space)", who,
                       lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?");
        lua_pop(L, 1);
    }
    emu_space sp = EMU_SPACE_GVA;
    if (lua_getfield(L, idx, "space") != LUA_TNIL) {
        const char *s = lua_tostring(L, -1);
        if (s && !strcmp(s, "gva"))
            sp = EMU_SPACE_GVA;
        else if (s && !strcmp(s, "gpa"))
            sp = EMU_SPACE_GPA;
        else if (s && !strcmp(s, "spa"))
            sp = EMU_SPACE_SPA;
        else
            luaL_error(L, "%s: space must be \"gva\", \"gpa\" or \"spa\"", who);
    }
    lua_pop(L, 1);
    return sp;
}

/* m:read(vtl, addr, len [, {space=}]) -> bytes | nil, reason */
static int l_read(lua_State *L)
{
    vlua_machine *vm = vlua_check_machine(L, 1);
    unsigned vtl = vlua_check_vtl(L, 2);
    uint64_t addr = (uint64_t)luaL_checkinteger(L, 3);
    lua_Integer len = luaL_checkinteger(L, 4);
    emu_space sp = check_space(L, 5, "m:read");
    if (len < 0 || (uint64_t)len > MAX_ACCESS)
        return luaL_error(L, "m:read: len must be 0 to %I bytes", (lua_Integer)MAX_ACCESS);
    if (len == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    luaL_Buffer b;
    char *p = luaL_buffinitsize(L, &b, (size_t)len);
    char why[256] = "";
    ve_status st = emu_mem_read(vm->m, vtl, sp, addr, p, (size_t)len, why, sizeof(why));
    if (st != VE_OK) {
        luaL_pushresultsize(&b, 0);
        lua_pop(L, 1);
        return fail_status(L, st, vtl, why);
    }
    luaL_pushresultsize(&b, (size_t)len);
    return 1;
}

/* m:write(vtl, addr, bytes [, {space=}]) -> true | nil, reason */
static int l_write(lua_State *L)
{
    vlua_machine *vm = vlua_check_idle(L, 1, "write");
    unsigned vtl = vlua_check_vtl(L, 2);
    uint64_t addr = (uint64_t)luaL_checkinteger(L, 3);
    size_t len;
    const char *data = luaL_checklstring(L, 4, &len);
    emu_space sp = check_space(L, 5, "m:write");
    if (len > MAX_ACCESS)
        return luaL_error(L, "m:write: at most %I bytes at once", (lua_Integer)MAX_ACCESS);
    if (len > 0) {
        char why[256] = "";
        ve_status st = emu_mem_write(vm->m, vtl, sp, addr, data, len, why, sizeof(why));
        if (st != VE_OK)
            return fail_status(L, st, vtl, why);
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* m:slat(vtl, gpa) -> {rights="R-K-", spa=, cow=} | nil, reason */
static int l_slat(lua_State *L)
{
    vlua_machine *vm = vlua_check_machine(L, 1);
    unsigned vtl = vlua_check_vtl(L, 2);
    uint64_t gpa = (uint64_t)luaL_checkinteger(L, 3);
    unsigned rights = 0;
    uint64_t spa = 0;
    bool cow = false;
    ve_status st = emu_slat_get(vm->m, vtl, gpa, &rights, &spa, &cow);
    if (st == VE_E_RANGE)
        return fail(L, "GPA 0x%" PRIx64 " is outside RAM", gpa);
    if (st != VE_OK)
        return fail_status(L, st, vtl, NULL);
    lua_createtable(L, 0, 3);
    vlua_push_rights(L, rights);
    lua_setfield(L, -2, "rights");
    lua_pushinteger(L, (lua_Integer)spa);
    lua_setfield(L, -2, "spa");
    lua_pushboolean(L, cow);
    lua_setfield(L, -2, "cow");
    return 1;
}

/* "RWKU" letters by position, "-" where absent ("R-K-", "----"); or the bits 0..15. */
static unsigned check_rights(lua_State *L, int idx, const char *who)
{
    if (lua_type(L, idx) == LUA_TNUMBER) {
        lua_Integer v = luaL_checkinteger(L, idx);
        if (v < 0 || v > 15)
            luaL_error(L, "%s: rights as a number are bits R=1 W=2 K=4 U=8 (0 to 15)", who);
        return (unsigned)v;
    }
    size_t len;
    const char *s = luaL_checklstring(L, idx, &len);
    static const char letters[4] = { 'R', 'W', 'K', 'U' };
    unsigned rights = 0;
    bool ok = len == 4;
    for (size_t i = 0; ok && i < 4; i++) {
        if (s[i] == letters[i])
            rights |= 1u << i;
        else if (s[i] != '-')
            ok = false;
    }
    if (!ok)
        luaL_error(L, "%s: bad rights '%s' (four letters R, W, K, U by position, '-' where absent: \"R-K-\")",
                   who, s);
    return rights;
}

/* m:protect(vtl, gpa, len, rights) -> true | nil, reason */
static int l_protect(lua_State *L)
{
    vlua_machine *vm = vlua_check_idle(L, 1, "protect");
    unsigned vtl = vlua_check_vtl(L, 2);
    uint64_t gpa = (uint64_t)luaL_checkinteger(L, 3);
    lua_Integer len = luaL_checkinteger(L, 4);
    unsigned rights = check_rights(L, 5, "m:protect");
    if (gpa % PAGE || len <= 0 || (uint64_t)len % PAGE)
        return luaL_error(L, "m:protect: gpa and len must be whole 4 KiB pages (len > 0)");
    ve_status st = emu_slat_protect(vm->m, vtl, gpa, (uint64_t)len, rights);
    if (st == VE_E_RANGE)
        return fail(L, "GPA range 0x%" PRIx64 "+0x%" PRIx64 " is outside RAM", gpa, (uint64_t)len);
    if (st != VE_OK)
        return fail_status(L, st, vtl, NULL);
    lua_pushboolean(L, 1);
    return 1;
}

/* A requester id: "bus:dev.fn" in hex ("00:03.0") or the 16-bit number. */
static uint16_t check_requester(lua_State *L, int idx)
{
    if (lua_type(L, idx) == LUA_TNUMBER) {
        lua_Integer v = luaL_checkinteger(L, idx);
        if (v < 0 || v > 0xFFFF)
            luaL_error(L, "m:dma: requester must be 0 to 0xffff or \"bus:dev.fn\"");
        return (uint16_t)v;
    }
    const char *s = lua_tostring(L, idx);
    unsigned bus = 0, dev = 0, fn = 0;
    char end;
    if (!s || sscanf(s, "%2x:%2x.%1x%c", &bus, &dev, &fn, &end) != 3 || dev > 0x1F || fn > 7)
        luaL_error(L, "m:dma: bad requester '%s' (\"bus:dev.fn\" in hex, e.g. \"00:03.0\")", s ? s : "?");
    return (uint16_t)(bus << 8 | dev << 3 | fn);
}

static uint64_t dma_field(lua_State *L, const char *key)
{
    if (lua_getfield(L, 2, key) == LUA_TNIL)
        luaL_error(L, "m:dma: %s is required", key);
    int isint;
    lua_Integer v = lua_tointegerx(L, -1, &isint);
    if (!isint)
        luaL_error(L, "m:dma: %s must be an integer", key);
    lua_pop(L, 1);
    return (uint64_t)v;
}

/* m:dma{src=, dst=, len=, requester=} -> "done"|"blocked"|"bad_request", copied | nil, reason
 * A transfer by a device as the device itself would make it (default dma0, 00:03.0). */
static int l_dma(lua_State *L)
{
    static const char *const names[] = { "done", "blocked", "bad_request" };
    vlua_machine *vm = vlua_check_idle(L, 1, "dma");
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, 2)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
        if (strcmp(k, "src") && strcmp(k, "dst") && strcmp(k, "len") && strcmp(k, "requester"))
            return luaL_error(L, "m:dma: unknown field '%s' (src, dst, len, requester)", k);
        lua_pop(L, 1);
    }
    uint64_t src = dma_field(L, "src"), dst = dma_field(L, "dst"), len = dma_field(L, "len");
    if ((int64_t)len < 0)
        return luaL_error(L, "m:dma: len must not be negative");
    uint16_t rid = DMA0_REQUESTER;
    if (lua_getfield(L, 2, "requester") != LUA_TNIL)
        rid = check_requester(L, -1);
    lua_pop(L, 1);
    unsigned status = 0;
    uint64_t copied = 0;
    ve_status st = emu_dma(vm->m, rid, src, dst, len, &status, &copied);
    if (st != VE_OK)
        return fail(L, "%s", ve_status_str(st));
    if (status >= 1 && status <= 3)
        lua_pushstring(L, names[status - 1]);
    else
        lua_pushinteger(L, status);
    lua_pushinteger(L, (lua_Integer)copied);
    return 2;
}

/* m:disasm(vtl, gva) -> text, length | nil, reason */
static int l_disasm(lua_State *L)
{
    vlua_machine *vm = vlua_check_machine(L, 1);
    unsigned vtl = vlua_check_vtl(L, 2);
    uint64_t gva = (uint64_t)luaL_checkinteger(L, 3);
    char text[160] = "";
    int len = emu_disasm(vm->m, vtl, gva, text, sizeof(text));
    if (len <= 0)
        return fail(L, "no instruction at GVA 0x%" PRIx64 " (unreadable or undecodable)", gva);
    lua_pushstring(L, text);
    lua_pushinteger(L, len);
    return 2;
}

void vlua_open_memory(lua_State *L)
{
    static const luaL_Reg methods[] = {
        { "reg", l_reg },
        { "set_reg", l_set_reg },
        { "regs", l_regs },
        { "read", l_read },
        { "write", l_write },
        { "slat", l_slat },
        { "protect", l_protect },
        { "dma", l_dma },
        { "disasm", l_disasm },
        { NULL, NULL },
    };
    vlua_add_methods(L, methods);
}
