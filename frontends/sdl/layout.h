/* Where each panel of the window goes, in pixels, from the window size and the font's
 * cell size; and what lies under a pointer. No SDL, so it is unit-tested. */
#ifndef FRONTENDS_SDL_LAYOUT_H
#define FRONTENDS_SDL_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct dbg_rect {
    int x, y, w, h;
} dbg_rect;

#define DBG_ZOOM_PAGES 160   /* pages in each VTL's zoomed band of the memory map */

/* One VTL's memory map: an overview of all RAM, a cell per `ppp` pages, `cols` cells a
 * row, each cell cell_w x cell_h pixels; and a band of DBG_ZOOM_PAGES pages around the
 * focused page. */
typedef struct dbg_strip {
    dbg_rect label;
    dbg_rect overview;
    int cols, rows, cell_w, cell_h;
    uint64_t ppp;
    dbg_rect zoom;
    int zoom_w;          /* pixels per page in the band */
} dbg_strip;

typedef struct dbg_layout {
    int w, h, cw, ch;    /* window and character cell */
    dbg_rect title, hints;
    dbg_rect regs, disasm, mem, map, log, console[2];
    dbg_strip strip[2];
    dbg_rect legend, hover;
    int log_rows;        /* event rows in the log panel */
    int dis_main_y, dis_other_y;   /* first line of each listing */
} dbg_layout;

void dbg_layout_compute(dbg_layout *L, int w, int h, int cw, int ch, uint64_t ram_pages);

bool dbg_rect_has(dbg_rect r, int x, int y);

/* The GPA under (x, y) in a strip (overview or band), false elsewhere; `zoom_first` is
 * the first page of the zoomed band. */
bool dbg_layout_map_at(const dbg_layout *L, int x, int y, uint64_t ram_pages, uint64_t zoom_first, unsigned *vtl,
                       uint64_t *gpa);
/* The first page of the zoomed band around page `focus`. */
uint64_t dbg_layout_zoom_first(uint64_t focus, uint64_t ram_pages);

/* The event rows shown: the newest unless the selection is further up. */
size_t dbg_layout_log_first(size_t nshown, long selected, int rows);
/* The event row under (x, y) as an index into the shown events, or -1. */
long dbg_layout_log_at(const dbg_layout *L, int x, int y, size_t nshown, long selected);
/* The line of the main listing under (x, y), or -1. */
int dbg_layout_disasm_at(const dbg_layout *L, int x, int y, size_t lines);

#endif
