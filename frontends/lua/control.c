/* Run control: m:run{until_event=, where=, max_insns=} and m:step(n), within the
 * budgets of the call and of the file. */
#include <string.h>

#include <lauxlib.h>

#include "frontends/lua/vlua.h"

typedef struct stop_ctx {
    lua_State *L;
    int kind;        /* event kind to stop at, -1: any */
    int where_idx;   /* stack index of the `where` function, 0: none */
    int hit_ref;     /* the accepted event as a table, LUA_NOREF: none yet */
    int err_ref;     /* the error `where` raised, LUA_NOREF: none */
} stop_ctx;

/* Called by the machine for each event while it runs. A Lua error must not unwind
 * through the machine's frames: `where` runs under lua_pcall and an error stops the
 * run, to be raised again once the machine is back. The accepted event is kept as a
 * table here: one step can raise several events (a hypercall, then the VTL switch). */
static bool stop_at(const emu_event *ev, void *ctx)
{
    stop_ctx *c = ctx;
    if (c->err_ref != LUA_NOREF || c->hit_ref != LUA_NOREF)
        return true;
    if (c->kind >= 0 && (int)ev->kind != c->kind)
        return false;
    lua_State *L = c->L;
    if (!lua_checkstack(L, 5)) {
        lua_pushliteral(L, "m:run: Lua stack overflow in a where function");
        c->err_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        return true;
    }
    if (!c->where_idx) {
        vlua_push_event(L, ev);
        c->hit_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        return true;
    }
    lua_pushcfunction(L, vlua_msgh);
    vlua_push_event(L, ev);
    lua_pushvalue(L, c->where_idx);
    lua_pushvalue(L, -2);
    if (lua_pcall(L, 1, 1, -4) != LUA_OK) {
        c->err_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        lua_pop(L, 2);
        return true;
    }
    bool stop = lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (stop)
        c->hit_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    else
        lua_pop(L, 1);
    lua_pop(L, 1);
    return stop;
}

/* Instructions the file may still run; an error when none are left. */
static uint64_t file_allowance(lua_State *L, vlua_file *f, const char *who)
{
    if (f->insns_used >= f->insn_ceiling)
        luaL_error(L, "%s: this file has used up its ceiling of %I guest instructions (vtlemu test --file-insns)",
                   who, (lua_Integer)f->insn_ceiling);
    return f->insn_ceiling - f->insns_used;
}

static void account(vlua_file *f, uint64_t before, uint64_t after)
{
    if (after > before)
        f->insns_used += after - before;
}

/* The exit event at the end of the log (the run is over), or nil. */
static void push_exit_event(lua_State *L, vtl_machine *m)
{
    for (size_t i = emu_event_count(m); i-- > 0;) {
        const emu_event *ev = emu_event_get(m, i);
        if (ev && ev->kind == EV_EXIT) {
            vlua_push_event(L, ev);
            return;
        }
    }
    lua_pushnil(L);
}

static bool machine_exited(const vtl_machine *m)
{
    int status;
    return emu_exited(m, &status);
}

static void check_run_options(lua_State *L)
{
    lua_pushnil(L);
    while (lua_next(L, 2)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
        if (strcmp(k, "until_event") && strcmp(k, "where") && strcmp(k, "max_insns"))
            luaL_error(L, "m:run: unknown option '%s' (until_event, where, max_insns)", k);
        lua_pop(L, 1);
    }
}

static uint64_t opt_count(lua_State *L, int idx, uint64_t dflt, const char *who)
{
    if (lua_isnoneornil(L, idx))
        return dflt;
    int isint;
    lua_Integer n = lua_tointegerx(L, idx, &isint);
    if (!isint || n <= 0)
        luaL_error(L, "%s must be a positive whole number of instructions", who);
    return (uint64_t)n;
}

