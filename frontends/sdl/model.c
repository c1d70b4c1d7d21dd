/* Debugger model: registers, listings, event log, memory view, keys. Run control is in
 * run.c, pages in pagemap.c, the JSON dump in dump.c. */
#include "frontends/sdl/model.h"

#include <stdlib.h>
#include <string.h>

#include "frontends/sdl/listing.h"
#include "frontends/sdl/run.h"

const dbg_reg_def dbg_regs[DBG_NREGS] = {
    { "rip", false },   /* DBG_REG_RIP */    { "rsp", false },    { "rflags", false }, { "rax", true },
    { "rbx", true },     { "rcx", true },     { "rdx", true },     { "rsi", true },
    { "rdi", true },     { "rbp", true },     { "r8", true },      { "r9", true },
    { "r10", true },     { "r11", true },     { "r12", true },     { "r13", true },
    { "r14", true },     { "r15", true },     { "cr0", false },    { "cr2", true },
    { "cr3", false },    { "cr4", false },    { "efer", false },   { "cs", false },
    { "ss", false },     { "fs_base", false }, { "gs_base", false }, { "kernel_gs_base", false },
    { "lstar", false },  { "idtr_base", false },
};

/* Event filter presets, cycled with `f`. */
#define KIND(k) (UINT64_C(1) << (k))
static const struct { const char *name; uint64_t mask; } presets[] = {
    { "all", ~UINT64_C(0) },
    { "transitions", KIND(EV_VTL_ENABLE) | KIND(EV_VTL_CALL) | KIND(EV_VTL_RETURN) | KIND(EV_INTERCEPT) |
                     KIND(EV_EXIT) },
    { "isolation", KIND(EV_SLAT_CHANGE) | KIND(EV_SLAT_VIOLATION) | KIND(EV_INTERCEPT) | KIND(EV_COW_SHARE) |
                   KIND(EV_COW_BREAK) | KIND(EV_DMA) | KIND(EV_IOMMU_FAULT) | KIND(EV_DEVICE_DENIED) |
                   KIND(EV_EXIT) },
    { "no console", ~KIND(EV_CONSOLE) },
};
#define NPRESETS (sizeof(presets) / sizeof(presets[0]))
_Static_assert(EV_KIND_COUNT <= 64, "the event filter is a 64-bit mask");

const char *dbg_filter_preset_name(unsigned preset)
{
    return preset < NPRESETS ? presets[preset].name : "custom";
}

/* ---- boot info: where the secure kernel lives (DESIGN.md §3) ------------------------ */

#define BOOT_MAGIC UINT64_C(0x31544f4f424c5456)

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* At load time RDI of the VTL that starts holds the GPA of its boot-info page; VTL1's
 * names the secure kernel's image and its own loader area. */
static void read_secure_ranges(dbg_model *d)
{
    if (!emu_vtl_enabled(d->m, 1))
        return;
    uint64_t bi;
    uint8_t page[0x78];
    char why[96];
    if (emu_reg_get(d->m, 1, "rdi", &bi) != VE_OK ||
        emu_mem_read(d->m, 1, EMU_SPACE_GPA, bi, page, sizeof(page), why, sizeof(why)) != VE_OK)
        return;
    if (rd64(page) != BOOT_MAGIC || rd64(page + 0x10) != 1)
        return;
    d->secure_lo[0] = rd64(page + 0x40);
    d->secure_hi[0] = rd64(page + 0x48);
    d->secure_lo[1] = rd64(page + 0x68);
    d->secure_hi[1] = rd64(page + 0x70);
}

ve_status dbg_model_init(dbg_model *d, vtl_machine *m, uint64_t mem_size)
{
    memset(d, 0, sizeof(*d));
    d->m = m;
    d->ram_pages = mem_size / DBG_PAGE;
    d->filter = presets[0].mask;
    d->selected = -1;
    d->stop_event = -1;
    d->follow = true;
    d->slice = 100000;
    d->mem_space = EMU_SPACE_GPA;
    read_secure_ranges(d);
    d->mem_addr = d->secure_lo[0];
    snprintf(d->status, sizeof(d->status), "ready: s step, n next VTL transition, v next violation, h help");
    dbg_model_refresh(d);
    memcpy(d->stop_regs, d->regs, sizeof(d->regs));
    memset(d->changed, 0, sizeof(d->changed));
    return VE_OK;
}

