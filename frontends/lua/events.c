/* Events as Lua tables (the field names of the JSON trace, DESIGN.md §7, with
 * addresses as integers) and the event log: m:events, m:event, m:event_count. */
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "frontends/lua/vlua.h"

int vlua_kind_of(const char *name)
{
    for (int k = 0; k < EV_KIND_COUNT; k++)
        if (!strcmp(name, emu_event_kind_name((emu_event_kind)k)))
            return k;
    return -1;
}

void vlua_push_rights(lua_State *L, unsigned rights)
{
    char s[4] = {
        (rights & 1) ? 'R' : '-',
        (rights & 2) ? 'W' : '-',
        (rights & 4) ? 'K' : '-',
        (rights & 8) ? 'U' : '-',
    };
    lua_pushlstring(L, s, sizeof(s));
}

static void set_int(lua_State *L, const char *key, uint64_t v)
{
    lua_pushinteger(L, (lua_Integer)v);   /* 64-bit addresses wrap to negative: same bits */
    lua_setfield(L, -2, key);
}

static void set_str(lua_State *L, const char *key, const char *s)
{
    lua_pushstring(L, s);
    lua_setfield(L, -2, key);
}

static void set_rights(lua_State *L, const char *key, unsigned rights)
{
    vlua_push_rights(L, rights);
    lua_setfield(L, -2, key);
}

/* requester as "bus:dev.fn" in hex, as the trace writes it, and the device's VTL. */
static void set_requester(lua_State *L, const emu_event *ev)
{
    vlua_push_requester(L, ev->requester);
    lua_setfield(L, -2, "requester");
    set_int(L, "device_vtl", ev->device_vtl);
}

void vlua_push_requester(lua_State *L, unsigned rid)
{
    char s[16];
    snprintf(s, sizeof(s), "%02x:%02x.%x", (rid >> 8) & 0xFFu, (rid >> 3) & 0x1Fu, rid & 7u);
    lua_pushstring(L, s);
}

void vlua_push_event(lua_State *L, const emu_event *ev)
{
    lua_createtable(L, 0, 12);
    set_str(L, "kind", emu_event_kind_name(ev->kind));
    set_int(L, "icount", ev->icount);
    set_int(L, "vtl", ev->vtl);
    set_int(L, "cpl", ev->cpl);
    set_int(L, "rip", ev->rip);
    switch (ev->kind) {
    case EV_BOOT:
        set_str(L, "image", ev->text ? ev->text : "");
        set_int(L, "entry", ev->entry);
        break;
    case EV_CONSOLE:
        lua_pushlstring(L, ev->text ? ev->text : "", ev->text ? ev->text_len : 0);
        lua_setfield(L, -2, "text");
        break;
    case EV_EXCEPTION:
        set_int(L, "vector", ev->vector);
        if (ev->has_error_code)
            set_int(L, "error_code", ev->error_code);
        if (ev->has_gva)
            set_int(L, "gva", ev->gva);
        break;
    case EV_SYSCALL:
        set_int(L, "nr", ev->nr);
        break;
    case EV_SLAT_VIOLATION:
        set_int(L, "gva", ev->gva);
        set_int(L, "gpa", ev->gpa);
        set_str(L, "access", emu_access_name(ev->access));
        set_rights(L, "rights", ev->rights);
        break;
    case EV_INTERCEPT:
        set_int(L, "from_vtl", ev->from_vtl);
        set_int(L, "to_vtl", ev->to_vtl);
        set_int(L, "gva", ev->gva);
        set_int(L, "gpa", ev->gpa);
        set_str(L, "access", emu_access_name(ev->access));
        break;
    case EV_VTL_ENABLE:
        set_int(L, "target_vtl", ev->target_vtl);
        break;
    case EV_VTL_CALL:
    case EV_VTL_RETURN:
        set_int(L, "from_vtl", ev->from_vtl);
        set_int(L, "to_vtl", ev->to_vtl);
        break;
    case EV_HYPERCALL:
        set_int(L, "code", ev->hc_code);
        set_str(L, "name", ev->name ? ev->name : "unknown");
        set_int(L, "status", ev->hc_status);
        break;
    case EV_SLAT_CHANGE:
        set_int(L, "target_vtl", ev->target_vtl);
        set_int(L, "gpa", ev->gpa);
        set_int(L, "pages", ev->pages);
        set_rights(L, "rights_before", ev->rights_before);
        set_rights(L, "rights_after", ev->rights_after);
        set_str(L, "source", ev->source ? ev->source : "hypercall");
        break;
    case EV_COW_SHARE:
        set_int(L, "target_vtl", ev->target_vtl);
        set_int(L, "gpa", ev->gpa);
        set_int(L, "spa", ev->spa);
        break;
    case EV_COW_BREAK:
        set_int(L, "gpa", ev->gpa);
        set_int(L, "spa", ev->spa);
        set_int(L, "new_spa", ev->new_spa);
        break;
    case EV_DMA:
        set_requester(L, ev);
        set_int(L, "iova", ev->iova);
        set_int(L, "dst_iova", ev->dst_iova);
        if (!ev->no_gpa)
            set_int(L, "gpa", ev->gpa);
        set_int(L, "length", ev->length);
        set_int(L, "status", ev->dma_status);
        set_int(L, "copied", ev->copied);
        break;
    case EV_IOMMU_FAULT:
        set_requester(L, ev);
        set_int(L, "iova", ev->iova);
        if (!ev->no_gpa)
            set_int(L, "gpa", ev->gpa);   /* absent: the IOVA reached no GPA */
        set_str(L, "access", emu_access_name(ev->access));
        set_str(L, "reason", ev->fault_reason ? ev->fault_reason : "unknown");
        break;
    case EV_DEVICE_DENIED:
        set_requester(L, ev);
        set_int(L, "port", ev->port);
        set_str(L, "access", emu_access_name(ev->access));
        break;
    case EV_EXIT:
        lua_pushinteger(L, ev->code);
        lua_setfield(L, -2, "code");
        set_str(L, "reason", emu_exit_reason_name(ev->reason));
        if (ev->message)
            set_str(L, "message", ev->message);
        break;
    case EV_KIND_COUNT:
        break;
    }
}

