/* `vtlemu test FILE...`: runs Lua test scripts against the machine API. */
#ifndef FRONTENDS_LUA_RUNNER_H
#define FRONTENDS_LUA_RUNNER_H

/* argv holds what follows "test". Returns the process exit status: 0 when no test
 * failed, 1 when one did, 64 for bad usage. */
int vlua_test_main(int argc, char **argv);

#endif