void dbg_model_free(dbg_model *d)
{
    free(d->shown);
    free(d->cow_broken.v);
    free(d->dma.v);
    d->shown = NULL;
    d->cow_broken.v = d->dma.v = NULL;
}

/* ---- events ------------------------------------------------------------------------- */

static bool push_shown(dbg_model *d, size_t idx)
{
    if (d->nshown == d->shown_cap) {
        size_t cap = d->shown_cap ? d->shown_cap * 2 : 256;
        size_t *v = realloc(d->shown, cap * sizeof(*v));
        if (!v)
            return false;
        d->shown = v;
        d->shown_cap = cap;
    }
    d->shown[d->nshown++] = idx;
    return true;
}

static bool is_fault(const emu_event *ev)
{
    return ev->kind == EV_SLAT_VIOLATION || ev->kind == EV_EXCEPTION || ev->kind == EV_IOMMU_FAULT;
}

/* Looks at the events raised since the last call. */
static void sync_events(dbg_model *d)
{
    size_t n = emu_event_count(d->m);
    for (; d->seen < n; d->seen++) {
        const emu_event *ev = emu_event_get(d->m, d->seen);
        if (!ev)
            continue;
        if (ev->kind == EV_COW_BREAK)
            dbg_page_note(&d->cow_broken, ev->gpa, 1);
        if (ev->kind == EV_DMA && ev->length) {
            dbg_page_note(&d->dma, ev->iova, ev->length);
            dbg_page_note(&d->dma, ev->dst_iova, ev->length);
        }
        if (ev->kind == EV_SLAT_CHANGE || ev->kind == EV_COW_SHARE || ev->kind == EV_COW_BREAK ||
            ev->kind == EV_VTL_ENABLE || ev->kind == EV_DMA)
            d->map_gen++;
        dbg_note_start(d, ev->vtl, ev->rip);
        if (is_fault(ev)) {
            d->has_fault = true;
            d->fault_vtl = ev->vtl;
            d->fault_rip = ev->rip;
        }
        if (d->filter & KIND(ev->kind))
            push_shown(d, d->seen);
    }
}

static void rebuild_shown(dbg_model *d)
{
    size_t keep = d->selected >= 0 ? d->shown[d->selected] : SIZE_MAX;
    d->nshown = 0;
    d->selected = -1;
    for (size_t i = 0; i < d->seen; i++) {
        const emu_event *ev = emu_event_get(d->m, i);
        if (ev && (d->filter & KIND(ev->kind))) {
            if (i == keep)
                d->selected = (long)d->nshown;
            push_shown(d, i);
        }
    }
}

const emu_event *dbg_model_selected_event(const dbg_model *d)
{
    if (d->selected < 0 || (size_t)d->selected >= d->nshown)
        return NULL;
    return emu_event_get(d->m, d->shown[d->selected]);
}

void dbg_model_toggle_kind(dbg_model *d, emu_event_kind kind)
{
    d->filter ^= KIND(kind);
    d->filter_preset = NPRESETS;   /* custom */
    rebuild_shown(d);
}

static bool event_has_gpa(const emu_event *ev)
{
    switch (ev->kind) {
    case EV_SLAT_VIOLATION:
    case EV_INTERCEPT:
    case EV_SLAT_CHANGE:
    case EV_COW_SHARE:
    case EV_COW_BREAK:
    case EV_IOMMU_FAULT:
        return true;
    default:
        return false;
    }
}

/* Clicking an event: the listing goes to its instruction, the memory view and the map
 * to its page. */