/* A kind name argument: a known kind, or an error listing them. */
static int check_kind(lua_State *L, const char *name, const char *who)
{
    int k = vlua_kind_of(name);
    if (k < 0) {
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        for (int i = 0; i < EV_KIND_COUNT; i++) {
            luaL_addstring(&b, i ? ", " : "");
            luaL_addstring(&b, emu_event_kind_name((emu_event_kind)i));
        }
        luaL_pushresult(&b);
        luaL_error(L, "%s: unknown event kind '%s' (one of %s)", who, name, lua_tostring(L, -1));
    }
    return k;
}

int vlua_opt_kind(lua_State *L, int idx, const char *who)
{
    if (lua_isnil(L, idx))
        return -1;
    if (lua_type(L, idx) != LUA_TSTRING)
        return luaL_error(L, "%s: an event kind is a string such as \"intercept\"", who);
    return check_kind(L, lua_tostring(L, idx), who);
}

/* Upvalues: the machine, the kind (-1: any), the next 0-based index. */
static int events_next(lua_State *L)
{
    vlua_machine *vm = vlua_check_machine(L, lua_upvalueindex(1));
    int kind = (int)lua_tointeger(L, lua_upvalueindex(2));
    size_t i = (size_t)lua_tointeger(L, lua_upvalueindex(3));
    /* The log may grow (or shrink, after a restore) between two calls. */
    size_t n = emu_event_count(vm->m);
    for (; i < n; i++) {
        const emu_event *ev = emu_event_get(vm->m, i);
        if (ev && (kind < 0 || (int)ev->kind == kind)) {
            lua_pushinteger(L, (lua_Integer)(i + 1));
            lua_replace(L, lua_upvalueindex(3));
            vlua_push_event(L, ev);
            return 1;
        }
    }
    lua_pushinteger(L, (lua_Integer)n);
    lua_replace(L, lua_upvalueindex(3));
    return 0;
}

/* m:events([{kind=, since=}] | [kind]) -> iterator over the log so far. `since` is
 * an event count (m:event_count() earlier): only events after it. */
static int l_events(lua_State *L)
{
    vlua_check_machine(L, 1);
    int kind = -1;
    lua_Integer since = 0;
    if (lua_type(L, 2) == LUA_TSTRING) {
        kind = vlua_opt_kind(L, 2, "m:events");
    } else if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushnil(L);
        while (lua_next(L, 2)) {
            const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
            if (strcmp(k, "kind") && strcmp(k, "since"))
                return luaL_error(L, "m:events: unknown option '%s' (kind, since)", k);
            lua_pop(L, 1);
        }
        lua_getfield(L, 2, "kind");
        kind = vlua_opt_kind(L, -1, "m:events");
        lua_getfield(L, 2, "since");
        since = luaL_optinteger(L, -1, 0);
        if (since < 0)
            return luaL_error(L, "m:events: since must be an event count (0 or more)");
        lua_pop(L, 2);
    } else if (!lua_isnoneornil(L, 2)) {
        return luaL_error(L, "m:events: takes {kind=, since=} or a kind name");
    }
    lua_pushvalue(L, 1);
    lua_pushinteger(L, kind);
    lua_pushinteger(L, since);
    lua_pushcclosure(L, events_next, 3);
    return 1;
}

static int l_event_count(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)emu_event_count(vlua_check_machine(L, 1)->m));
    return 1;
}

/* m:event(i) -> the i-th event of the log (1-based; negative counts from the end). */
static int l_event(lua_State *L)
{
    vlua_machine *vm = vlua_check_machine(L, 1);
    lua_Integer i = luaL_checkinteger(L, 2);
    lua_Integer n = (lua_Integer)emu_event_count(vm->m);
    if (i < 0)
        i = n + 1 + i;
    const emu_event *ev = i >= 1 && i <= n ? emu_event_get(vm->m, (size_t)(i - 1)) : NULL;
    if (!ev)
        return 0;
    vlua_push_event(L, ev);
    return 1;
}

void vlua_open_events(lua_State *L)
{
    static const luaL_Reg methods[] = {
        { "events", l_events },
        { "event", l_event },
        { "event_count", l_event_count },
        { NULL, NULL },
    };
    vlua_add_methods(L, methods);
}
