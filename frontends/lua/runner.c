/* `vtlemu test [--file-insns N] [--timeout S] FILE...`: each file in a fresh Lua state,
 * one result line per test, "N passed, N failed" last. Whatever a file does (a syntax
 * error, an error at top level, a failed boot, a guest that never gets anywhere) ends
 * as a failed line, never as a crash or a hang of the runner. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lualib.h>

#include "frontends/cli/cli.h"
#include "frontends/lua/runner.h"
#include "frontends/lua/vlua.h"

/* Lua VM instructions between two looks at the clock. */
#define HOOK_EVERY 100000

typedef struct run_opts {
    uint64_t file_insns;
    uint64_t timeout_s;
} run_opts;

vlua_file *vlua_file_of(lua_State *L)
{
    return *(vlua_file **)lua_getextraspace(L);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One line whatever the text holds. */
static void put_oneline(const char *s)
{
    for (; *s; s++)
        fputc(*s == '\n' || *s == '\r' || *s == '\t' ? ' ' : *s, stdout);
}

void vlua_report(vlua_file *f, const char *name, bool ok, const char *msg, const char *loc)
{
    fputs(ok ? "ok - " : "not ok - ", stdout);
    put_oneline(name);
    if (!ok) {
        fputs(": ", stdout);
        put_oneline(msg && *msg ? msg : "failed");
        if (loc && *loc) {
            fputs(" (", stdout);
            put_oneline(loc);
            fputc(')', stdout);
        }
        f->failed++;
    } else {
        f->passed++;
    }
    fputc('\n', stdout);
    fflush(stdout);
}

/* Lua code that never ends would hang the runner: the clock ends it. */
static void time_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    vlua_file *f = vlua_file_of(L);
    if (!f->timed_out && now_s() < f->deadline)
        return;
    f->timed_out = true;
    lua_pushfstring(L, "time limit of this file exceeded (vtlemu test --timeout)");
    lua_error(L);
}

/* print goes to stderr: stdout holds the result lines only. */
static int l_print(lua_State *L)
{
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *s = luaL_tolstring(L, i, &len);
        if (i > 1)
            fputc('\t', stderr);
        fwrite(s, 1, len, stderr);
        lua_pop(L, 1);
    }
    fputc('\n', stderr);
    fflush(stderr);
    return 0;
}

/* Standard libraries, the vtlemu API, the helpers; `require` looks next to the file. */
static int open_all(lua_State *L)
{
    const char *path = lua_touserdata(L, 1);
    luaL_openlibs(L);
    lua_register(L, "print", l_print);
    vlua_open_machine(L);
    vlua_open_control(L);
    vlua_open_events(L);
    vlua_open_memory(L);
    vlua_open_snapshot(L);
    vlua_open_testlib(L);

    const char *slash = strrchr(path, '/');
    lua_getglobal(L, "package");
    if (slash)
        lua_pushlstring(L, path, (size_t)(slash - path));
    else
        lua_pushliteral(L, ".");
    lua_getfield(L, -2, "path");
    lua_pushfstring(L, "%s/?.lua;%s", lua_tostring(L, -2), lua_tostring(L, -1));
    lua_setfield(L, -4, "path");
    lua_pop(L, 3);
    return 0;
}

static void report_error(lua_State *L, vlua_file *f)
{
    const char *msg, *loc;
    vlua_failure_parts(L, -1, &msg, &loc);
    vlua_report(f, f->path, false, msg, loc);
    lua_pop(L, 1);
}

static void run_file(const char *path, const run_opts *o, unsigned *passed, unsigned *failed)
{
    vlua_file f = { .path = path, .insn_ceiling = o->file_insns, .deadline = now_s() + (double)o->timeout_s };
    lua_State *L = luaL_newstate();
    if (!L) {
        vlua_report(&f, path, false, "cannot create a Lua state (out of host memory)", NULL);
        (*failed)++;
        return;
    }
    *(vlua_file **)lua_getextraspace(L) = &f;
    lua_pushcfunction(L, open_all);
    lua_pushlightuserdata(L, (void *)path);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
        vlua_report(&f, path, false, lua_tostring(L, -1), NULL);
    } else {
        lua_sethook(L, time_hook, LUA_MASKCOUNT, HOOK_EVERY);
        lua_pushcfunction(L, vlua_msgh);
        if (luaL_loadfilex(L, path, "t") != LUA_OK) {
            lua_call(L, 1, 1);   /* the message handler turns the message into a failure */
            report_error(L, &f);
        } else if (lua_pcall(L, 0, 0, 1) != LUA_OK) {
            report_error(L, &f);
        } else if (f.tests_run == 0) {
            vlua_report(&f, path, false, "no tests: the file never calls test(name, fn)", NULL);
        }
    }
    lua_close(L);
    *passed += f.passed;
    *failed += f.failed;
}

int vlua_test_main(int argc, char **argv)
{
    run_opts o = { .file_insns = VLUA_DEFAULT_FILE_INSNS, .timeout_s = VLUA_DEFAULT_TIMEOUT_S };
    int first = argc;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            first = i + 1;
            break;
        }
        if (!strcmp(a, "--file-insns") || !strcmp(a, "--timeout")) {
            uint64_t *dst = a[2] == 'f' ? &o.file_insns : &o.timeout_s;
            if (i + 1 >= argc)
                return cli_usage_error("%s needs a count", a);
            if (!cli_parse_count(argv[++i], dst) || *dst == 0)
                return cli_usage_error("bad count '%s' (a positive decimal number)", argv[i]);
            /* INT64_MAX: Lua integers carry counts. */
            if (*dst > (uint64_t)INT64_MAX)
                return cli_usage_error("count '%s' is too large", argv[i]);
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("unknown option '%s'", a);
        } else {
            first = i;
            break;
        }
    }
    if (first >= argc)
        return cli_usage_error("%s", "test needs at least one script");

    unsigned passed = 0, failed = 0;
    for (int i = first; i < argc; i++)
        run_file(argv[i], &o, &passed, &failed);
    printf("%u passed, %u failed\n", passed, failed);
    fflush(stdout);
    return failed ? 1 : 0;
}
