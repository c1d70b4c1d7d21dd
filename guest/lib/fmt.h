/* A small printf: enough for kernel logs and hex dumps, with gcc checking the
 * arguments. Conversions: %d %i %u %x %X %p %s %c %%; flags '0' and '-', a width, and
 * the length modifiers l, ll and z. Output goes to a sink one character at a time, so
 * the same code prints to the UART (kernel) or into a write() buffer (user mode). */
#ifndef GUEST_LIB_FMT_H
#define GUEST_LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

typedef void fmt_sink(void *ctx, char c);

/* Returns the number of characters produced. */
size_t fmt_vformat(fmt_sink *sink, void *ctx, const char *fmt, va_list ap);

/* Into buf (always NUL-terminated when size > 0); returns the untruncated length. */
size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
