/* The view: draws the model into an SDL renderer (a window, or a surface when headless). */
#ifndef FRONTENDS_SDL_DRAW_H
#define FRONTENDS_SDL_DRAW_H

#include <SDL2/SDL.h>

#include "frontends/sdl/layout.h"
#include "frontends/sdl/model.h"
#include "frontends/sdl/text.h"

typedef struct dbg_view {
    SDL_Renderer *r;
    dbg_font font;
    dbg_layout L;
    uint64_t ram_pages;
    SDL_Texture *map_tex[2];   /* the overview rasters, rebuilt when the map changes */
    uint64_t map_gen, map_stops;
    bool map_valid;
    const char *title;         /* image names, for the title bar */
} dbg_view;

bool dbg_view_init(dbg_view *v, SDL_Renderer *r, const char *font_path, int font_size, int w, int h,
                   uint64_t ram_pages, char *err, size_t errlen);
void dbg_view_resize(dbg_view *v, int w, int h);
void dbg_view_free(dbg_view *v);
void dbg_view_draw(dbg_view *v, const dbg_model *d);

/* The event kind whose filter chip is under (x, y). */
bool dbg_view_chip_at(const dbg_view *v, int x, int y, emu_event_kind *kind);
/* The memory-map page the view is focused on (the hovered one, else the memory view's). */
uint64_t dbg_view_focus_page(const dbg_model *d);

/* The memory map (map.c). */
void dbg_view_draw_map(dbg_view *v, const dbg_model *d);
void dbg_view_free_map(dbg_view *v);

#endif
