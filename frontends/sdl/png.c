#include "frontends/sdl/png.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

uint32_t dbg_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
    static uint32_t table[256];
    if (!table[1]) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    }
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

uint32_t dbg_adler32(uint32_t adler, const uint8_t *p, size_t n)
{
    uint32_t a = adler & 0xFFFF, b = adler >> 16;
    while (n) {
        size_t chunk = n < 5552 ? n : 5552;   /* largest run without a 32-bit overflow */
        n -= chunk;
        while (chunk--) {
            a += *p++;
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    return b << 16 | a;
}

/* ---- deflate (RFC 1951), one block of fixed Huffman codes -------------------------- */

typedef struct bits {
    uint8_t *buf;
    size_t len, cap;
    uint32_t acc;
    unsigned n;
    bool oom;
} bits;

static void put_bits(bits *b, uint32_t v, unsigned n)
{
    b->acc |= v << b->n;
    b->n += n;
    while (b->n >= 8) {
        if (b->len == b->cap) {
            size_t cap = b->cap ? b->cap * 2 : 65536;
            uint8_t *p = realloc(b->buf, cap);
            if (!p) {
                b->oom = true;
                b->len = 0;
            } else {
                b->buf = p;
                b->cap = cap;
            }
        }
        if (b->cap)
            b->buf[b->len++] = (uint8_t)b->acc;
        b->acc >>= 8;
        b->n -= 8;
    }
}

/* Huffman codes go most significant bit first. */
static void put_code(bits *b, uint32_t code, unsigned n)
{
    uint32_t r = 0;
    for (unsigned i = 0; i < n; i++)
        r |= ((code >> i) & 1) << (n - 1 - i);
    put_bits(b, r, n);
}

static void put_symbol(bits *b, unsigned sym)
{
    if (sym < 144)
        put_code(b, 0x30 + sym, 8);
    else if (sym < 256)
        put_code(b, 0x190 + sym - 144, 9);
    else if (sym < 280)
        put_code(b, sym - 256, 7);
    else
        put_code(b, 0xC0 + sym - 280, 8);
}

static const uint16_t len_base[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27,
                                       31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[30] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385,
                                        513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[30] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10,
                                        11, 11, 12, 12, 13, 13 };

static void put_match(bits *b, unsigned len, unsigned dist)
{
    unsigned i = 28;
    while (len_base[i] > len)
        i--;
    put_symbol(b, 257 + i);
    put_bits(b, len - len_base[i], len_extra[i]);
    unsigned j = 29;
    while (dist_base[j] > dist)
        j--;
    put_code(b, j, 5);
    put_bits(b, dist - dist_base[j], dist_extra[j]);
}

#define WINDOW     32768u
#define HASH_BITS  15
#define MAX_CHAIN  24

static unsigned hash3(const uint8_t *p)
{
    return ((unsigned)p[0] << 10 ^ (unsigned)p[1] << 5 ^ p[2]) & ((1u << HASH_BITS) - 1);
}

ve_status dbg_zlib_compress(const uint8_t *in, size_t n, uint8_t **out, size_t *outlen)
{
    bits b = { 0 };
    int32_t *head = malloc(sizeof(int32_t) << HASH_BITS);
    int32_t *prev = malloc(sizeof(int32_t) * WINDOW);
    if (!head || !prev) {
        free(head);
        free(prev);
        return VE_E_NOMEM;
    }
    memset(head, 0xFF, sizeof(int32_t) << HASH_BITS);
    put_bits(&b, 0x78, 8);    /* zlib: deflate, 32 KiB window */
    put_bits(&b, 0x01, 8);    /* no dictionary, check bits: 0x7801 % 31 == 0 */
    put_bits(&b, 1, 1);       /* the last block */
    put_bits(&b, 1, 2);       /* fixed Huffman codes */
    size_t i = 0;
    while (i < n) {
        unsigned best = 0, best_dist = 0;
        if (i + 3 <= n) {
            unsigned h = hash3(in + i);
            int32_t cand = head[h];
            size_t max = n - i < 258 ? n - i : 258;
            for (int chain = 0; cand >= 0 && chain < MAX_CHAIN && i - (size_t)cand <= WINDOW - 1; chain++) {
                const uint8_t *a = in + cand, *c = in + i;
                unsigned l = 0;
                while (l < max && a[l] == c[l])
                    l++;
                if (l > best) {
                    best = l;
                    best_dist = (unsigned)(i - (size_t)cand);
                    if (l == max)
                        break;
                }
                int32_t next = prev[(size_t)cand % WINDOW];
                if (next >= cand)
                    break;
                cand = next;
            }
        }
        size_t adv = best >= 3 ? best : 1;
        if (best >= 3)
            put_match(&b, best, best_dist);
        else
            put_symbol(&b, in[i]);
        /* Index every position passed (a long run would otherwise hide its middle). */
        for (size_t k = 0; k < adv; k++, i++) {
            if (i + 3 <= n) {
                unsigned h = hash3(in + i);
                prev[i % WINDOW] = head[h];
                head[h] = (int32_t)i;
            }
        }
    }
    put_symbol(&b, 256);
    if (b.n)
        put_bits(&b, 0, 8 - b.n);   /* to a byte boundary */
    uint32_t ad = dbg_adler32(1, in, n);
    for (int k = 3; k >= 0; k--)
        put_bits(&b, (ad >> (8 * k)) & 0xFF, 8);
    free(head);
    free(prev);
    if (b.oom) {
        free(b.buf);
        return VE_E_NOMEM;
    }
    *out = b.buf;
    *outlen = b.len;
    return VE_OK;
}

/* ---- PNG ------------------------------------------------------------------------------ */

static void be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static bool chunk(FILE *out, const char type[4], const uint8_t *data, size_t len)
{
    uint8_t hdr[8];
    be32(hdr, (uint32_t)len);
    memcpy(hdr + 4, type, 4);
    uint32_t crc = dbg_crc32(dbg_crc32(0, (const uint8_t *)type, 4), data, len);
    uint8_t tail[4];
    be32(tail, crc);
    return fwrite(hdr, 1, 8, out) == 8 && (len == 0 || fwrite(data, 1, len, out) == len) &&
           fwrite(tail, 1, 4, out) == 4;
}

ve_status dbg_png_write(FILE *out, const uint8_t *rgb, unsigned w, unsigned h, size_t pitch)
{
    if (w == 0 || h == 0)
        return VE_E_INVAL;
    size_t row = (size_t)w * 3 + 1;
    uint8_t *raw = malloc(row * h);
    if (!raw)
        return VE_E_NOMEM;
    /* Filter "Up" (2) for every row but the first: the rows of a window mostly repeat. */
    for (unsigned y = 0; y < h; y++) {
        uint8_t *r = raw + row * y;
        const uint8_t *src = rgb + pitch * y, *up = y ? src - pitch : NULL;
        r[0] = y ? 2 : 0;
        for (size_t x = 0; x < (size_t)w * 3; x++)
            r[1 + x] = up ? (uint8_t)(src[x] - up[x]) : src[x];
    }
    uint8_t *z;
    size_t zlen;
    ve_status st = dbg_zlib_compress(raw, row * h, &z, &zlen);
    free(raw);
    if (st != VE_OK)
        return st;
    static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
    uint8_t ihdr[13];
    be32(ihdr, w);
    be32(ihdr + 4, h);
    ihdr[8] = 8;    /* bits per channel */
    ihdr[9] = 2;    /* RGB */
    ihdr[10] = ihdr[11] = ihdr[12] = 0;
    bool ok = fwrite(sig, 1, 8, out) == 8 && chunk(out, "IHDR", ihdr, sizeof(ihdr)) && chunk(out, "IDAT", z, zlen) &&
              chunk(out, "IEND", NULL, 0);
    free(z);
    return ok ? VE_OK : VE_E_IO;
}