void dbg_model_select_event(dbg_model *d, long idx)
{
    if (idx < 0 || (size_t)idx >= d->nshown)
        return;
    d->selected = idx;
    const emu_event *ev = emu_event_get(d->m, d->shown[idx]);
    if (!ev)
        return;
    if (ev->kind != EV_BOOT || ev->rip) {
        d->follow = false;
        d->pin_vtl = ev->vtl;
        d->pin_addr = ev->rip;
    }
    if (event_has_gpa(ev))
        dbg_model_goto(d, EMU_SPACE_GPA, ev->gpa);
    dbg_model_refresh(d);
}

/* ---- refresh ------------------------------------------------------------------------ */

static size_t reg_index(const char *name)
{
    for (size_t i = 0; i < DBG_NREGS; i++)
        if (!strcmp(dbg_regs[i].name, name))
            return i;
    abort();   /* a name missing from dbg_regs is a bug here */
}

static void read_memview(dbg_model *d, unsigned vtl)
{
    dbg_memview *mv = &d->mem[vtl];
    memset(mv, 0, sizeof(*mv));
    if (!d->enabled[vtl]) {
        snprintf(mv->why, sizeof(mv->why), "VTL%u is not enabled", vtl);
        return;
    }
    for (size_t r = 0; r < DBG_MEM_ROWS; r++) {
        char why[96] = "";
        uint64_t addr = d->mem_addr + r * DBG_MEM_ROW;
        ve_status st = emu_mem_read(d->m, vtl, d->mem_space, addr, mv->bytes + r * DBG_MEM_ROW, DBG_MEM_ROW,
                                    why, sizeof(why));
        mv->ok[r] = st == VE_OK;
        if (!mv->ok[r]) {
            memset(mv->bytes + r * DBG_MEM_ROW, 0, DBG_MEM_ROW);
            if (!mv->why[0])
                snprintf(mv->why, sizeof(mv->why), "%s", why[0] ? why : ve_status_str(st));
        }
    }
}

void dbg_model_refresh(dbg_model *d)
{
    sync_events(d);
    d->running_vtl = emu_current_vtl(d->m);
    for (unsigned v = 0; v < DBG_VTLS; v++) {
        d->enabled[v] = emu_vtl_enabled(d->m, v);
        d->reg_ok[v] = d->enabled[v];
        for (size_t i = 0; i < DBG_NREGS && d->reg_ok[v]; i++)
            if (emu_reg_get(d->m, v, dbg_regs[i].name, &d->regs[v][i]) != VE_OK)
                d->regs[v][i] = 0;
        for (size_t i = 0; i < DBG_NREGS; i++)
            d->changed[v][i] = d->reg_ok[v] && d->regs[v][i] != d->stop_regs[v][i];
        /* CS.RPL is the CPL in long mode; the running VTL's comes from the machine. */
        d->cpl[v] = v == d->running_vtl ? emu_current_cpl(d->m) : (unsigned)(d->regs[v][reg_index("cs")] & 3);
    }
    for (unsigned v = 0; v < DBG_VTLS; v++)
        if (d->reg_ok[v])
            dbg_note_start(d, v, d->regs[v][DBG_REG_RIP]);
    unsigned mv = d->follow ? d->running_vtl : d->pin_vtl;
    uint64_t at = d->follow ? d->regs[mv][DBG_REG_RIP] : d->pin_addr;
    size_t keep_cursor = d->cursor;
    bool same = d->main.valid && d->main.vtl == mv && dbg_line_of(&d->main, at, SIZE_MAX) != SIZE_MAX &&
                dbg_line_of(&d->main, at, 0) + 3 < d->main.count;
    if (same) {
        /* RIP is still well inside the listing: rebuild it in place (code may change). */
        dbg_build_listing(d, &d->main, mv, d->main.lines[0].addr, DBG_DIS_LINES, 0);
        if (d->follow)
            keep_cursor = dbg_line_of(&d->main, at, keep_cursor);
    } else {
        dbg_build_listing(d, &d->main, mv, at, DBG_DIS_LINES, DBG_DIS_BEFORE);
        keep_cursor = dbg_line_of(&d->main, at, 0);
    }
    d->cursor = keep_cursor < d->main.count ? keep_cursor : 0;
    unsigned ov = 1 - mv;
    d->other.valid = false;
    if (d->enabled[ov])
        dbg_build_listing(d, &d->other, ov, d->regs[ov][DBG_REG_RIP], DBG_DIS_OTHER, 2);
    for (unsigned v = 0; v < DBG_VTLS; v++)
        read_memview(d, v);
}

