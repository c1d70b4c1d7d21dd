/* The memory map: per VTL, an overview of all guest-physical pages coloured by that
 * VTL's SLAT rights, a zoomed band around the focused page, a legend and a box naming
 * the focused page's GPA, SPA and rights in both VTLs. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontends/sdl/colors.h"
#include "frontends/sdl/draw.h"

static SDL_Color cat_color(dbg_cat c)
{
    switch (c) {
    case DBG_CAT_ABSENT: return C(0x18, 0x1a, 0x1f);
    case DBG_CAT_RWX: return C(0x4b, 0x52, 0x5e);
    case DBG_CAT_SECURE: return C(0xe5, 0xc0, 0x7b);
    case DBG_CAT_DMA: return C(0x56, 0xb6, 0xc2);
    case DBG_CAT_RW: return C(0x6a, 0x9f, 0x5a);
    case DBG_CAT_RX: return C(0xe0, 0x8c, 0x3c);
    case DBG_CAT_R: return C(0x4d, 0x8f, 0xd6);
    case DBG_CAT_X: return C(0xb0, 0x5a, 0x9a);
    case DBG_CAT_NONE: return C(0xd0, 0x3a, 0x48);
    case DBG_CAT_COW: return C(0xc6, 0x78, 0xdd);
    case DBG_CAT_COW_BROKEN: return C(0xff, 0x9c, 0xe0);
    case DBG_CAT_COUNT: break;
    }
    return C(0, 0, 0);
}

void dbg_view_free_map(dbg_view *v)
{
    for (int i = 0; i < 2; i++) {
        if (v->map_tex[i])
            SDL_DestroyTexture(v->map_tex[i]);
        v->map_tex[i] = NULL;
    }
    v->map_valid = false;
}

/* One pixel per cell, scaled by the renderer to cell_w x cell_h. Cells of many pages
 * look at no more than 64 of them. */
static void build_map(dbg_view *v, const dbg_model *d)
{
    for (unsigned vt = 0; vt < 2; vt++) {
        const dbg_strip *s = &v->L.strip[vt];
        if (!v->map_tex[vt])
            v->map_tex[vt] = SDL_CreateTexture(v->r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, s->cols,
                                               s->rows);
        uint32_t *px = malloc(sizeof(uint32_t) * (size_t)s->cols * (size_t)s->rows);
        if (!v->map_tex[vt] || !px) {
            free(px);
            continue;
        }
        for (int i = 0; i < s->cols * s->rows; i++) {
            uint64_t first = (uint64_t)i * s->ppp;
            dbg_cat c = DBG_CAT_ABSENT;
            if (first < d->ram_pages) {
                uint64_t n = first + s->ppp <= d->ram_pages ? s->ppp : d->ram_pages - first;
                c = dbg_cat_of_range(d, vt, first, n, 64);
            }
            SDL_Color col = cat_color(c);
            px[i] = 0xFF000000u | (uint32_t)col.r << 16 | (uint32_t)col.g << 8 | col.b;
        }
        SDL_UpdateTexture(v->map_tex[vt], NULL, px, s->cols * 4);
        free(px);
    }
    v->map_gen = d->map_gen;
    v->map_stops = d->stops;
    v->map_valid = true;
}

uint64_t dbg_view_focus_page(const dbg_model *d)
{
    if (d->has_hover)
        return d->hover_gpa / DBG_PAGE;
    if (d->mem_space == EMU_SPACE_GPA)
        return d->mem_addr / DBG_PAGE;
    return 0;
}

static void fill(dbg_view *v, int x, int y, int w, int h, SDL_Color c)
{
    SDL_SetRenderDrawColor(v->r, c.r, c.g, c.b, c.a);
    SDL_Rect q = { x, y, w, h };
    SDL_RenderFillRect(v->r, &q);
}

static void outline(dbg_view *v, int x, int y, int w, int h, SDL_Color c)
{
    SDL_SetRenderDrawColor(v->r, c.r, c.g, c.b, c.a);
    SDL_Rect q = { x, y, w, h };
    SDL_RenderDrawRect(v->r, &q);
}

static void page_line(dbg_view *v, const dbg_model *d, unsigned vt, uint64_t gpa, int x, int y)
{
    dbg_page p;
    dbg_page_get(d, vt, gpa, &p);
    char buf[160], r[5];
    if (!p.ok) {
        snprintf(buf, sizeof(buf), "VTL%u  -", vt);
    } else {
        dbg_rights_str(p.rights, r);
        dbg_cat c = dbg_page_cat(&p, vt);
        snprintf(buf, sizeof(buf), "VTL%u  %s  SPA %09" PRIx64 "  %s%s", vt, r, p.spa, dbg_cat_name(c),
                 p.secure && c != DBG_CAT_SECURE ? " (secure kernel)" : "");
    }
    dbg_text(v->r, &v->font, x, y, vtl_color(vt), buf, (size_t)((v->L.map.w - v->font.cw) / v->font.cw));
}

