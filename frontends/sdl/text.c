#include "frontends/sdl/text.h"

#include <SDL2/SDL_ttf.h>
#include <stdio.h>

#define FIRST ' '
#define LAST  '~'

bool dbg_font_open(dbg_font *f, SDL_Renderer *r, const char *path, int size, char *err, size_t errlen)
{
    f->atlas = NULL;
    if (!TTF_WasInit() && TTF_Init() != 0) {
        snprintf(err, errlen, "cannot start SDL_ttf: %s", TTF_GetError());
        return false;
    }
    TTF_Font *font = TTF_OpenFont(path, size);
    if (!font) {
        snprintf(err, errlen, "cannot open font '%s': %s (use --font FILE or VTLEMU_FONT)", path, TTF_GetError());
        return false;
    }
    int adv = 0;
    TTF_GlyphMetrics32(font, 'M', NULL, NULL, NULL, NULL, &adv);
    f->cw = adv > 0 ? adv : size / 2;
    f->ch = TTF_FontLineSkip(font);
    SDL_Surface *sheet = SDL_CreateRGBSurfaceWithFormat(0, f->cw * (LAST - FIRST + 1), f->ch, 32,
                                                        SDL_PIXELFORMAT_ARGB8888);
    bool ok = sheet != NULL;
    SDL_Color white = { 255, 255, 255, 255 };
    for (int c = FIRST; ok && c <= LAST; c++) {
        char s[2] = { (char)c, 0 };
        SDL_Surface *g = c == ' ' ? NULL : TTF_RenderText_Blended(font, s, white);
        if (!g)
            continue;
        SDL_SetSurfaceBlendMode(g, SDL_BLENDMODE_NONE);
        SDL_Rect dst = { (c - FIRST) * f->cw, 0, g->w < f->cw ? g->w : f->cw, g->h < f->ch ? g->h : f->ch };
        SDL_Rect src = { 0, 0, dst.w, dst.h };
        SDL_BlitSurface(g, &src, sheet, &dst);
        SDL_FreeSurface(g);
    }
    if (ok) {
        f->atlas = SDL_CreateTextureFromSurface(r, sheet);
        ok = f->atlas != NULL;
        if (ok)
            SDL_SetTextureBlendMode(f->atlas, SDL_BLENDMODE_BLEND);
    }
    if (!ok)
        snprintf(err, errlen, "cannot build the glyph texture: %s", SDL_GetError());
    SDL_FreeSurface(sheet);
    TTF_CloseFont(font);
    return ok;
}

void dbg_font_close(dbg_font *f)
{
    if (f->atlas)
        SDL_DestroyTexture(f->atlas);
    f->atlas = NULL;
}

int dbg_text(SDL_Renderer *r, const dbg_font *f, int x, int y, SDL_Color c, const char *s, size_t max_chars)
{
    SDL_SetTextureColorMod(f->atlas, c.r, c.g, c.b);
    SDL_SetTextureAlphaMod(f->atlas, c.a);
    int x0 = x;
    for (size_t i = 0; s[i] && (max_chars == 0 || i < max_chars); i++, x += f->cw) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == ' ')
            continue;
        if (ch < FIRST || ch > LAST)
            ch = '.';
        SDL_Rect src = { (ch - FIRST) * f->cw, 0, f->cw, f->ch };
        SDL_Rect dst = { x, y, f->cw, f->ch };
        SDL_RenderCopy(r, f->atlas, &src, &dst);
    }
    return x - x0;
}
