/* The debugger's model: everything the window shows, with no SDL. Keys change it, the
 * view draws it, --dump-state writes it as JSON. It reads the machine only through the
 * public API (emu/machine.h), so the unit tests drive it with a fake machine. */
#ifndef FRONTENDS_SDL_MODEL_H
#define FRONTENDS_SDL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "emu/machine.h"
#include "frontends/sdl/keys.h"

#define DBG_VTLS        2
#define DBG_PAGE        UINT64_C(4096)
#define DBG_MAX_BPS     32
#define DBG_DIS_LINES   22     /* listing around the running VTL's RIP */
#define DBG_DIS_BEFORE  5      /* of which before RIP */
#define DBG_DIS_OTHER   7      /* listing of the other VTL */
#define DBG_KNOWN       64     /* remembered instruction starts per VTL */
#define DBG_MEM_ROW     8      /* hex view: bytes per row */
#define DBG_MEM_ROWS    12     /* rows per VTL */
#define DBG_MEM_BYTES   (DBG_MEM_ROW * DBG_MEM_ROWS)

/* SLAT rights bits (DESIGN.md §5 flags; emu_slat_get returns them). */
#define DBG_R   1u
#define DBG_W   2u
#define DBG_KX  4u
#define DBG_UX  8u

typedef enum dbg_run_mode {
    DBG_STOPPED,
    DBG_RUN_CONTINUE,    /* c: to a breakpoint, the exit, or a pause */
    DBG_RUN_TRANSITION,  /* n: to the next vtl_call, vtl_return or intercept */
    DBG_RUN_VIOLATION,   /* v: to the next slat_violation, intercept or iommu_fault */
    DBG_RUN_OVER,        /* o: to the instruction after a call (or vmcall, syscall, int) */
} dbg_run_mode;

typedef struct dbg_bp {
    unsigned vtl;
    uint64_t rip;
} dbg_bp;

typedef struct dbg_line {
    uint64_t addr;
    int len;             /* 0: could not be read or decoded */
    char text[80];
} dbg_line;

typedef struct dbg_listing {
    bool valid;
    unsigned vtl;
    size_t count;
    dbg_line lines[DBG_DIS_LINES];
} dbg_listing;

/* The registers shown, in order; `shared` per DESIGN.md §6. */
typedef struct dbg_reg_def {
    const char *name;
    bool shared;
} dbg_reg_def;
#define DBG_NREGS 30
#define DBG_REG_RIP 0        /* dbg_regs[0] is rip */
extern const dbg_reg_def dbg_regs[DBG_NREGS];

/* What one VTL's SLAT says about one guest-physical page. */
typedef struct dbg_page {
    bool ok;             /* false: outside RAM, or the VTL is not enabled */
    unsigned rights;     /* DBG_R | DBG_W | DBG_KX | DBG_UX */
    uint64_t spa;
    bool cow;            /* shared copy-on-write */
    bool cow_broken;     /* a cow_break gave this GPA a private copy */
    bool secure;         /* the secure kernel's image or VTL1's loader area */
    bool dma;            /* a DMA transfer read or wrote it */
} dbg_page;

/* Colour classes of the memory map, in increasing priority (a pixel covering several
 * pages shows the highest, so a single odd page stays visible). */
typedef enum dbg_cat {
    DBG_CAT_ABSENT,      /* not RAM / VTL not enabled */
    DBG_CAT_RWX,         /* full rights */
    DBG_CAT_SECURE,      /* secure kernel page (full rights in VTL1) */
    DBG_CAT_DMA,         /* a DMA buffer (with full rights) */
    DBG_CAT_RW,          /* no execute */
    DBG_CAT_RX,          /* no write */
    DBG_CAT_R,           /* read only */
    DBG_CAT_X,           /* execute only, or write without read */
    DBG_CAT_NONE,        /* no access at all */
    DBG_CAT_COW,         /* shared copy-on-write */
    DBG_CAT_COW_BROKEN,  /* private copy after a copy-on-write break */
    DBG_CAT_COUNT
} dbg_cat;

/* Page ranges the event stream marked (copy-on-write breaks, DMA buffers). */
typedef struct dbg_range {
    uint64_t first, count;     /* pages */
} dbg_range;
typedef struct dbg_ranges {
    dbg_range *v;
    size_t n, cap;
} dbg_ranges;

typedef struct dbg_memview {
    bool ok[DBG_MEM_ROWS];
    uint8_t bytes[DBG_MEM_BYTES];
    char why[96];        /* the first refusal's reason */
} dbg_memview;

