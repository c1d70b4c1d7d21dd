/* The PNG writer: chunk layout and CRCs, and a zlib stream that a small inflater (fixed
 * Huffman codes only, as the writer produces) turns back into the filtered rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "frontends/sdl/png.h"

typedef struct rbits {
    const uint8_t *p;
    size_t len, pos;   /* pos in bits */
} rbits;

static unsigned get_bits(rbits *r, unsigned n)
{
    unsigned v = 0;
    for (unsigned i = 0; i < n; i++, r->pos++) {
        assert_true(r->pos / 8 < r->len);
        v |= (unsigned)((r->p[r->pos / 8] >> (r->pos % 8)) & 1) << i;
    }
    return v;
}

static unsigned get_code(rbits *r, unsigned n, unsigned v)
{
    for (unsigned i = 0; i < n; i++)
        v = v << 1 | get_bits(r, 1);
    return v;
}

static unsigned get_symbol(rbits *r)
{
    unsigned v = get_code(r, 7, 0);
    if (v <= 23)
        return 256 + v;
    v = get_code(r, 1, v);
    if (v >= 0x30 && v <= 0xBF)
        return v - 0x30;
    if (v >= 0xC0 && v <= 0xC7)
        return 280 + v - 0xC0;
    v = get_code(r, 1, v);
    assert_true(v >= 0x190 && v <= 0x1FF);
    return 144 + v - 0x190;
}

/* Inflates a zlib stream of one fixed-Huffman block; returns the byte count. */
static size_t inflate_fixed(const uint8_t *z, size_t zlen, uint8_t *out, size_t cap)
{
    static const unsigned lb[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27,
                                     31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
    static const unsigned le[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
    static const unsigned db[30] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385,
                                     513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577 };
    static const unsigned de[30] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10,
                                     11, 11, 12, 12, 13, 13 };
    assert_int_equal(z[0], 0x78);
    assert_int_equal((z[0] * 256 + z[1]) % 31, 0);
    rbits r = { z + 2, zlen - 6, 0 };
    assert_int_equal(get_bits(&r, 1), 1);   /* final */
    assert_int_equal(get_bits(&r, 2), 1);   /* fixed */
    size_t n = 0;
    for (;;) {
        unsigned s = get_symbol(&r);
        if (s < 256) {
            assert_true(n < cap);
            out[n++] = (uint8_t)s;
            continue;
        }
        if (s == 256)
            break;
        unsigned len = lb[s - 257] + get_bits(&r, le[s - 257]);
        unsigned dc = get_code(&r, 5, 0);
        assert_true(dc < 30);
        unsigned dist = db[dc] + get_bits(&r, de[dc]);
        assert_true(dist <= n && n + len <= cap);
        for (unsigned i = 0; i < len; i++, n++)
            out[n] = out[n - dist];
    }
    const uint8_t *a = z + zlen - 4;
    uint32_t adler = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
    assert_int_equal(adler, dbg_adler32(1, out, n));
    return n;
}

static void crc32_and_adler32_match_known_values(void **state)
{
    (void)state;
    const uint8_t *s = (const uint8_t *)"123456789";
    assert_int_equal(dbg_crc32(0, s, 9), 0xCBF43926u);
    assert_int_equal(dbg_adler32(1, (const uint8_t *)"Wikipedia", 9), 0x11E60398u);
    assert_int_equal(dbg_crc32(0, (const uint8_t *)"IEND", 4), 0xAE426082u);
}

static void zlib_round_trips_text_runs_and_noise(void **state)
{
    (void)state;
    size_t n = 200000;
    uint8_t *in = malloc(n), *back = malloc(n + 16);
    uint32_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        if (i < 50000)
            in[i] = (uint8_t)"the quick brown fox "[i % 20];
        else if (i < 120000)
            in[i] = 0x2A;
        else {
            x = x * 1103515245u + 12345u;
            in[i] = (uint8_t)(x >> 16);
        }
    }
    uint8_t *z;
    size_t zlen;
    assert_int_equal(dbg_zlib_compress(in, n, &z, &zlen), VE_OK);
    assert_true(zlen < n);
    assert_int_equal(inflate_fixed(z, zlen, back, n + 16), n);
    assert_memory_equal(in, back, n);
    free(z);
    assert_int_equal(dbg_zlib_compress(in, 0, &z, &zlen), VE_OK);
    assert_int_equal(inflate_fixed(z, zlen, back, 16), 0);
    free(z);
    free(in);
    free(back);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void png_has_signature_ihdr_idat_iend_and_the_pixels(void **state)
{
    (void)state;
    enum { W = 37, H = 23, PITCH = W * 3 + 5 };
    uint8_t px[PITCH * H];
    for (size_t i = 0; i < sizeof(px); i++)
        px[i] = (uint8_t)(i * 7 + i / PITCH);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(dbg_png_write(f, px, W, H, PITCH), VE_OK);
    fclose(f);
    const uint8_t *p = (const uint8_t *)buf;
    assert_memory_equal(p, "\x89PNG\r\n\x1a\n", 8);
    assert_int_equal(rd32(p + 8), 13);
    assert_memory_equal(p + 12, "IHDR", 4);
    assert_int_equal(rd32(p + 16), W);
    assert_int_equal(rd32(p + 20), H);
    assert_int_equal(p[24], 8);
    assert_int_equal(p[25], 2);
    assert_int_equal(rd32(p + 29), dbg_crc32(0, p + 12, 17));
    size_t at = 33;
    assert_memory_equal(p + at + 4, "IDAT", 4);
    size_t zlen = rd32(p + at);
    assert_int_equal(rd32(p + at + 8 + zlen), dbg_crc32(0, p + at + 4, zlen + 4));
    size_t row = W * 3 + 1;
    uint8_t *raw = malloc(row * H + 16);
    assert_int_equal(inflate_fixed(p + at + 8, zlen, raw, row * H + 16), row * H);
    /* Undo the filters: None on the first row, Up on the others. */
    for (size_t y = 0; y < H; y++) {
        assert_int_equal(raw[y * row], y ? 2 : 0);
        for (size_t x = 0; x < W * 3; x++) {
            uint8_t v = raw[y * row + 1 + x];
            if (y)
                v = (uint8_t)(v + px[(y - 1) * PITCH + x]);
            assert_int_equal(v, px[y * PITCH + x]);
        }
    }
    at += 12 + zlen;
    assert_int_equal(rd32(p + at), 0);
    assert_memory_equal(p + at + 4, "IEND", 4);
    assert_int_equal(at + 12, len);
    free(raw);
    free(buf);
}

static void png_refuses_an_empty_image(void **state)
{
    (void)state;
    uint8_t px[3] = { 0 };
    assert_int_equal(dbg_png_write(stdout, px, 0, 1, 3), VE_E_INVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crc32_and_adler32_match_known_values),
        cmocka_unit_test(zlib_round_trips_text_runs_and_noise),
        cmocka_unit_test(png_has_signature_ihdr_idat_iend_and_the_pixels),
        cmocka_unit_test(png_refuses_an_empty_image),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
