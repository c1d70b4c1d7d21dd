/* Monospace text through SDL_ttf: the printable ASCII glyphs are rendered once into one
 * texture and copied from there, tinted per call. */
#ifndef FRONTENDS_SDL_TEXT_H
#define FRONTENDS_SDL_TEXT_H

#include <SDL2/SDL.h>
#include <stdbool.h>

typedef struct dbg_font {
    SDL_Texture *atlas;
    int cw, ch;          /* advance and line height, pixels */
} dbg_font;

/* err receives one line on failure. */
bool dbg_font_open(dbg_font *f, SDL_Renderer *r, const char *path, int size, char *err, size_t errlen);
void dbg_font_close(dbg_font *f);

/* Draws at most max_chars characters (0: no limit) at (x, y); returns the width drawn. */
int dbg_text(SDL_Renderer *r, const dbg_font *f, int x, int y, SDL_Color c, const char *s, size_t max_chars);

#endif
