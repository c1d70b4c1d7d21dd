/* `vtlemu debug`: the SDL2 debugger window, or the same thing headless. */
#ifndef FRONTENDS_SDL_DBG_H
#define FRONTENDS_SDL_DBG_H

#include <stdbool.h>
#include <stdint.h>

#define DBG_DEFAULT_FONT "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
#define DBG_DEFAULT_W    1600
#define DBG_DEFAULT_H    1000
#define DBG_DEFAULT_FONT_SIZE 13

typedef struct dbg_options {
    const char *image, *secure;     /* VTL0 kernel, VTL1 secure kernel (or NULL) */
    uint64_t mem_size, max_insns;
    const char *append;
    bool headless;                  /* no window: render into memory */
    const char *keys;               /* keys to replay first (keys.h syntax), or NULL */
    const char *dump_path;          /* --dump-state: the model as JSON at the end */
    const char *screenshot_path;    /* --screenshot: the window as PNG at the end */
    const char *font_path;          /* NULL: $VTLEMU_FONT, else DBG_DEFAULT_FONT */
    int font_size, width, height;
} dbg_options;

/* Runs the debugger; returns the process exit status (0, or 64 for bad input). */
int dbg_main(const dbg_options *o);

#endif
