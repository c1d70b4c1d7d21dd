/* Drawing of the panels: title, registers, disassembly, memory view, event log, consoles,
 * key hints and the help and prompt overlays. The memory map is in map.c. */
#include "frontends/sdl/draw.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "frontends/sdl/colors.h"

bool dbg_view_init(dbg_view *v, SDL_Renderer *r, const char *font_path, int font_size, int w, int h,
                   uint64_t ram_pages, char *err, size_t errlen)
{
    memset(v, 0, sizeof(*v));
    v->r = r;
    v->ram_pages = ram_pages;
    if (!dbg_font_open(&v->font, r, font_path, font_size, err, errlen))
        return false;
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    dbg_view_resize(v, w, h);
    return true;
}

void dbg_view_resize(dbg_view *v, int w, int h)
{
    dbg_layout_compute(&v->L, w, h, v->font.cw, v->font.ch, v->ram_pages);
    dbg_view_free_map(v);
}

void dbg_view_free(dbg_view *v)
{
    dbg_view_free_map(v);
    dbg_font_close(&v->font);
}

/* ---- helpers -------------------------------------------------------------------------- */

static void fill(dbg_view *v, dbg_rect r, SDL_Color c)
{
    SDL_SetRenderDrawColor(v->r, c.r, c.g, c.b, c.a);
    SDL_Rect q = { r.x, r.y, r.w, r.h };
    SDL_RenderFillRect(v->r, &q);
}

static void frame(dbg_view *v, dbg_rect r, SDL_Color c)
{
    SDL_SetRenderDrawColor(v->r, c.r, c.g, c.b, c.a);
    SDL_Rect q = { r.x, r.y, r.w, r.h };
    SDL_RenderDrawRect(v->r, &q);
}

static int text(dbg_view *v, int x, int y, SDL_Color c, const char *s)
{
    return dbg_text(v->r, &v->font, x, y, c, s, 0);
}

/* Text clipped to a width in pixels. */
static void text_w(dbg_view *v, int x, int y, int w, SDL_Color c, const char *s)
{
    size_t max = w > 0 ? (size_t)(w / v->font.cw) : 0;
    if (max)
        dbg_text(v->r, &v->font, x, y, c, s, max);
}

/* A panel: background, border, a title row; returns the y of the first content row. */
static int panel(dbg_view *v, dbg_rect r, const char *title, SDL_Color head_bg)
{
    fill(v, r, COL_PANEL);
    dbg_rect head = { r.x, r.y, r.w, v->font.ch + 2 };
    fill(v, head, head_bg);
    frame(v, r, COL_BORDER);
    text_w(v, r.x + v->font.cw / 2, r.y + 1, r.w - v->font.cw, COL_HEAD, title);
    return r.y + v->font.ch + 4;
}

/* ---- title and hints ------------------------------------------------------------------ */

static void draw_title(dbg_view *v, const dbg_model *d)
{
    const dbg_layout *L = &v->L;
    fill(v, L->title, vtl_tint(d->running_vtl));
    char buf[400];
    int x = L->cw;
    x += text(v, x, 2, COL_TEXT, "vtlemu debug");
    if (v->title) {
        snprintf(buf, sizeof(buf), "  %s", v->title);
        x += text(v, x, 2, COL_DIM, buf);
    }
    snprintf(buf, sizeof(buf), "   VTL%u running, CPL%u   icount %" PRIu64 "   ", d->running_vtl,
             d->cpl[d->running_vtl], emu_icount(d->m));
    x += text(v, x, 2, vtl_color(d->running_vtl), buf);
    SDL_Color sc = dbg_model_running(d) ? COL_RIP : d->exited ? COL_DENIED : COL_TEXT;
    text_w(v, x, 2, L->w - x - L->cw, sc, d->status);
}

static void draw_hints(dbg_view *v)
{
    const dbg_layout *L = &v->L;
    fill(v, L->hints, COL_PANEL);
    static const char *const keys[][2] = {
        { "s", "step" }, { "o", "over" }, { "n", "next VTL switch" }, { "v", "next violation" },
        { "c", "continue" }, { "space", "pause" }, { "b", "breakpoint" }, { "g", "go to" },
        { "f", "filter" }, { "[ ]", "events" }, { "h", "help" }, { "q", "quit" },
    };
    int x = L->cw, y = L->hints.y + 2;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        x += text(v, x, y, COL_RIP, keys[i][0]);
        x += v->font.cw;
        x += text(v, x, y, COL_DIM, keys[i][1]);
        x += 2 * v->font.cw;
    }
}

