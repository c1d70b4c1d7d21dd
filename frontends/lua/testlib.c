/* The test helpers test(name, fn), expect(cond, msg), expect_eq(got, want, msg), and
 * the failure value every error becomes: a message and the "file:line" it points at. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "frontends/lua/vlua.h"

/* A failure: {msg=, loc=} with a metatable, so that a pcall in a script shows it. */
static void push_failure(lua_State *L, const char *msg, size_t msglen, const char *loc, size_t loclen)
{
    lua_createtable(L, 0, 2);
    lua_pushlstring(L, msg, msglen);
    lua_setfield(L, -2, "msg");
    lua_pushlstring(L, loc, loclen);
    lua_setfield(L, -2, "loc");
    luaL_setmetatable(L, VLUA_FAILURE_MT);
}

static bool is_failure(lua_State *L, int idx)
{
    if (lua_type(L, idx) != LUA_TTABLE || !lua_getmetatable(L, idx))
        return false;
    luaL_getmetatable(L, VLUA_FAILURE_MT);
    bool same = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    return same;
}

void vlua_failure_parts(lua_State *L, int idx, const char **msg, const char **loc)
{
    idx = lua_absindex(L, idx);
    *msg = *loc = "";
    if (is_failure(L, idx)) {
        lua_getfield(L, idx, "msg");
        lua_getfield(L, idx, "loc");
        /* The strings stay referenced by the table at idx. */
        *msg = lua_tostring(L, -2) ? lua_tostring(L, -2) : "";
        *loc = lua_tostring(L, -1) ? lua_tostring(L, -1) : "";
        lua_pop(L, 2);
    } else if (lua_type(L, idx) == LUA_TSTRING) {
        *msg = lua_tostring(L, idx);
    }
}

/* "chunk:line: rest" as Lua formats error positions: returns the length of the
 * "chunk:line" part, 0 when s does not start with one. */
static size_t located_prefix(const char *s)
{
    for (size_t i = 0; s[i] && s[i] != '\n'; i++) {
        if (s[i] != ':' || !isdigit((unsigned char)s[i + 1]))
            continue;
        size_t j = i + 1;
        while (isdigit((unsigned char)s[j]))
            j++;
        if (s[j] == ':' && s[j + 1] == ' ' && i > 0)
            return j;
    }
    return 0;
}

/* "file:line" of the innermost Lua function running (level 1 up), or "". */
static void push_innermost_location(lua_State *L)
{
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
            lua_pushfstring(L, "%s:%d", ar.short_src, ar.currentline);
            return;
        }
    }
    lua_pushliteral(L, "");
}

int vlua_msgh(lua_State *L)
{
    if (is_failure(L, 1))
        return 1;
    if (lua_type(L, 1) == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, 1, &len);
        size_t p = located_prefix(s);
        if (p) {
            push_failure(L, s + p + 2, len - p - 2, s, p);
            return 1;
        }
        push_innermost_location(L);
        size_t loclen;
        const char *loc = lua_tolstring(L, -1, &loclen);
        push_failure(L, s, len, loc, loclen);
        return 1;
    }
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
        ;   /* the object's own text */
    else
        lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    push_innermost_location(L);
    size_t loclen;
    const char *loc = lua_tolstring(L, -1, &loclen);
    push_failure(L, s, len, loc, loclen);
    return 1;
}

/* Raise a failure located at the Lua code that called the helper. */
static int raise_failure(lua_State *L, const char *msg, size_t msglen)
{
    luaL_where(L, 1);   /* "file:line: " */
    size_t loclen;
    const char *loc = lua_tolstring(L, -1, &loclen);
    while (loclen && (loc[loclen - 1] == ':' || loc[loclen - 1] == ' '))
        loclen--;
    push_failure(L, msg, msglen, loc, loclen);
    return lua_error(L);
}

static int l_expect(lua_State *L)
{
    luaL_checkany(L, 1);
    if (lua_toboolean(L, 1))
        return 0;
    size_t len;
    const char *msg = lua_isnoneornil(L, 2) ? "expectation failed" : luaL_tolstring(L, 2, &len);
    if (lua_isnoneornil(L, 2))
        len = strlen(msg);
    return raise_failure(L, msg, len);
}

/* A value as a failure message shows it: strings quoted and escaped (and cut short),
 * integers in decimal and hex when they look like addresses. */