/* ---- keys --------------------------------------------------------------------------- */

void dbg_model_goto(dbg_model *d, emu_space space, uint64_t addr)
{
    d->mem_space = space;
    d->mem_addr = addr & ~(uint64_t)(DBG_MEM_ROW - 1);
    for (unsigned v = 0; v < DBG_VTLS; v++)
        read_memview(d, v);
}

void dbg_model_hover(dbg_model *d, bool on, uint64_t gpa)
{
    d->has_hover = on && gpa / DBG_PAGE < d->ram_pages;
    d->hover_gpa = gpa;
}

bool dbg_model_has_bp(const dbg_model *d, unsigned vtl, uint64_t rip)
{
    for (size_t i = 0; i < d->nbps; i++)
        if (d->bps[i].vtl == vtl && d->bps[i].rip == rip)
            return true;
    return false;
}

static void toggle_bp(dbg_model *d)
{
    if (!d->main.valid || d->cursor >= d->main.count || d->main.lines[d->cursor].len == 0) {
        snprintf(d->status, sizeof(d->status), "no instruction at the cursor for a breakpoint");
        return;
    }
    dbg_bp bp = { d->main.vtl, d->main.lines[d->cursor].addr };
    for (size_t i = 0; i < d->nbps; i++) {
        if (d->bps[i].vtl == bp.vtl && d->bps[i].rip == bp.rip) {
            d->bps[i] = d->bps[--d->nbps];
            snprintf(d->status, sizeof(d->status), "breakpoint removed: VTL%u %016llx", bp.vtl,
                     (unsigned long long)bp.rip);
            return;
        }
    }
    if (d->nbps == DBG_MAX_BPS) {
        snprintf(d->status, sizeof(d->status), "too many breakpoints (%d)", DBG_MAX_BPS);
        return;
    }
    d->bps[d->nbps++] = bp;
    snprintf(d->status, sizeof(d->status), "breakpoint set: VTL%u %016llx (runs now step one instruction at a time)",
             bp.vtl, (unsigned long long)bp.rip);
}

/* `g`: "40000" or "0x40000" is a GPA; "v" before it makes it a GVA, which also moves the
 * listing there in the running VTL. */
static void prompt_done(dbg_model *d)
{
    const char *t = d->prompt_text;
    emu_space space = EMU_SPACE_GPA;
    while (*t == ' ')
        t++;
    if (*t == 'v' || *t == 'p') {
        space = *t == 'v' ? EMU_SPACE_GVA : EMU_SPACE_GPA;
        t++;
        while (*t == ' ' || *t == ':')
            t++;
    }
    uint64_t addr;
    if (!dbg_parse_hex(t, &addr)) {
        snprintf(d->status, sizeof(d->status), "not an address: '%s' (hex GPA, or v<hex> for a GVA)",
                 d->prompt_text);
        return;
    }
    dbg_model_goto(d, space, addr);
    if (space == EMU_SPACE_GVA) {
        d->follow = false;
        d->pin_vtl = d->running_vtl;
        d->pin_addr = addr;
        dbg_model_refresh(d);
    }
    snprintf(d->status, sizeof(d->status), "memory view at %s %016llx", space == EMU_SPACE_GVA ? "GVA" : "GPA",
             (unsigned long long)addr);
}