/* ---- registers ------------------------------------------------------------------------ */

static void draw_regs(dbg_view *v, const dbg_model *d)
{
    const dbg_layout *L = &v->L;
    int cw = v->font.cw, ch = v->font.ch;
    int y = panel(v, L->regs, "Registers (shared ones once, across both VTLs)", COL_BORDER);
    int xn = L->regs.x + cw, x0 = xn + 16 * cw, x1 = x0 + 19 * cw;
    for (unsigned vt = 0; vt < DBG_VTLS; vt++) {
        int x = vt ? x1 : x0;
        if (vt == d->running_vtl)
            fill(v, (dbg_rect){ x - cw / 2, y - 1, 17 * cw, L->regs.y + L->regs.h - y - 2 }, vtl_tint(vt));
        char buf[64];
        snprintf(buf, sizeof(buf), "VTL%u %s", vt, !d->enabled[vt] ? "off" : vt == d->running_vtl ? "running" : "waiting");
        text(v, x, y, vtl_color(vt), buf);
    }
    y += ch + 2;
    for (size_t i = 0; i < DBG_NREGS; i++, y += ch) {
        char buf[32];
        const dbg_reg_def *r = &dbg_regs[i];
        text(v, xn, y, r->shared ? COL_SHARED : COL_HEAD, r->name);
        if (r->shared) {
            /* One value for both VTLs, between the columns. */
            unsigned vt = d->reg_ok[d->running_vtl] ? d->running_vtl : 0;
            snprintf(buf, sizeof(buf), "%016" PRIx64, d->regs[vt][i]);
            dbg_rect band = { x0 - cw / 2, y + 1, x1 + 17 * cw - x0, ch - 2 };
            fill(v, band, C(0x21, 0x38, 0x3b));
            text(v, (x0 + x1 + 16 * cw) / 2 - 8 * cw, y, d->changed[vt][i] ? COL_CHANGED : COL_SHARED, buf);
            continue;
        }
        for (unsigned vt = 0; vt < DBG_VTLS; vt++) {
            if (!d->reg_ok[vt])
                continue;
            snprintf(buf, sizeof(buf), "%016" PRIx64, d->regs[vt][i]);
            text(v, vt ? x1 : x0, y, d->changed[vt][i] ? COL_CHANGED : COL_TEXT, buf);
        }
    }
}

/* ---- disassembly ---------------------------------------------------------------------- */

static void draw_listing(dbg_view *v, const dbg_model *d, const dbg_listing *l, int y, bool main)
{
    const dbg_layout *L = &v->L;
    int cw = v->font.cw, ch = v->font.ch;
    uint64_t rip = d->regs[l->vtl][DBG_REG_RIP];
    for (size_t i = 0; i < l->count; i++, y += ch) {
        const dbg_line *ln = &l->lines[i];
        bool fault = d->has_fault && d->fault_vtl == l->vtl && d->fault_rip == ln->addr;
        dbg_rect row = { L->disasm.x + 1, y, L->disasm.w - 2, ch };
        if (main && i == d->cursor)
            fill(v, row, COL_CURSOR);
        if (fault)
            fill(v, row, C(0x4a, 0x22, 0x28));
        int x = L->disasm.x + cw / 2;
        if (dbg_model_has_bp(d, l->vtl, ln->addr))
            text(v, x, y, COL_BP, "*");
        if (ln->addr == rip)
            text(v, x + cw, y, COL_RIP, "=>");
        else if (fault)
            text(v, x + cw, y, COL_FAULT, "!!");
        char buf[32];
        snprintf(buf, sizeof(buf), "%016" PRIx64, ln->addr);
        x += 4 * cw;
        x += text(v, x, y, ln->addr == rip ? COL_RIP : COL_DIM, buf) + 2 * cw;
        SDL_Color tc = !ln->len ? COL_DIM : fault ? COL_FAULT : ln->addr == rip ? COL_RIP : COL_TEXT;
        text_w(v, x, y, L->disasm.x + L->disasm.w - x, tc, ln->text);
    }
}

