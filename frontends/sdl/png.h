/* A small PNG writer (8-bit RGB, one IDAT compressed with fixed-Huffman deflate), so
 * screenshots need no image library. */
#ifndef FRONTENDS_SDL_PNG_H
#define FRONTENDS_SDL_PNG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/status.h"

/* rgb: h rows, `pitch` bytes apart, of w pixels of 3 bytes (R, G, B). */
ve_status dbg_png_write(FILE *out, const uint8_t *rgb, unsigned w, unsigned h, size_t pitch);

/* The CRC-32 of PNG chunks and the Adler-32 of zlib streams (exposed for the tests). */
uint32_t dbg_crc32(uint32_t crc, const uint8_t *p, size_t n);
uint32_t dbg_adler32(uint32_t adler, const uint8_t *p, size_t n);

/* A zlib stream of n bytes (deflate with fixed Huffman codes and LZ77). *out is
 * malloc'ed. */
ve_status dbg_zlib_compress(const uint8_t *in, size_t n, uint8_t **out, size_t *outlen);

#endif
