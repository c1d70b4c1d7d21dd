/* The Lua binding of the machine API (emu/machine.h) and the `vtlemu test` runner:
 * declarations shared by the files of frontends/lua/ only. */
#ifndef FRONTENDS_LUA_VLUA_H
#define FRONTENDS_LUA_VLUA_H

#include <lauxlib.h>
#include <lua.h>
#include <stdbool.h>
#include <stdint.h>

#include "emu/machine.h"

/* m:run{} without max_insns. */
#define VLUA_DEFAULT_MAX_INSNS  UINT64_C(200000000)
/* All runs and steps of one file together (vtlemu test --file-insns). */
#define VLUA_DEFAULT_FILE_INSNS UINT64_C(2000000000)
/* Wall-clock limit per file, against Lua code that never ends (--timeout). */
#define VLUA_DEFAULT_TIMEOUT_S  300

#define VLUA_MACHINE_MT  "vtlemu.machine"
#define VLUA_SNAPSHOT_MT "vtlemu.snapshot"
#define VLUA_FAILURE_MT  "vtlemu.failure"

/* What one file's Lua state knows about its run: limits, counts, the current test. */
typedef struct vlua_file {
    const char *path;
    uint64_t insn_ceiling;    /* guest instructions allowed for the whole file */
    uint64_t insns_used;
    double deadline;          /* monotonic seconds */
    bool timed_out;
    unsigned passed, failed;
    const char *current_test; /* name of the test running, or NULL at top level */
    unsigned tests_run;
} vlua_file;

/* The machine object behind a Lua userdata. */
typedef struct vlua_machine {
    vtl_machine *m;           /* NULL once closed */
    char *append;             /* emu_config keeps the pointer: it lives as long as m */
    bool running;             /* inside emu_run_until: only `where` code can call in */
} vlua_machine;

/* runner.c */
vlua_file *vlua_file_of(lua_State *L);
/* One result line on stdout; msg and loc may be NULL for a pass. */
void vlua_report(vlua_file *f, const char *name, bool ok, const char *msg, const char *loc);

/* machine.c: vtlemu.boot and the machine methods that only look. */
void vlua_open_machine(lua_State *L);
vlua_machine *vlua_check_machine(lua_State *L, int idx);
/* A machine that may be run or changed now (not closed, not inside `where`). */
vlua_machine *vlua_check_idle(lua_State *L, int idx, const char *what);
unsigned vlua_check_vtl(lua_State *L, int idx);
/* Table methods of the other files, added to the machine metatable. */
void vlua_add_methods(lua_State *L, const luaL_Reg *regs);

/* control.c: m:run, m:step. */
void vlua_open_control(lua_State *L);

/* events.c */
void vlua_push_event(lua_State *L, const emu_event *ev);
/* -1 when name is no event kind. */
int vlua_kind_of(const char *name);
/* The kind named by the string at idx (-1 when nil); an error for any other value. */
int vlua_opt_kind(lua_State *L, int idx, const char *who);
void vlua_open_events(lua_State *L);
/* Push "R-K-" for SLAT rights bits (R, W, K, U = 1, 2, 4, 8 as in the trace). */
void vlua_push_rights(lua_State *L, unsigned rights);
/* Push a PCI requester id as "bus:dev.fn" ("00:03.0"), as the trace writes it. */
void vlua_push_requester(lua_State *L, unsigned rid);

/* memory.c: registers, memory, SLAT, DMA, disassembly. */
void vlua_open_memory(lua_State *L);

/* snapshot.c */
void vlua_open_snapshot(lua_State *L);

/* testlib.c: test, expect, expect_eq; the failure value and its location. */
void vlua_open_testlib(lua_State *L);
/* Message handler for lua_pcall: turns any error into a failure value. */
int vlua_msgh(lua_State *L);
/* Reads a failure value at idx: message and "file:line" (either may be ""). */
void vlua_failure_parts(lua_State *L, int idx, const char **msg, const char **loc);

#endif
