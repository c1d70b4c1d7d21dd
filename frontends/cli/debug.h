/* `vtlemu debug`: parses its arguments and runs the SDL2 debugger (frontends/sdl). */
#ifndef FRONTENDS_CLI_DEBUG_H
#define FRONTENDS_CLI_DEBUG_H

int cli_debug(int argc, char **argv);

#endif
