/* Run control of the debugger model: steps, runs in slices, breakpoints. */
#ifndef FRONTENDS_SDL_RUN_H
#define FRONTENDS_SDL_RUN_H

#include "frontends/sdl/model.h"

void dbg_run_step(dbg_model *d);
void dbg_run_start(dbg_model *d, dbg_run_mode mode);
void dbg_run_pause(dbg_model *d);
/* model.c: a run or step ended; stop_event is the event log index that ended it, or -1. */
void dbg_model_stopped(dbg_model *d, long stop_event);

#endif