static void draw_disasm(dbg_view *v, const dbg_model *d)
{
    const dbg_layout *L = &v->L;
    char title[160];
    unsigned mv = d->main.vtl;
    snprintf(title, sizeof(title), "Disassembly  VTL%u %s", mv, d->follow ? "at RIP" : "(esc: back to RIP)");
    int y = panel(v, L->disasm, title, vtl_tint(mv));
    (void)y;
    if (d->main.valid)
        draw_listing(v, d, &d->main, L->dis_main_y, true);
    if (d->other.valid) {
        unsigned ov = d->other.vtl;
        int hy = L->dis_other_y - v->font.ch - 2;
        fill(v, (dbg_rect){ L->disasm.x + 1, hy, L->disasm.w - 2, v->font.ch + 2 }, COL_BORDER);
        snprintf(title, sizeof(title), "VTL%u %s", ov, ov == d->running_vtl ? "running" : "waiting here");
        text(v, L->disasm.x + v->font.cw / 2, hy + 1, vtl_color(ov), title);
        draw_listing(v, d, &d->other, L->dis_other_y, false);
    }
}

/* ---- memory view ---------------------------------------------------------------------- */

static void draw_mem(dbg_view *v, const dbg_model *d)
{
    const dbg_layout *L = &v->L;
    int cw = v->font.cw, ch = v->font.ch;
    char buf[200];
    snprintf(buf, sizeof(buf), "Memory at %s %" PRIx64 " as each VTL sees it (g: go to, m: GPA/GVA)",
             d->mem_space == EMU_SPACE_GVA ? "GVA" : "GPA", d->mem_addr);
    int y = panel(v, L->mem, buf, COL_BORDER);
    for (unsigned vt = 0; vt < DBG_VTLS; vt++) {
        const dbg_memview *mv = &d->mem[vt];
        snprintf(buf, sizeof(buf), "VTL%u", vt);
        text(v, L->mem.x + cw / 2, y, vtl_color(vt), buf);
        if (mv->why[0])
            text_w(v, L->mem.x + 6 * cw, y, L->mem.w - 7 * cw, COL_DENIED, mv->why);
        y += ch;
        for (size_t r = 0; r < DBG_MEM_ROWS && y + ch <= L->mem.y + L->mem.h; r++, y += ch) {
            int x = L->mem.x + cw / 2;
            snprintf(buf, sizeof(buf), "%016" PRIx64, d->mem_addr + r * DBG_MEM_ROW);
            x += text(v, x, y, COL_DIM, buf) + 2 * cw;
            const uint8_t *b = mv->bytes + r * DBG_MEM_ROW;
            char asc[DBG_MEM_ROW + 1];
            for (size_t i = 0; i < DBG_MEM_ROW; i++) {
                if (mv->ok[r])
                    snprintf(buf, sizeof(buf), "%02x", b[i]);
                else
                    snprintf(buf, sizeof(buf), "--");
                text(v, x + (int)(i * 3) * cw, y, !mv->ok[r] ? COL_DENIED : b[i] ? COL_TEXT : COL_DIM, buf);
                asc[i] = mv->ok[r] && b[i] >= 0x20 && b[i] < 0x7f ? (char)b[i] : '.';
            }
            asc[DBG_MEM_ROW] = 0;
            x += (DBG_MEM_ROW * 3 + 1) * cw;
            text(v, x, y, mv->ok[r] ? COL_TEXT : COL_DENIED, mv->ok[r] ? asc : "denied");
        }
        y += ch / 2;
    }
}

/* ---- event log ------------------------------------------------------------------------ */

static const char *chip_name(emu_event_kind k)
{
    static const char *const names[EV_KIND_COUNT] = {
        [EV_BOOT] = "boot", [EV_CONSOLE] = "cons", [EV_VTL_ENABLE] = "en", [EV_VTL_CALL] = "call",
        [EV_VTL_RETURN] = "ret", [EV_HYPERCALL] = "hcall", [EV_SLAT_CHANGE] = "slat",
        [EV_SLAT_VIOLATION] = "viol", [EV_INTERCEPT] = "icpt", [EV_COW_SHARE] = "cow",
        [EV_COW_BREAK] = "break", [EV_DMA] = "dma", [EV_IOMMU_FAULT] = "iommu", [EV_DEVICE_DENIED] = "dev",
        [EV_EXCEPTION] = "exc", [EV_SYSCALL] = "sys", [EV_EXIT] = "exit",
    };
    return (unsigned)k < EV_KIND_COUNT && names[k] ? names[k] : "?";
}

