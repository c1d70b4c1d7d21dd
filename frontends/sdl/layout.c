#include "frontends/sdl/layout.h"

#include "frontends/sdl/model.h"

static dbg_rect rect(int x, int y, int w, int h)
{
    return (dbg_rect){ x, y, w > 0 ? w : 0, h > 0 ? h : 0 };
}

bool dbg_rect_has(dbg_rect r, int x, int y)
{
    return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

static void layout_strip(dbg_strip *s, int x, int y, int w, int h, int ch, uint64_t pages)
{
    /* A label row, the overview, and the zoomed band, which takes the height the
     * overview leaves (at least a text row, at most three). */
    s->label = rect(x, y, w, ch);
    int min_band = ch, gap = 6;
    int oh = h - ch - gap - min_band - gap;
    if (oh < 8)
        oh = 8;
    s->cols = w > 0 ? w : 1;
    uint64_t cells = (uint64_t)s->cols * (uint64_t)oh;
    s->ppp = pages ? (pages + cells - 1) / cells : 1;
    if (s->ppp == 0)
        s->ppp = 1;
    uint64_t rows = (pages + s->ppp * (uint64_t)s->cols - 1) / (s->ppp * (uint64_t)s->cols);
    s->rows = rows ? (int)rows : 1;
    s->cell_w = 1;
    s->cell_h = oh / s->rows;
    if (s->cell_h < 1)
        s->cell_h = 1;
    if (s->cell_h > 4)
        s->cell_h = 4;
    s->overview = rect(x, y + ch + gap, s->cols * s->cell_w, s->rows * s->cell_h);
    int band_y = s->overview.y + s->overview.h + gap;
    int band = y + h - gap - band_y;
    if (band > 3 * ch)
        band = 3 * ch;
    if (band < min_band)
        band = min_band;
    s->zoom_w = w / DBG_ZOOM_PAGES;
    if (s->zoom_w < 1)
        s->zoom_w = 1;
    s->zoom = rect(x, band_y, s->zoom_w * DBG_ZOOM_PAGES, band);
}

void dbg_layout_compute(dbg_layout *L, int w, int h, int cw, int ch, uint64_t ram_pages)
{
    L->w = w;
    L->h = h;
    L->cw = cw;
    L->ch = ch;
    int cols = w / cw, rows = h / ch;
    L->title = rect(0, 0, w, ch + 4);
    L->hints = rect(0, h - ch - 4, w, ch + 4);
    int top = L->title.h + 2, bottom = L->hints.y - 2;

    /* Three columns: registers over the memory map; disassembly over the memory view;
     * the event log over the consoles. */
    int ca = cols * 31 / 100, cb = cols * 32 / 100;
    if (ca < 52)
        ca = 52;
    if (cb < 56)
        cb = 56;
    int xa = 0, xb = ca * cw, xc = (ca + cb) * cw;
    int pad = cw / 2;
    int upper = (3 + DBG_NREGS) * ch;                       /* title, header, registers */
    int dis_h = (4 + DBG_DIS_LINES + DBG_DIS_OTHER) * ch;    /* both listings, headers */
    if (dis_h > upper)
        upper = dis_h;
    L->regs = rect(xa + pad, top, ca * cw - 2 * pad, upper);
    L->disasm = rect(xb + pad, top, cb * cw - 2 * pad, upper);
    L->dis_main_y = top + 2 * ch;
    L->dis_other_y = L->dis_main_y + (DBG_DIS_LINES + 1) * ch;
    int low = top + upper + ch / 2;
    L->mem = rect(xb + pad, low, cb * cw - 2 * pad, bottom - low);
    L->map = rect(xa + pad, low, ca * cw - 2 * pad, bottom - low);

    /* Map: title row, two strips, a legend of 2 rows, a hover box of 3 rows. */
    int sh = (L->map.h - ch - 5 * ch - 4) / 2;
    for (int v = 0; v < 2; v++)
        layout_strip(&L->strip[v], L->map.x, L->map.y + ch + v * sh, L->map.w, sh, ch, ram_pages);
    L->legend = rect(L->map.x, L->map.y + ch + 2 * sh, L->map.w, 2 * ch);
    L->hover = rect(L->map.x, L->legend.y + L->legend.h, L->map.w, 3 * ch);

    int cc = cols - ca - cb;
    int log_h = (bottom - top) * 58 / 100;
    L->log = rect(xc + pad, top, cc * cw - 2 * pad, log_h);
    /* title and two rows of kind filters above the events, two detail rows below */
    L->log_rows = log_h / ch - 5;
    if (L->log_rows < 1)
        L->log_rows = 1;
    int con_y = top + log_h + ch / 2, con_h = (bottom - con_y) / 2;
    L->console[0] = rect(xc + pad, con_y, cc * cw - 2 * pad, con_h);
    L->console[1] = rect(xc + pad, con_y + con_h, cc * cw - 2 * pad, con_h);
    (void)rows;
}

uint64_t dbg_layout_zoom_first(uint64_t focus, uint64_t ram_pages)
{
    uint64_t first = focus > DBG_ZOOM_PAGES / 4 ? focus - DBG_ZOOM_PAGES / 4 : 0;
    if (ram_pages > DBG_ZOOM_PAGES && first + DBG_ZOOM_PAGES > ram_pages)
        first = ram_pages - DBG_ZOOM_PAGES;
    return first;
}

bool dbg_layout_map_at(const dbg_layout *L, int x, int y, uint64_t ram_pages, uint64_t zoom_first, unsigned *vtl,
                       uint64_t *gpa)
{
    for (unsigned v = 0; v < 2; v++) {
        const dbg_strip *s = &L->strip[v];
        uint64_t page;
        if (dbg_rect_has(s->overview, x, y)) {
            uint64_t cell = (uint64_t)((y - s->overview.y) / s->cell_h) * (uint64_t)s->cols +
                            (uint64_t)((x - s->overview.x) / s->cell_w);
            page = cell * s->ppp;
        } else if (dbg_rect_has(s->zoom, x, y)) {
            page = zoom_first + (uint64_t)((x - s->zoom.x) / s->zoom_w);
        } else {
            continue;
        }
        if (page >= ram_pages)
            return false;
        *vtl = v;
        *gpa = page * DBG_PAGE;
        return true;
    }
    return false;
}

size_t dbg_layout_log_first(size_t nshown, long selected, int rows)
{
    size_t r = rows > 0 ? (size_t)rows : 1;
    size_t first = nshown > r ? nshown - r : 0;
    if (selected >= 0 && (size_t)selected < first)
        first = (size_t)selected > r / 2 ? (size_t)selected - r / 2 : 0;
    return first;
}

long dbg_layout_log_at(const dbg_layout *L, int x, int y, size_t nshown, long selected)
{
    int y0 = L->log.y + 3 * L->ch;
    if (x < L->log.x || x >= L->log.x + L->log.w || y < y0 || y >= y0 + L->log_rows * L->ch)
        return -1;
    size_t idx = dbg_layout_log_first(nshown, selected, L->log_rows) + (size_t)((y - y0) / L->ch);
    return idx < nshown ? (long)idx : -1;
}

int dbg_layout_disasm_at(const dbg_layout *L, int x, int y, size_t lines)
{
    if (x < L->disasm.x || x >= L->disasm.x + L->disasm.w || y < L->dis_main_y)
        return -1;
    int line = (y - L->dis_main_y) / L->ch;
    return (size_t)line < lines ? line : -1;
}
