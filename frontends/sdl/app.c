/* The debugger's main loop: the machine, the model and the view; SDL events become
 * model keys and mouse actions. Headless, keys are replayed (each run to its stop),
 * then the state and the screenshot are written. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL2/SDL.h>
#include <SDL2/SDL_ttf.h>

#include "emu/machine.h"
#include "frontends/sdl/dbg.h"
#include "frontends/sdl/draw.h"
#include "frontends/sdl/png.h"

#define USAGE_STATUS 64
#define FRAME_MS     16     /* redraw at most ~60 Hz */
#define TICK_MS      12     /* machine time per frame while running */

typedef struct app {
    const dbg_options *o;
    vtl_machine *m;
    dbg_model d;
    dbg_view v;
    SDL_Window *win;
    SDL_Renderer *r;
    SDL_Surface *surface;   /* headless target */
    char title[300];
} app;

static int fail(const char *what, const char *why)
{
    fprintf(stderr, "vtlemu: %s%s%s\n", what, why ? ": " : "", why ? why : "");
    return USAGE_STATUS;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int open_machine(app *a)
{
    emu_config cfg = { .mem_size = a->o->mem_size, .max_insns = a->o->max_insns, .append = a->o->append };
    char err[512];
    if (emu_create(&cfg, &a->m, err, sizeof(err)) != VE_OK)
        return fail(err, NULL);
    emu_keep_events(a->m, true);   /* before loading: the boot events are the first */
    if (emu_load(a->m, a->o->image, a->o->secure, err, sizeof(err)) != VE_OK)
        return fail(err, NULL);
    if (dbg_model_init(&a->d, a->m, cfg.mem_size) != VE_OK)
        return fail("cannot set up the debugger", NULL);
    if (a->o->secure)
        snprintf(a->title, sizeof(a->title), "%s + %s", base_name(a->o->secure), base_name(a->o->image));
    else
        snprintf(a->title, sizeof(a->title), "%s", base_name(a->o->image));
    return 0;
}

static int open_view(app *a)
{
    const dbg_options *o = a->o;
    if (o->headless) {
        /* SDL's offscreen driver unless the caller chose one; drawing needs no video
         * device at all: a software renderer draws into a surface. */
        if (!getenv("SDL_VIDEODRIVER"))
            SDL_SetHint(SDL_HINT_VIDEODRIVER, "offscreen");
        SDL_Init(SDL_INIT_VIDEO);
        a->surface = SDL_CreateRGBSurfaceWithFormat(0, o->width, o->height, 32, SDL_PIXELFORMAT_RGB888);
        a->r = a->surface ? SDL_CreateSoftwareRenderer(a->surface) : NULL;
        if (!a->r)
            return fail("cannot create an offscreen renderer", SDL_GetError());
    } else {
        if (SDL_Init(SDL_INIT_VIDEO) != 0)
            return fail("cannot open a window (try --headless, or xvfb-run)", SDL_GetError());
        a->win = SDL_CreateWindow("vtlemu debug", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, o->width, o->height,
                                  SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
        if (!a->win)
            return fail("cannot open a window (try --headless, or xvfb-run)", SDL_GetError());
        a->r = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
        if (!a->r)
            a->r = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
        if (!a->r)
            return fail("cannot create a renderer", SDL_GetError());
    }
    const char *font = o->font_path ? o->font_path : getenv("VTLEMU_FONT");
    if (!font || !*font)
        font = DBG_DEFAULT_FONT;
    int w = o->width, h = o->height;
    if (a->win)
        SDL_GetRendererOutputSize(a->r, &w, &h);
    char err[512];
    if (!dbg_view_init(&a->v, a->r, font, o->font_size, w, h, a->d.ram_pages, err, sizeof(err)))
        return fail(err, NULL);
    a->v.title = a->title;
    return 0;
}

static void close_all(app *a)
{
    if (a->r)
        dbg_view_free(&a->v);
    if (a->r)
        SDL_DestroyRenderer(a->r);
    if (a->surface)
        SDL_FreeSurface(a->surface);
    if (a->win)
        SDL_DestroyWindow(a->win);
    if (TTF_WasInit())
        TTF_Quit();
    SDL_Quit();
    if (a->m) {
        dbg_model_free(&a->d);
        emu_destroy(a->m);
    }
}

/* ---- outputs -------------------------------------------------------------------------- */

static int write_dump(app *a)
{
    FILE *f = fopen(a->o->dump_path, "w");
    if (!f)
        return fail("cannot write the state dump", strerror(errno));
    dbg_model_dump(&a->d, f);
    if (fclose(f) != 0)
        return fail("writing the state dump failed", strerror(errno));
    return 0;
}

static int write_screenshot(app *a)
{
    int w = a->v.L.w, h = a->v.L.h;
    size_t pitch = (size_t)w * 3;
    uint8_t *px = malloc(pitch * (size_t)h);
    if (!px)
        return fail("out of memory for the screenshot", NULL);
    if (SDL_RenderReadPixels(a->r, NULL, SDL_PIXELFORMAT_RGB24, px, (int)pitch) != 0) {
        free(px);
        return fail("cannot read the window's pixels", SDL_GetError());
    }
    FILE *f = fopen(a->o->screenshot_path, "wb");
    ve_status st = f ? dbg_png_write(f, px, (unsigned)w, (unsigned)h, pitch) : VE_E_IO;
    free(px);
    if (!f || fclose(f) != 0 || st != VE_OK)
        return fail("cannot write the screenshot", f ? ve_status_str(st) : strerror(errno));
    return 0;
}

/* ---- input ---------------------------------------------------------------------------- */

static void replay(app *a, const dbg_input *in, size_t n)
{
    for (size_t i = 0; i < n && !a->d.quit; i++) {
        dbg_model_input(&a->d, &in[i]);
        while (dbg_model_running(&a->d))
            dbg_model_tick(&a->d, 100);
    }
}

static int special_key(SDL_Keycode k)
{
    switch (k) {
    case SDLK_UP: return DBG_KEY_UP;
    case SDLK_DOWN: return DBG_KEY_DOWN;
    case SDLK_PAGEUP: return DBG_KEY_PGUP;
    case SDLK_PAGEDOWN: return DBG_KEY_PGDN;
    case SDLK_HOME: return DBG_KEY_HOME;
    case SDLK_END: return DBG_KEY_END;
    case SDLK_RETURN:
    case SDLK_KP_ENTER: return DBG_KEY_ENTER;
    case SDLK_ESCAPE: return DBG_KEY_ESC;
    case SDLK_BACKSPACE: return DBG_KEY_BACKSPACE;
    case SDLK_TAB: return DBG_KEY_TAB;
    default: return 0;
    }
}

static void mouse_at(app *a, int x, int y, bool click)
{
    /* Window coordinates to renderer pixels (they differ on high-DPI screens). */
    int ww, wh;
    SDL_GetWindowSize(a->win, &ww, &wh);
    if (ww > 0 && wh > 0) {
        x = x * a->v.L.w / ww;
        y = y * a->v.L.h / wh;
    }
    unsigned vtl;
    uint64_t gpa;
    uint64_t zfirst = dbg_layout_zoom_first(dbg_view_focus_page(&a->d), a->d.ram_pages);
    bool on_map = dbg_layout_map_at(&a->v.L, x, y, a->d.ram_pages, zfirst, &vtl, &gpa);
    if (!click) {
        /* Hovering the band must not move the band itself. */
        bool on_band = dbg_rect_has(a->v.L.strip[0].zoom, x, y) || dbg_rect_has(a->v.L.strip[1].zoom, x, y);
        if (!on_band || on_map)
            dbg_model_hover(&a->d, on_map, gpa);
        return;
    }
    emu_event_kind kind;
    long ev;
    int line;
    if (on_map) {
        dbg_model_hover(&a->d, false, 0);
        dbg_model_goto(&a->d, EMU_SPACE_GPA, gpa);
    } else if (dbg_view_chip_at(&a->v, x, y, &kind)) {
        dbg_model_toggle_kind(&a->d, kind);
    } else if ((ev = dbg_layout_log_at(&a->v.L, x, y, a->d.nshown, a->d.selected)) >= 0) {
        dbg_model_select_event(&a->d, ev);
    } else if ((line = dbg_layout_disasm_at(&a->v.L, x, y, a->d.main.count)) >= 0) {
        dbg_model_set_cursor(&a->d, (size_t)line);
    }
}

static void handle(app *a, const SDL_Event *e)
{
    switch (e->type) {
    case SDL_QUIT:
        a->d.quit = true;
        break;
    case SDL_TEXTINPUT:
        for (const char *c = e->text.text; *c; c++)
            if (*c >= ' ' && *c < 0x7f)
                dbg_model_key(&a->d, *c);
        break;
    case SDL_KEYDOWN: {
        int k = special_key(e->key.keysym.sym);
        if (k)
            dbg_model_key(&a->d, k);
        break;
    }
    case SDL_MOUSEMOTION:
        mouse_at(a, e->motion.x, e->motion.y, false);
        break;
    case SDL_MOUSEBUTTONDOWN:
        if (e->button.button == SDL_BUTTON_LEFT)
            mouse_at(a, e->button.x, e->button.y, true);
        break;
    case SDL_MOUSEWHEEL:
        dbg_model_key(&a->d, e->wheel.y > 0 ? '[' : ']');
        break;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
            int w, h;
            SDL_GetRendererOutputSize(a->r, &w, &h);
            dbg_view_resize(&a->v, w, h);
        } else if (e->window.event == SDL_WINDOWEVENT_LEAVE) {
            dbg_model_hover(&a->d, false, 0);
        }
        break;
    default:
        break;
    }
}

static void interactive(app *a)
{
    SDL_StartTextInput();
    uint32_t last_draw = 0;
    bool dirty = true;
    while (!a->d.quit) {
        SDL_Event e;
        bool busy = dbg_model_running(&a->d);
        /* Idle: sleep until something happens; running: only look. */
        int got = busy ? SDL_PollEvent(&e) : SDL_WaitEventTimeout(&e, 250);
        while (got) {
            handle(a, &e);
            dirty = true;
            got = SDL_PollEvent(&e);
        }
        if (dbg_model_running(&a->d))
            dirty |= dbg_model_tick(&a->d, TICK_MS);
        uint32_t now = SDL_GetTicks();
        if (dirty && now - last_draw >= FRAME_MS) {
            dbg_view_draw(&a->v, &a->d);
            SDL_RenderPresent(a->r);
            last_draw = now;
            dirty = false;
        }
    }
}

int dbg_main(const dbg_options *o)
{
    app a = { .o = o };
    dbg_input *keys = NULL;
    size_t nkeys = 0;
    char err[200];
    if (o->keys && dbg_keys_parse(o->keys, &keys, &nkeys, err, sizeof(err)) != VE_OK)
        return fail(err, NULL);
    int st = open_machine(&a);
    if (st == 0)
        st = open_view(&a);
    if (st == 0) {
        replay(&a, keys, nkeys);
        if (!o->headless && !a.d.quit)
            interactive(&a);
        /* Draw the final state for the screenshot (headless has drawn nothing yet). */
        dbg_view_draw(&a.v, &a.d);
        if (o->screenshot_path)
            st = write_screenshot(&a);
        if (st == 0 && o->dump_path)
            st = write_dump(&a);
    }
    free(keys);
    close_all(&a);
    return st;
}
