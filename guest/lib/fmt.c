#include "guest/lib/fmt.h"

#include <stdbool.h>
#include <stdint.h>

struct out {
    fmt_sink *sink;
    void *ctx;
    size_t count;
};

static void put(struct out *o, char c)
{
    o->sink(o->ctx, c);
    o->count++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

/* One converted field: sign/prefix, zero or space padding, digits or text. */
static void field(struct out *o, const char *prefix, const char *body, size_t len,
                  int width, bool zero, bool left)
{
    int fill = width - (int)len;
    for (const char *p = prefix; *p; p++)
        fill--;
    if (!left && !zero)
        pad(o, ' ', fill);
    for (const char *p = prefix; *p; p++)
        put(o, *p);
    if (!left && zero)
        pad(o, '0', fill);
    for (size_t i = 0; i < len; i++)
        put(o, body[i]);
    if (left)
        pad(o, ' ', fill);
}

/* Digits of v in base 10 or 16, written backwards from the end of buf[24]. */
static const char *digits(uint64_t v, unsigned base, bool upper, char *end, size_t *len)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *p = end;
    do {
        *--p = set[v % base];
        v /= base;
    } while (v);
    *len = (size_t)(end - p);
    return p;
}

size_t fmt_vformat(fmt_sink *sink, void *ctx, const char *fmt, va_list ap)
{
    struct out o = { sink, ctx, 0 };

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        fmt++;
        bool zero = false, left = false;
        for (;; fmt++) {
            if (*fmt == '0')
                zero = true;
            else if (*fmt == '-')
                left = true;
            else
                break;
        }
        int width = 0;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        int longs = 0;          /* 0: int, 1 and up: 64-bit (long, long long, size_t) */
        while (*fmt == 'l' || *fmt == 'z') {
            longs++;
            fmt++;
        }
        if (left)
            zero = false;

        char buf[24];
        size_t len;
        const char *body;
        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
            /* Negate in unsigned arithmetic: -INT64_MIN overflows int64_t. */
            uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
            body = digits(mag, 10, false, buf + sizeof buf, &len);
            field(&o, v < 0 ? "-" : "", body, len, width, zero, left);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            body = digits(v, *fmt == 'u' ? 10 : 16, *fmt == 'X', buf + sizeof buf, &len);
            field(&o, "", body, len, width, zero, left);
            break;
        }
        case 'p': {
            uintptr_t v = (uintptr_t)va_arg(ap, void *);
            body = digits(v, 16, false, buf + sizeof buf, &len);
            field(&o, "0x", body, len, width, zero, left);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            for (len = 0; s[len]; len++)
                ;
            field(&o, "", s, len, width, false, left);
            break;
        }
        case 'c':
            buf[0] = (char)va_arg(ap, int);
            field(&o, "", buf, 1, width, false, left);
            break;
        case '%':
            put(&o, '%');
            break;
        case '\0':              /* a lone '%' ends the string: stop, do not read past */
            return o.count;
        default:                /* unknown conversion: show it rather than guess */
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
    }
    return o.count;
}

struct strbuf {
    char *p;
    size_t left;                /* room before the reserved NUL */
};

static void strbuf_put(void *ctx, char c)
{
    struct strbuf *b = ctx;
    if (b->left) {
        *b->p++ = c;
        b->left--;
    }
}

size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    struct strbuf b = { buf, size ? size - 1 : 0 };
    va_list ap;
    va_start(ap, fmt);
    size_t n = fmt_vformat(strbuf_put, &b, fmt, ap);
    va_end(ap);
    if (size)
        *b.p = '\0';
    return n;
}