/* m:run{until_event=KIND, where=fn(ev) -> bool, max_insns=N} -> event | nil, "budget" */
static int l_run(lua_State *L)
{
    vlua_machine *vm = vlua_check_idle(L, 1, "run");
    vlua_file *f = vlua_file_of(L);
    stop_ctx c = { .L = L, .kind = -1, .hit_ref = LUA_NOREF, .err_ref = LUA_NOREF };
    uint64_t want = VLUA_DEFAULT_MAX_INSNS;
    bool any_stop = false;
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        check_run_options(L);
        lua_settop(L, 2);
        lua_getfield(L, 2, "until_event");           /* 3 */
        c.kind = vlua_opt_kind(L, 3, "m:run: until_event");
        if (lua_getfield(L, 2, "where") != LUA_TNIL) { /* 4 */
            luaL_argexpected(L, lua_isfunction(L, 4), 2, "where to be a function");
            c.where_idx = 4;
        }
        lua_getfield(L, 2, "max_insns");             /* 5 */
        want = opt_count(L, 5, VLUA_DEFAULT_MAX_INSNS, "m:run: max_insns");
        any_stop = c.kind >= 0 || c.where_idx;
    }
    if (machine_exited(vm->m)) {
        push_exit_event(L, vm->m);
        return 1;
    }
    uint64_t allowed = file_allowance(L, f, "m:run");
    uint64_t budget = want < allowed ? want : allowed;

    uint64_t before = emu_icount(vm->m);
    const emu_event *last = NULL;
    vm->running = true;
    emu_run_result r = emu_run_until(vm->m, any_stop ? stop_at : NULL, &c, budget, &last);
    vm->running = false;
    account(f, before, emu_icount(vm->m));

    if (c.err_ref != LUA_NOREF) {
        luaL_unref(L, LUA_REGISTRYINDEX, c.hit_ref);
        lua_rawgeti(L, LUA_REGISTRYINDEX, c.err_ref);
        luaL_unref(L, LUA_REGISTRYINDEX, c.err_ref);
        return lua_error(L);
    }
    if (c.hit_ref != LUA_NOREF) {
        /* The event asked for, even when the same step also ended the run (an
         * unhandled violation): m:exit_code() tells. */
        lua_rawgeti(L, LUA_REGISTRYINDEX, c.hit_ref);
        luaL_unref(L, LUA_REGISTRYINDEX, c.hit_ref);
        return 1;
    }
    switch (r) {
    case EMU_RUN_EVENT:
        if (last)
            vlua_push_event(L, last);
        else
            return luaL_error(L, "m:run: the machine stopped at an event but did not say which (a vtlemu bug)");
        return 1;
    case EMU_RUN_EXITED:
        if (last && last->kind == EV_EXIT)
            vlua_push_event(L, last);
        else
            push_exit_event(L, vm->m);
        return 1;
    case EMU_RUN_LIMIT:
        break;
    }
    if (budget < want)
        file_allowance(L, f, "m:run");   /* the file's ceiling, not the call's budget, ended it */
    lua_pushnil(L);
    lua_pushliteral(L, "budget");
    return 2;
}

/* m:step([n]) -> the last event raised by those n instructions, or nil */
static int l_step(lua_State *L)
{
    vlua_machine *vm = vlua_check_idle(L, 1, "step");
    vlua_file *f = vlua_file_of(L);
    uint64_t n = opt_count(L, 2, 1, "m:step: n");
    if (machine_exited(vm->m)) {
        lua_pushnil(L);
        return 1;
    }
    if (n > file_allowance(L, f, "m:step"))
        return luaL_error(L, "m:step: %I instructions would pass this file's ceiling of %I (vtlemu test --file-insns)",
                          (lua_Integer)n, (lua_Integer)f->insn_ceiling);
    size_t events_before = emu_event_count(vm->m);
    uint64_t before = emu_icount(vm->m);
    const emu_event *last = NULL;
    vm->running = true;
    emu_step(vm->m, n, &last);
    vm->running = false;
    account(f, before, emu_icount(vm->m));
    /* The log says which events these instructions raised: the newest is the answer. */
    size_t count = emu_event_count(vm->m);
    const emu_event *ev = count > events_before ? emu_event_get(vm->m, count - 1) : NULL;
    if (ev)
        vlua_push_event(L, ev);
    else
        lua_pushnil(L);
    return 1;
}

void vlua_open_control(lua_State *L)
{
    static const luaL_Reg methods[] = {
        { "run", l_run },
        { "step", l_step },
        { NULL, NULL },
    };
    vlua_add_methods(L, methods);
}