/* Filter chips flow over two rows under the log's title. */
static bool chip_rect(const dbg_view *v, emu_event_kind k, dbg_rect *out)
{
    const dbg_layout *L = &v->L;
    int cw = v->font.cw, x = L->log.x + cw / 2, row = 0;
    for (unsigned i = 0; i < EV_KIND_COUNT; i++) {
        int w = ((int)strlen(chip_name((emu_event_kind)i)) + 1) * cw;
        if (x + w > L->log.x + L->log.w) {
            row++;
            x = L->log.x + cw / 2;
        }
        if (i == (unsigned)k) {
            *out = (dbg_rect){ x, L->log.y + (1 + row) * v->font.ch + 4, w - cw / 2, v->font.ch };
            return row < 2;
        }
        x += w;
    }
    return false;
}

bool dbg_view_chip_at(const dbg_view *v, int x, int y, emu_event_kind *kind)
{
    for (unsigned k = 0; k < EV_KIND_COUNT; k++) {
        dbg_rect r;
        if (chip_rect(v, (emu_event_kind)k, &r) && dbg_rect_has(r, x, y)) {
            *kind = (emu_event_kind)k;
            return true;
        }
    }
    return false;
}

static SDL_Color kind_color(emu_event_kind k)
{
    switch (k) {
    case EV_SLAT_VIOLATION:
    case EV_INTERCEPT:
    case EV_IOMMU_FAULT:
    case EV_DEVICE_DENIED:
    case EV_EXCEPTION:
        return COL_FAULT;
    case EV_VTL_CALL:
    case EV_VTL_RETURN:
    case EV_VTL_ENABLE:
        return vtl_color(1);
    case EV_HYPERCALL:
        return COL_HYPER;
    case EV_SLAT_CHANGE:
        return COL_SLAT;
    case EV_COW_SHARE:
    case EV_COW_BREAK:
    case EV_DMA:
        return COL_COW;
    case EV_CONSOLE:
        return COL_DIM;
    default:
        return COL_TEXT;
    }
}

static void draw_log(dbg_view *v, const dbg_model *d)
{
    const dbg_layout *L = &v->L;
    int cw = v->font.cw, ch = v->font.ch;
    char buf[512];
    snprintf(buf, sizeof(buf), "Events  %zu of %zu shown, filter: %s (f, or click a kind)", d->nshown, d->seen,
             dbg_filter_preset_name(d->filter_preset));
    panel(v, L->log, buf, COL_BORDER);
    for (unsigned k = 0; k < EV_KIND_COUNT; k++) {
        dbg_rect r;
        if (!chip_rect(v, (emu_event_kind)k, &r))
            continue;
        bool on = d->filter & (UINT64_C(1) << k);
        if (on)
            fill(v, r, C(0x30, 0x36, 0x40));
        text(v, r.x + cw / 4, r.y, on ? kind_color((emu_event_kind)k) : C(0x55, 0x5a, 0x63), chip_name((emu_event_kind)k));
    }
    int y0 = L->log.y + 3 * ch;
    size_t first = dbg_layout_log_first(d->nshown, d->selected, L->log_rows);
    for (int row = 0; row < L->log_rows && first + (size_t)row < d->nshown; row++) {
        size_t si = first + (size_t)row;
        const emu_event *ev = emu_event_get(d->m, d->shown[si]);
        if (!ev)
            continue;
        int y = y0 + row * ch;
        if ((long)si == d->selected)
            fill(v, (dbg_rect){ L->log.x + 1, y, L->log.w - 2, ch }, COL_SELECT);
        dbg_event_brief(ev, buf, sizeof(buf));
        text_w(v, L->log.x + cw / 2, y, L->log.w - cw, kind_color(ev->kind), buf);
    }
    /* The selected event in full, as JSON, at the bottom. */
    const emu_event *sel = dbg_model_selected_event(d);
    int yd = L->log.y + L->log.h - 2 * ch - 2;
    fill(v, (dbg_rect){ L->log.x + 1, yd - 2, L->log.w - 2, 2 * ch + 3 }, C(0x1f, 0x22, 0x28));
    if (!sel) {
        text(v, L->log.x + cw / 2, yd, COL_DIM, "no event selected ([ ] or click one)");
        return;
    }
    char json[1024] = "";
    FILE *f = fmemopen(json, sizeof(json) - 1, "w");
    if (f) {
        emu_event_write_json(sel, f);
        fclose(f);
    }
    int per = (L->log.w - cw) / cw;
    size_t len = strlen(json);
    for (int r = 0; r < 2 && per > 0 && (size_t)(r * per) < len; r++)
        dbg_text(v->r, &v->font, L->log.x + cw / 2, yd + r * ch, COL_HEAD, json + r * per, (size_t)per);
}