static void prompt_key(dbg_model *d, int key)
{
    size_t n = strlen(d->prompt_text);
    if (key == DBG_KEY_ENTER) {
        d->prompt = false;
        prompt_done(d);
    } else if (key == DBG_KEY_ESC) {
        d->prompt = false;
    } else if (key == DBG_KEY_BACKSPACE) {
        if (n)
            d->prompt_text[n - 1] = 0;
    } else if (key >= ' ' && key < 0x7f && n + 1 < sizeof(d->prompt_text)) {
        d->prompt_text[n] = (char)key;
        d->prompt_text[n + 1] = 0;
    }
}

static void select_rel(dbg_model *d, long delta)
{
    if (d->nshown == 0)
        return;
    /* With nothing selected, `[` starts from the newest event and `]` from the oldest. */
    long to = d->selected >= 0 ? d->selected + delta : delta < 0 ? (long)d->nshown + delta : delta - 1;
    if (to < 0)
        to = 0;
    if (to >= (long)d->nshown)
        to = (long)d->nshown - 1;
    dbg_model_select_event(d, to);
}

void dbg_model_key(dbg_model *d, int key)
{
    if (d->prompt) {
        prompt_key(d, key);
        return;
    }
    if (key == 'q') {
        d->quit = true;
        return;
    }
    if (key == 'h' || key == '?') {
        d->help = !d->help;
        return;
    }
    if (key == DBG_KEY_ESC) {
        if (d->help) {
            d->help = false;
        } else {
            d->follow = true;
            d->selected = -1;
            dbg_model_refresh(d);
        }
        return;
    }
    if (dbg_model_running(d)) {
        if (key == ' ')
            dbg_run_pause(d);
        return;
    }
    switch (key) {
    case 's': dbg_run_step(d); break;
    case 'o': dbg_run_start(d, DBG_RUN_OVER); break;
    case 'n': dbg_run_start(d, DBG_RUN_TRANSITION); break;
    case 'v': dbg_run_start(d, DBG_RUN_VIOLATION); break;
    case 'c': dbg_run_start(d, DBG_RUN_CONTINUE); break;
    case 'b': toggle_bp(d); break;
    case 'g':
        d->prompt = true;
        d->prompt_text[0] = 0;
        break;
    case 'm':
        dbg_model_goto(d, d->mem_space == EMU_SPACE_GPA ? EMU_SPACE_GVA : EMU_SPACE_GPA, d->mem_addr);
        break;
    case 'f':
        d->filter_preset = (d->filter_preset + 1) % NPRESETS;
        d->filter = presets[d->filter_preset].mask;
        rebuild_shown(d);
        break;
    case '[': select_rel(d, -1); break;
    case ']': select_rel(d, 1); break;
    case DBG_KEY_UP: dbg_move_cursor(d, -1); break;
    case DBG_KEY_DOWN: dbg_move_cursor(d, 1); break;
    case DBG_KEY_PGUP: dbg_move_cursor(d, -10); break;
    case DBG_KEY_PGDN: dbg_move_cursor(d, 10); break;
    case DBG_KEY_HOME: select_rel(d, -(long)d->nshown); break;
    case DBG_KEY_END: select_rel(d, (long)d->nshown); break;
    default: break;
    }
}

void dbg_model_input(dbg_model *d, const dbg_input *in)
{
    if (in->kind == DBG_IN_HOVER)
        dbg_model_hover(d, true, in->value);
    else
        dbg_model_key(d, in->key);
}

/* Called by run.c when a run or a step ends. */
void dbg_model_stopped(dbg_model *d, long stop_event)
{
    d->stops++;
    d->stop_event = stop_event;
    d->follow = true;
    dbg_model_refresh(d);
    if (stop_event >= 0) {
        d->selected = -1;
        for (size_t i = 0; i < d->nshown; i++)
            if (d->shown[i] == (size_t)stop_event)
                d->selected = (long)i;
        const emu_event *ev = emu_event_get(d->m, (size_t)stop_event);
        if (ev && event_has_gpa(ev))
            dbg_model_goto(d, EMU_SPACE_GPA, ev->gpa);
    }
}
