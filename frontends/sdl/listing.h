/* The model's disassembly listings (listing.c). */
#ifndef FRONTENDS_SDL_LISTING_H
#define FRONTENDS_SDL_LISTING_H

#include "frontends/sdl/model.h"

/* Remembers that `rip` starts an instruction of `vtl`. */
void dbg_note_start(dbg_model *d, unsigned vtl, uint64_t rip);
/* `lines` lines of `vtl` around `at`, `before` of them before it (when they decode). */
void dbg_build_listing(dbg_model *d, dbg_listing *l, unsigned vtl, uint64_t at, size_t lines, size_t before);
/* The line of `addr` in l, or dflt. */
size_t dbg_line_of(const dbg_listing *l, uint64_t addr, size_t dflt);
/* Moves the cursor of the main listing; past its ends the listing scrolls and stops
 * following RIP. */
void dbg_move_cursor(dbg_model *d, long delta);

#endif
