/* Byte loops, kept simple on purpose: guests copy little data. This file must be built
 * with -fno-tree-loop-distribute-patterns, or gcc turns the memset loop into a call to
 * memset (itself). */
#include "guest/lib/string.h"

void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)                 /* overlapping with dst above src: copy backwards */
        d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

void secure_zero(void *dst, size_t n)
{
    volatile unsigned char *d = dst;
    while (n--)
        *d++ = 0;
    /* Also tells the compiler the memory is used, so earlier stores stay too. */
    __asm__ volatile("" : : "r"(dst) : "memory");
}

bool has_word(const char *line, const char *word)
{
    size_t n = strlen(word);
    for (const char *s = line; s && *s; s++)
        if ((s == line || s[-1] == ' ') && !memcmp(s, word, n) && (s[n] == '\0' || s[n] == ' '))
            return true;
    return false;
}