/* ---- consoles ------------------------------------------------------------------------- */

static void draw_console(dbg_view *v, const dbg_model *d, unsigned vt)
{
    const dbg_layout *L = &v->L;
    dbg_rect r = L->console[vt];
    char title[48];
    snprintf(title, sizeof(title), "Console VTL%u", vt);
    int y = panel(v, r, title, vtl_tint(vt));
    int rows = (r.y + r.h - y) / v->font.ch;
    size_t len = 0;
    const char *t = emu_console_text(d->m, vt, &len);
    if (!t || rows <= 0)
        return;
    /* Back up over the last `rows` lines (a final newline ends a line, it starts none). */
    size_t start = len, n = 0;
    if (start && t[start - 1] == '\n')
        start--;
    while (start > 0 && n < (size_t)rows) {
        start--;
        if (t[start] == '\n' && ++n == (size_t)rows) {
            start++;
            break;
        }
    }
    char line[256];
    for (size_t i = start; i < len && y + v->font.ch <= r.y + r.h; y += v->font.ch) {
        size_t k = 0;
        while (i < len && t[i] != '\n') {
            if (k + 1 < sizeof(line))
                line[k++] = t[i];
            i++;
        }
        line[k] = 0;
        i++;
        text_w(v, r.x + v->font.cw / 2, y, r.w - v->font.cw, COL_TEXT, line);
    }
}

/* ---- overlays ------------------------------------------------------------------------- */

static void draw_help(dbg_view *v)
{
    static const char *const lines[] = {
        "Keys",
        "",
        "s          step one instruction (of whichever VTL runs)",
        "o          step over a call, syscall, int or vmcall (VtlCall returns here)",
        "n          run to the next VTL transition (vtl_call, vtl_return, intercept)",
        "v          run to the next SLAT violation, intercept or IOMMU fault",
        "c          continue (to a breakpoint or the end)",
        "space      pause a run",
        "b          toggle a breakpoint at the cursor line (runs then step one by one)",
        "up/down    move the cursor in the disassembly (pgup/pgdn: by 10)",
        "g          go to an address: hex = GPA, v<hex> = GVA (also in the disassembly)",
        "m          memory view: switch between GPA and GVA",
        "[ ]        select the previous / next event; home / end: first / last",
        "f          event filter: all, transitions, isolation, no console",
        "esc        back to RIP; close this help",
        "h ?        this help          q  quit",
        "",
        "Mouse: click an event to jump to it, a kind to filter it, a listing line for the",
        "cursor, a page of the memory map to show it; hover the map for both VTLs' rights.",
    };
    const dbg_layout *L = &v->L;
    int n = (int)(sizeof(lines) / sizeof(lines[0]));
    int w = 88 * v->font.cw, h = (n + 2) * v->font.ch;
    dbg_rect r = { (L->w - w) / 2, (L->h - h) / 2, w, h };
    fill(v, r, C(0x16, 0x19, 0x1e));
    frame(v, r, vtl_color(1));
    for (int i = 0; i < n; i++)
        text(v, r.x + 2 * v->font.cw, r.y + (i + 1) * v->font.ch, i == 0 ? vtl_color(1) : COL_TEXT, lines[i]);
}

static void draw_prompt(dbg_view *v, const dbg_model *d)
{
    const dbg_layout *L = &v->L;
    int w = 70 * v->font.cw, h = 3 * v->font.ch;
    dbg_rect r = { (L->w - w) / 2, L->h / 3, w, h };
    fill(v, r, C(0x16, 0x19, 0x1e));
    frame(v, r, COL_HYPER);
    char buf[96];
    snprintf(buf, sizeof(buf), "Go to (hex GPA, or v<hex> for a GVA): %s_", d->prompt_text);
    text(v, r.x + 2 * v->font.cw, r.y + v->font.ch, COL_TEXT, buf);
}

void dbg_view_draw(dbg_view *v, const dbg_model *d)
{
    SDL_Color bg = COL_BG;
    SDL_SetRenderDrawColor(v->r, bg.r, bg.g, bg.b, 255);
    SDL_RenderClear(v->r);
    draw_title(v, d);
    draw_regs(v, d);
    draw_disasm(v, d);
    draw_mem(v, d);
    dbg_view_draw_map(v, d);
    draw_log(v, d);
    draw_console(v, d, 0);
    draw_console(v, d, 1);
    draw_hints(v);
    if (d->help)
        draw_help(v);
    if (d->prompt)
        draw_prompt(v, d);
}