void dbg_view_draw_map(dbg_view *v, const dbg_model *d)
{
    const dbg_layout *L = &v->L;
    int cw = v->font.cw, ch = v->font.ch;
    fill(v, L->map.x, L->map.y, L->map.w, L->map.h, COL_PANEL);
    fill(v, L->map.x, L->map.y, L->map.w, ch + 2, COL_BORDER);
    outline(v, L->map.x, L->map.y, L->map.w, L->map.h, COL_BORDER);
    char buf[160];
    snprintf(buf, sizeof(buf), "Memory map: guest-physical pages by SLAT rights (%" PRIu64 " MiB)",
             d->ram_pages * DBG_PAGE >> 20);
    dbg_text(v->r, &v->font, L->map.x + cw / 2, L->map.y + 1, COL_HEAD, buf, 0);
    if (!v->map_valid || v->map_gen != d->map_gen || v->map_stops != d->stops)
        build_map(v, d);
    uint64_t focus = dbg_view_focus_page(d);
    uint64_t zfirst = dbg_layout_zoom_first(focus, d->ram_pages);
    for (unsigned vt = 0; vt < 2; vt++) {
        const dbg_strip *s = &L->strip[vt];
        snprintf(buf, sizeof(buf), "VTL%u  %" PRIu64 " page%s a pixel, %" PRIu64 " KiB a row", vt, s->ppp,
                 s->ppp == 1 ? "" : "s", s->ppp * (uint64_t)s->cols * 4);
        dbg_text(v->r, &v->font, s->label.x + cw / 2, s->label.y + 2, vtl_color(vt), buf, 0);
        if (v->map_tex[vt]) {
            SDL_Rect dst = { s->overview.x, s->overview.y, s->overview.w, s->overview.h };
            SDL_RenderCopy(v->r, v->map_tex[vt], NULL, &dst);
        }
        /* The focused page: a box in the overview. */
        uint64_t cell = focus / s->ppp;
        int fx = s->overview.x + (int)(cell % (uint64_t)s->cols) * s->cell_w;
        int fy = s->overview.y + (int)(cell / (uint64_t)s->cols) * s->cell_h;
        outline(v, fx - 3, fy - 3, s->cell_w + 6, s->cell_h + 6, C(255, 255, 255));
        /* Under the overview, a bracket over the pages the band shows. */
        uint64_t c0 = zfirst / s->ppp, c1 = (zfirst + DBG_ZOOM_PAGES - 1) / s->ppp;
        if (c0 / (uint64_t)s->cols == c1 / (uint64_t)s->cols) {
            int bx = s->overview.x + (int)(c0 % (uint64_t)s->cols) * s->cell_w;
            int bw = (int)(c1 - c0 + 1) * s->cell_w;
            fill(v, bx, s->overview.y + s->overview.h + 1, bw, 2, C(0xff, 0xff, 0xff));
        }
        /* The band: DBG_ZOOM_PAGES pages, the focused one outlined. */
        for (int i = 0; i < DBG_ZOOM_PAGES; i++) {
            uint64_t pg = zfirst + (uint64_t)i;
            dbg_page p;
            dbg_page_get(d, vt, pg * DBG_PAGE, &p);
            int x = s->zoom.x + i * s->zoom_w;
            fill(v, x, s->zoom.y, s->zoom_w >= 5 ? s->zoom_w - 1 : s->zoom_w, s->zoom.h, cat_color(dbg_page_cat(&p, vt)));
            if (pg == focus)
                outline(v, x - 1, s->zoom.y - 2, s->zoom_w + 1, s->zoom.h + 4, C(255, 255, 255));
        }
    }
    /* Legend: a swatch and a name per class, in rows. */
    static const struct { dbg_cat cat; const char *name; } shown[] = {
        { DBG_CAT_RWX, "RWX" }, { DBG_CAT_RX, "R-X" }, { DBG_CAT_RW, "RW-" }, { DBG_CAT_R, "R--" },
        { DBG_CAT_NONE, "none" }, { DBG_CAT_SECURE, "secure kernel" }, { DBG_CAT_COW, "CoW shared" },
        { DBG_CAT_COW_BROKEN, "CoW broken" }, { DBG_CAT_DMA, "DMA" },
    };
    int x = L->legend.x + cw / 2, y = L->legend.y + 2;
    for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
        const char *name = shown[i].name;
        int w = (3 + (int)strlen(name) + 2) * cw;
        if (x + w > L->legend.x + L->legend.w) {
            x = L->legend.x + cw / 2;
            y += ch;
        }
        fill(v, x, y + 3, 2 * cw - 2, ch - 6, cat_color(shown[i].cat));
        dbg_text(v->r, &v->font, x + 3 * cw, y, COL_DIM, name, 0);
        x += w;
    }
    /* The focused page in both VTLs. */
    int hy = L->hover.y + 2;
    snprintf(buf, sizeof(buf), "%s GPA %09" PRIx64, d->has_hover ? "pointer at" : "memory view at", focus * DBG_PAGE);
    dbg_text(v->r, &v->font, L->hover.x + cw / 2, hy, COL_TEXT, buf, 0);
    page_line(v, d, 0, focus * DBG_PAGE, L->hover.x + cw / 2, hy + ch);
    page_line(v, d, 1, focus * DBG_PAGE, L->hover.x + cw / 2, hy + 2 * ch);
}
