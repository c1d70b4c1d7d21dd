/* m:snapshot() and m:restore(s): rewinding the whole machine so that one boot serves
 * many attack variants. A snapshot keeps its machine alive and restores only into it. */
#include <lauxlib.h>

#include "frontends/lua/vlua.h"

typedef struct vlua_snapshot {
    emu_snapshot *s;   /* NULL once freed */
} vlua_snapshot;

static int l_snapshot(lua_State *L)
{
    vlua_machine *vm = vlua_check_idle(L, 1, "snapshot");
    vlua_snapshot *vs = lua_newuserdatauv(L, sizeof(*vs), 1);
    vs->s = NULL;
    luaL_setmetatable(L, VLUA_SNAPSHOT_MT);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);   /* the machine it belongs to */
    vs->s = emu_snapshot_take(vm->m);
    if (!vs->s)
        return luaL_error(L, "m:snapshot: cannot take a snapshot (out of host memory?)");
    return 1;
}

static int l_restore(lua_State *L)
{
    vlua_machine *vm = vlua_check_idle(L, 1, "restore");
    vlua_snapshot *vs = luaL_checkudata(L, 2, VLUA_SNAPSHOT_MT);
    if (!vs->s)
        return luaL_error(L, "m:restore: the snapshot was freed");
    lua_getiuservalue(L, 2, 1);
    if (!lua_rawequal(L, -1, 1))
        return luaL_error(L, "m:restore: the snapshot was taken of another machine");
    lua_pop(L, 1);
    ve_status st = emu_snapshot_restore(vm->m, vs->s);
    if (st != VE_OK)
        return luaL_error(L, "m:restore: %s", ve_status_str(st));
    lua_pushboolean(L, 1);
    return 1;
}

static int l_snapshot_free(lua_State *L)
{
    vlua_snapshot *vs = luaL_checkudata(L, 1, VLUA_SNAPSHOT_MT);
    if (vs->s)
        emu_snapshot_free(vs->s);
    vs->s = NULL;
    return 0;
}

static int l_snapshot_tostring(lua_State *L)
{
    vlua_snapshot *vs = luaL_checkudata(L, 1, VLUA_SNAPSHOT_MT);
    lua_pushstring(L, vs->s ? "vtlemu snapshot" : "vtlemu snapshot (freed)");
    return 1;
}

void vlua_open_snapshot(lua_State *L)
{
    static const luaL_Reg meta[] = {
        { "__gc", l_snapshot_free },
        { "__close", l_snapshot_free },
        { "__tostring", l_snapshot_tostring },
        { NULL, NULL },
    };
    static const luaL_Reg snap_methods[] = {
        { "free", l_snapshot_free },
        { NULL, NULL },
    };
    luaL_newmetatable(L, VLUA_SNAPSHOT_MT);
    luaL_setfuncs(L, meta, 0);
    luaL_newlib(L, snap_methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);

    static const luaL_Reg methods[] = {
        { "snapshot", l_snapshot },
        { "restore", l_restore },
        { NULL, NULL },
    };
    vlua_add_methods(L, methods);
}
