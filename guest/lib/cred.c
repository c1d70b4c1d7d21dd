#include "guest/lib/cred.h"

#include "guest/lib/string.h"

static uint32_t rotl(uint32_t x, unsigned s)
{
    return x << s | x >> (32 - s);
}

static uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* One 64-byte block into the state (RFC 1320 §3.4). */
static void md4_block(uint32_t st[4], const uint8_t block[64])
{
    static const uint8_t r2[16] = { 0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15 };
    static const uint8_t r3[16] = { 0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15 };
    static const uint8_t s1[4] = { 3, 7, 11, 19 }, s2[4] = { 3, 5, 9, 13 },
                         s3[4] = { 3, 9, 11, 15 };
    uint32_t x[16], v[4] = { st[0], st[1], st[2], st[3] };

    for (int i = 0; i < 16; i++)
        x[i] = load_le32(block + 4 * i);
    /* Step i updates word (-i mod 4), i.e. a, d, c, b, a, ...; b c d are the next three. */
    for (int i = 0; i < 48; i++) {
        uint32_t *a = &v[(4 - i % 4) % 4];
        uint32_t b = v[(5 - i % 4) % 4], c = v[(6 - i % 4) % 4], d = v[(7 - i % 4) % 4];
        uint32_t f;
        unsigned s;
        if (i < 16) {
            f = (b & c) | (~b & d);
            f += x[i];
            s = s1[i % 4];
        } else if (i < 32) {
            f = (b & c) | (b & d) | (c & d);
            f += x[r2[i - 16]] + 0x5A827999u;
            s = s2[i % 4];
        } else {
            f = b ^ c ^ d;
            f += x[r3[i - 32]] + 0x6ED9EBA1u;
            s = s3[i % 4];
        }
        *a = rotl(*a + f, s);
    }
    for (int i = 0; i < 4; i++)
        st[i] += v[i];
    secure_zero(x, sizeof x);
    secure_zero(v, sizeof v);
}

void md4(const void *data, size_t len, uint8_t out[CRED_HASH_SIZE])
{
    uint32_t st[4] = { 0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u };
    const uint8_t *p = data;
    uint8_t tail[128];
    size_t left = len;

    for (; left >= 64; left -= 64, p += 64)
        md4_block(st, p);
    /* Padding: 0x80, zeros, the length in bits as a little-endian u64 (one or two blocks). */
    memset(tail, 0, sizeof tail);
    memcpy(tail, p, left);
    tail[left] = 0x80;
    size_t tail_len = left < 56 ? 64 : 128;
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++)
        tail[tail_len - 8 + i] = (uint8_t)(bits >> (8 * i));
    for (size_t off = 0; off < tail_len; off += 64)
        md4_block(st, tail + off);

    for (int i = 0; i < 16; i++)
        out[i] = (uint8_t)(st[i / 4] >> (8 * (i % 4)));
    secure_zero(tail, sizeof tail);
    secure_zero(st, sizeof st);
}

int cred_nt_hash(const char *password, uint8_t out[CRED_HASH_SIZE])
{
    uint8_t utf16[2 * CRED_PASSWORD_MAX];
    size_t n = strlen(password);
    if (n > CRED_PASSWORD_MAX)
        return -1;
    for (size_t i = 0; i < n; i++) {
        utf16[2 * i] = (uint8_t)password[i];
        utf16[2 * i + 1] = 0;
    }
    md4(utf16, 2 * n, out);
    secure_zero(utf16, sizeof utf16);
    return 0;
}

void cred_response(const uint8_t nt_hash[CRED_HASH_SIZE], uint64_t challenge,
                   uint8_t out[CRED_HASH_SIZE])
{
    uint8_t msg[CRED_HASH_SIZE + 8];
    memcpy(msg, nt_hash, CRED_HASH_SIZE);
    for (int i = 0; i < 8; i++)
        msg[CRED_HASH_SIZE + i] = (uint8_t)(challenge >> (8 * i));
    md4(msg, sizeof msg, out);
    secure_zero(msg, sizeof msg);
}