static void add_value(lua_State *L, luaL_Buffer *b, int idx)
{
    char tmp[64];
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            lua_Integer v = lua_tointeger(L, idx);
            if (v > -4096 && v < 4096)
                snprintf(tmp, sizeof(tmp), "%" PRId64, (int64_t)v);
            else if (v < 0)
                snprintf(tmp, sizeof(tmp), "0x%" PRIx64, (uint64_t)v);
            else
                snprintf(tmp, sizeof(tmp), "%" PRId64 " (0x%" PRIx64 ")", (int64_t)v, (uint64_t)v);
        } else {
            snprintf(tmp, sizeof(tmp), "%.14g", lua_tonumber(L, idx));
        }
        luaL_addstring(b, tmp);
        return;
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        size_t shown = len > 64 ? 64 : len;
        luaL_addchar(b, '"');
        for (size_t i = 0; i < shown; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c == '"' || c == '\\') {
                luaL_addchar(b, '\\');
                luaL_addchar(b, (char)c);
            } else if (c == '\n') {
                luaL_addstring(b, "\\n");
            } else if (c >= 0x20 && c < 0x7f) {
                luaL_addchar(b, (char)c);
            } else {
                snprintf(tmp, sizeof(tmp), "\\x%02x", c);
                luaL_addstring(b, tmp);
            }
        }
        luaL_addchar(b, '"');
        if (shown < len) {
            snprintf(tmp, sizeof(tmp), "... (%zu bytes)", len);
            luaL_addstring(b, tmp);
        }
        return;
    }
    default:
        luaL_tolstring(L, idx, NULL);
        luaL_addvalue(b);
        return;
    }
}

static int l_expect_eq(lua_State *L)
{
    luaL_checkany(L, 2);
    lua_settop(L, 3);   /* the buffer below pushes a placeholder: msg must have its slot */
    if (lua_compare(L, 1, 2, LUA_OPEQ))
        return 0;
    luaL_Buffer b;
    /* The values' texts are pushed while the buffer is in use: make room first. */
    luaL_checkstack(L, 8, NULL);
    luaL_buffinit(L, &b);
    if (!lua_isnoneornil(L, 3)) {
        luaL_tolstring(L, 3, NULL);
        luaL_addvalue(&b);
        luaL_addstring(&b, ": ");
    }
    luaL_addstring(&b, "got ");
    add_value(L, &b, 1);
    luaL_addstring(&b, ", want ");
    add_value(L, &b, 2);
    luaL_pushresult(&b);
    size_t len;
    const char *msg = lua_tolstring(L, -1, &len);
    return raise_failure(L, msg, len);
}

/* test(name, fn): runs fn now; one result line. Returns true when it passed. */
static int l_test(lua_State *L)
{
    vlua_file *f = vlua_file_of(L);
    const char *name = luaL_checkstring(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    if (f->current_test)
        return luaL_error(L, "test('%s') inside test('%s'): tests do not nest", name, f->current_test);
    f->tests_run++;
    if (f->timed_out) {
        vlua_report(f, name, false, "not run: the file's time limit was exceeded", "");
        lua_pushboolean(L, 0);
        return 1;
    }
    f->current_test = name;
    lua_settop(L, 2);
    lua_pushcfunction(L, vlua_msgh);
    lua_pushvalue(L, 2);
    int rc = lua_pcall(L, 0, 0, 3);
    f->current_test = NULL;
    /* Machines booted inside the test and dropped hold hundreds of MiB that Lua's
     * collector does not see: free them before the next test. */
    lua_gc(L, LUA_GCCOLLECT);
    if (rc == LUA_OK) {
        vlua_report(f, name, true, NULL, NULL);
    } else {
        const char *msg, *loc;
        vlua_failure_parts(L, -1, &msg, &loc);
        vlua_report(f, name, false, msg, loc);
    }
    lua_pushboolean(L, rc == LUA_OK);
    return 1;
}

static int l_failure_tostring(lua_State *L)
{
    const char *msg, *loc;
    vlua_failure_parts(L, 1, &msg, &loc);
    if (*loc)
        lua_pushfstring(L, "%s (%s)", msg, loc);
    else
        lua_pushstring(L, msg);
    return 1;
}

void vlua_open_testlib(lua_State *L)
{
    luaL_newmetatable(L, VLUA_FAILURE_MT);
    lua_pushcfunction(L, l_failure_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    lua_register(L, "test", l_test);
    lua_register(L, "expect", l_expect);
    lua_register(L, "expect_eq", l_expect_eq);
}