typedef struct dbg_model {
    vtl_machine *m;
    uint64_t ram_pages;
    uint64_t secure_lo[2], secure_hi[2];   /* VTL1 image and loader area (GPA) */

    /* Run control. */
    dbg_run_mode mode;
    dbg_bp over_target;
    dbg_bp bps[DBG_MAX_BPS];
    size_t nbps;
    uint64_t slice;            /* instructions per emu_run_until slice (adapts) */
    bool exited;
    int exit_status;
    uint64_t stops;            /* number of stops so far */
    char status[160];          /* one line: why it stopped, or what it is doing */
    uint64_t refreshed_ns;     /* last refresh while running (CLOCK_MONOTONIC) */
    long stop_event;           /* event log index that stopped the last run, or -1 */

    /* Registers at this refresh, and when the last run or step began (at the last stop):
     * `changed` compares the two. */
    bool reg_ok[DBG_VTLS];
    uint64_t regs[DBG_VTLS][DBG_NREGS];
    uint64_t stop_regs[DBG_VTLS][DBG_NREGS];
    bool changed[DBG_VTLS][DBG_NREGS];
    unsigned running_vtl, cpl[DBG_VTLS];
    bool enabled[DBG_VTLS];

    /* Disassembly: the main listing follows the running VTL's RIP unless an event or an
     * address pinned it; `other` is the other VTL's RIP. cursor: a line of `main`. */
    bool follow;
    unsigned pin_vtl;
    uint64_t pin_addr;
    dbg_listing main, other;
    size_t cursor;
    uint64_t known[DBG_VTLS][DBG_KNOWN];   /* recent instruction starts (RIPs, events) */
    size_t known_next[DBG_VTLS];
    bool has_fault;            /* the last slat_violation / exception / iommu_fault */
    unsigned fault_vtl;
    uint64_t fault_rip;

    /* Event log: indices of the events the filter lets through. */
    uint64_t filter;           /* bit per emu_event_kind */
    unsigned filter_preset;
    size_t seen;               /* events of the machine looked at so far */
    size_t *shown;
    size_t nshown, shown_cap;
    long selected;             /* index into shown, or -1 */

    /* Memory view (hex dump) and the memory map. */
    emu_space mem_space;
    uint64_t mem_addr;
    dbg_memview mem[DBG_VTLS];
    bool has_hover;
    uint64_t hover_gpa;
    dbg_ranges cow_broken;     /* GPA pages given a private copy */
    dbg_ranges dma;            /* pages DMA read or wrote (IOVA = GPA unless remapped) */
    uint64_t map_gen;          /* bumped when the map may have changed */

    /* UI. */
    bool help, quit;
    bool prompt;               /* `g` is reading an address */
    char prompt_text[40];
} dbg_model;

/* The machine must have been created with emu_keep_events on and be loaded. */
ve_status dbg_model_init(dbg_model *d, vtl_machine *m, uint64_t mem_size);
void dbg_model_free(dbg_model *d);

/* A key (keys.h codes). Steps happen at once; runs only start (see dbg_model_tick). */
void dbg_model_key(dbg_model *d, int key);
void dbg_model_input(dbg_model *d, const dbg_input *in);
bool dbg_model_running(const dbg_model *d);
/* Runs a started run for about budget_ms of wall time; true when something changed. */
bool dbg_model_tick(dbg_model *d, unsigned budget_ms);
/* Re-reads registers, listings, memory view and events (after a stop, or while running). */
void dbg_model_refresh(dbg_model *d);

/* Mouse actions (the view finds what is under the pointer). */
void dbg_model_select_event(dbg_model *d, long shown_index);
void dbg_model_set_cursor(dbg_model *d, size_t line);
void dbg_model_hover(dbg_model *d, bool on, uint64_t gpa);
void dbg_model_goto(dbg_model *d, emu_space space, uint64_t addr);
void dbg_model_toggle_kind(dbg_model *d, emu_event_kind kind);
bool dbg_model_has_bp(const dbg_model *d, unsigned vtl, uint64_t rip);

/* The selected event, or NULL. */
const emu_event *dbg_model_selected_event(const dbg_model *d);
const char *dbg_filter_preset_name(unsigned preset);

/* Pages (pagemap.c). */
void dbg_page_get(const dbg_model *d, unsigned vtl, uint64_t gpa, dbg_page *out);
dbg_cat dbg_page_cat(const dbg_page *p, unsigned vtl);
/* The class of [first, first+n) pages: the highest of their classes. Looks at no more
 * than `max_probe` pages spread over the range (0: all). */
dbg_cat dbg_cat_of_range(const dbg_model *d, unsigned vtl, uint64_t first_page, uint64_t n, uint64_t max_probe);
const char *dbg_cat_name(dbg_cat c);
void dbg_rights_str(unsigned rights, char out[5]);
/* Adds the pages of [addr, addr+len) to a set of ranges. */
void dbg_page_note(dbg_ranges *r, uint64_t addr, uint64_t len);

/* The whole model as JSON (dump.c). */
void dbg_model_dump(const dbg_model *d, FILE *out);
/* One event as "icount VTLn kind details" (the text trace without CPL and RIP). */
void dbg_event_brief(const emu_event *ev, char *buf, size_t len);

#endif
